"""PRICES_VISIBLE_TO: prices (and stock figures) for everyone, or for verified professionals only."""

from __future__ import annotations

import re

import pytest

from shop import ConfigError, create_app
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from tests.factories import make_licence, make_professional, make_user

PAGES = ["/products", "/products/hydra-glow", "/ingredients/zinc", "/indications/wrinkles"]


@pytest.fixture
def verified_only(app, monkeypatch):
    monkeypatch.setitem(app.config, "PRICES_VISIBLE_TO", "verified")


@pytest.mark.parametrize("path", PAGES)
def test_by_default_everyone_sees_prices_and_stock(client, catalogue, path):
    html = client.get(path).get_data(as_text=True)
    assert "€100.00" in html
    assert "price-hidden" not in html
    assert re.search(r'class="small text-success stock"|data-available="50"', html)


@pytest.mark.parametrize("path", PAGES)
def test_verified_only_hides_prices_and_stock_from_visitors_and_customers(
    client, login, catalogue, verified_only, path
):
    pending = make_user()
    make_licence(pending, status=LicenceStatus.PENDING)
    db.session.commit()
    for who in (None, make_user(), pending):
        if who is not None:
            login(who)
        html = client.get(path).get_data(as_text=True)
        assert "€100.00" not in html and "€50.00" not in html, (who, path)
        assert "price-hidden" in html
        assert "data-available" not in html and "Only 3 left" not in html
        assert "In stock" not in html


@pytest.mark.parametrize("path", PAGES)
def test_verified_only_shows_prices_to_a_verified_professional(
    client, login, catalogue, verified_only, path
):
    login(make_professional())
    db.session.commit()
    html = client.get(path).get_data(as_text=True)
    assert "€100.00" in html
    assert "price-hidden" not in html


def test_a_page_without_prices_is_never_shown_to_a_professional(
    client, login, catalogue, verified_only
):
    anonymous = client.get("/products")
    assert "€100.00" not in anonymous.get_data(as_text=True)
    login(make_professional())
    db.session.commit()
    # Even when the browser asks with the anonymous page's ETag.
    response = client.get("/products", headers={"If-None-Match": anonymous.headers["ETag"]})
    assert response.status_code == 200
    assert "€100.00" in response.get_data(as_text=True)


def test_the_cart_hides_prices_from_a_user_who_may_not_see_them(
    client, login, catalogue, verified_only
):
    from shop.checkout.models import CartLine

    user = make_user()  # had a licence once; the cart line stayed
    db.session.add(CartLine(user_id=user.id, product_id=catalogue.hydra.id, quantity=2))
    db.session.commit()
    login(user)
    html = client.get("/cart").get_data(as_text=True)
    assert "Hydra Glow" in html
    assert "€" not in html


@pytest.mark.parametrize("value", ["friends", ""])
def test_an_unknown_audience_refuses_to_start(database_url, value):
    with pytest.raises(ConfigError, match="PRICES_VISIBLE_TO must be everyone or verified"):
        create_app("testing", SQLALCHEMY_DATABASE_URI=database_url, PRICES_VISIBLE_TO=value)


def test_the_audience_comes_from_the_environment(monkeypatch):
    from shop.config import BaseConfig

    monkeypatch.setenv("PRICES_VISIBLE_TO", "Verified")
    assert BaseConfig.load_environment()["PRICES_VISIBLE_TO"] == "verified"
