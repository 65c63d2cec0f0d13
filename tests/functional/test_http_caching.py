"""Cache-Control: a proxy may keep the catalogue's anonymous pages and API answers for a
short while, and nothing that belongs to one visitor (shop/http_caching.py)."""

from __future__ import annotations

import pytest

from shop.extensions import db
from tests.factories import make_admin, make_professional

PUBLIC_READS = [
    "/",
    "/products",
    "/products?ingredient=zinc",
    "/products/hydra-glow",
    "/ingredients",
    "/ingredients/zinc",
    "/indications/wrinkles",
    "/api/v1/products",
    "/api/v1/products/hydra-glow",
    "/api/v1/brands",
]


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_an_anonymous_catalogue_read_may_be_kept_by_a_proxy_for_a_short_while(
    app, client, catalogue, path
):
    response = client.get(path)
    assert response.status_code == 200
    assert response.cache_control.public
    assert response.cache_control.max_age == app.config["PUBLIC_MAX_AGE"]
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_a_catalogue_page_with_a_session_is_never_kept(client, login, catalogue, path):
    login(make_professional())
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_page_that_starts_a_session_is_never_kept(client):
    response = client.get("/login")  # its form's CSRF token starts a session
    assert "Set-Cookie" in response.headers
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_remember_cookie_alone_makes_the_page_private(client, catalogue):
    client.set_cookie("remember_token", "not-a-valid-token")
    response = client.get("/products")
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("path", ["/cart", "/account", "/orders", "/licence", "/admin/"])
def test_personal_and_back_office_pages_are_never_kept(client, login, path):
    login(make_admin() if path.startswith("/admin") else make_professional())
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"


def test_an_error_of_the_catalogue_is_not_kept_as_a_page(client, catalogue):
    response = client.get("/products/no-such-product")
    assert response.status_code == 404
    assert not response.cache_control.public
