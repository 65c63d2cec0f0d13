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
    client.set_cookie("remember_device", "not-a-valid-token")
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


# ETags and conditional GETs ---------------------------------------------------

CONDITIONAL = [
    "/",
    "/products?area=face",
    "/products/hydra-glow",
    "/ingredients",
    "/ingredients/zinc",
    "/api/v1/products?area=face",
    "/api/v1/products/hydra-glow",
    "/api/v1/ingredients",
]


def _revalidate(client, path):
    first = client.get(path)
    assert first.status_code == 200 and first.headers.get("ETag"), path
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    return first, again


@pytest.mark.parametrize("path", CONDITIONAL)
def test_a_current_copy_is_answered_with_304(client, catalogue, path):
    first, again = _revalidate(client, path)
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == first.headers["ETag"]
    assert again.cache_control.public


@pytest.mark.parametrize("path", CONDITIONAL)
def test_a_catalogue_change_gives_a_new_page_and_etag(client, catalogue, path):
    first = client.get(path)
    catalogue.hydra.description = "A hydrating booster for the face and neck."
    db.session.commit()
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


@pytest.mark.parametrize(
    "path", ["/products?area=face", "/products/hydra-glow", "/api/v1/products/hydra-glow"]
)
def test_new_stock_of_a_product_shown_gives_a_new_page_and_etag(client, catalogue, path):
    from datetime import timedelta

    from shop.inventory.services import receive_stock, today

    first = client.get(path)
    receive_stock(
        catalogue.hydra, lot_number="NEW-1", expires_on=today() + timedelta(days=200), quantity=7
    )
    db.session.commit()
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]


def test_stock_of_a_product_not_shown_leaves_the_page_as_it_was(client, catalogue):
    from datetime import timedelta

    from shop.inventory.services import receive_stock, today

    first = client.get("/products/hydra-glow")
    receive_stock(
        catalogue.hair, lot_number="HAIR-2", expires_on=today() + timedelta(days=200), quantity=4
    )
    db.session.commit()
    again = client.get("/products/hydra-glow", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_a_visitor_with_a_session_gets_the_page_and_no_etag(client, login, catalogue):
    anonymous = client.get("/products/hydra-glow")
    login(make_professional())
    db.session.commit()
    response = client.get(
        "/products/hydra-glow", headers={"If-None-Match": anonymous.headers["ETag"]}
    )
    assert response.status_code == 200
    assert "ETag" not in response.headers
