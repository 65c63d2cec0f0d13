"""The API follows PRICES_VISIBLE_TO: it is anonymous, so "verified" hides prices from every caller."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests.factories import make_professional

URLS = ["/api/v1/products", "/api/v1/products?q=glow&sort=price", "/api/v1/products/hydra-glow"]


def items(payload) -> list[dict]:
    return payload.get("items", [payload])


@pytest.mark.parametrize("url", URLS)
def test_by_default_the_api_shows_prices_and_availability(api, catalogue, url):
    for item in items(api(url)):
        assert item["price"]["currency"] == "EUR"
        assert isinstance(item["available"], int)


@pytest.mark.parametrize("url", URLS)
def test_verified_only_answers_null_prices_and_availability_to_every_caller(
    api, app, client, login, catalogue, monkeypatch, url
):
    monkeypatch.setitem(app.config, "PRICES_VISIBLE_TO", "verified")
    answers = [api(url)]
    login(make_professional())  # a session cookie does not count: the API is anonymous
    db.session.commit()
    answers.append(api(url))
    for payload in answers:
        assert items(payload)
        for item in items(payload):
            assert item["price"] is None and item["available"] is None
            assert item["name"] and item["professions"]


def test_both_audiences_are_cached_side_by_side(api, app, catalogue, monkeypatch):
    shown = api("/api/v1/products/hydra-glow")
    monkeypatch.setitem(app.config, "PRICES_VISIBLE_TO", "verified")
    hidden = api("/api/v1/products/hydra-glow")
    monkeypatch.setitem(app.config, "PRICES_VISIBLE_TO", "everyone")
    assert api("/api/v1/products/hydra-glow") == shown
    assert shown["price"] == {
        "amount_cents": 10000,
        "currency": "EUR",
        "includes_tax": False,
        "tax_label": "excl. VAT",
    }
    assert shown["available"] == 50
    assert hidden["price"] is None and hidden["available"] is None
    assert {k: v for k, v in hidden.items() if k not in ("price", "available")} == {
        k: v for k, v in shown.items() if k not in ("price", "available")
    }
