"""A visitor without a session gets a kept page while nothing it shows has changed,
and never one rendered for anybody else (shop.storefront.rendered)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import template_rendered

from shop.extensions import cache, db
from shop.inventory.services import receive_stock, today
from tests.factories import make_professional

PAGES = {
    "/": "catalog/home.html",
    "/products?ingredient=zinc": "catalog/product_list.html",
    "/products/hydra-glow": "catalog/product_detail.html",
    "/ingredients": "catalog/term_list.html",
    "/ingredients/zinc": "catalog/term_detail.html",
}


@pytest.fixture
def renders(app):
    """The templates rendered, in order."""
    names: list[str] = []

    def record(_sender, template, context, **_extra):
        names.append(template.name)

    template_rendered.connect(record, app)
    yield names
    template_rendered.disconnect(record, app)


@pytest.mark.parametrize("path", PAGES)
def test_a_page_is_rendered_once_for_visitors_without_a_session(app, catalogue, renders, path):
    first = app.test_client().get(path)
    assert first.status_code == 200
    assert "Set-Cookie" not in first.headers
    for _ in range(3):
        again = app.test_client().get(path)
        assert again.get_data() == first.get_data()
    assert renders == [PAGES[path]]


def test_new_stock_shows_at_once(app, catalogue, renders):
    before = app.test_client().get("/products/hydra-glow").get_data(as_text=True)
    assert 'data-available="50"' in before
    receive_stock(
        catalogue.hydra, lot_number="NEW-1", expires_on=today() + timedelta(days=400), quantity=7
    )
    db.session.commit()
    after = app.test_client().get("/products/hydra-glow").get_data(as_text=True)
    assert 'data-available="57"' in after
    assert len(renders) == 2


def test_a_catalogue_change_shows_at_once(app, catalogue):
    assert "Hydra Glow" in app.test_client().get("/products/hydra-glow").get_data(as_text=True)
    catalogue.hydra.name = "Hydra Radiance"
    db.session.commit()
    assert "Hydra Radiance" in app.test_client().get("/products/hydra-glow").get_data(as_text=True)


def test_a_page_cleared_from_the_shared_cache_is_rendered_again(app, catalogue, renders):
    app.test_client().get("/products/hydra-glow")
    cache.clear()
    app.test_client().get("/products/hydra-glow")
    assert len(renders) == 2


def test_visitors_with_a_session_get_their_own_page_and_it_is_not_kept(
    app, catalogue, renders, login
):
    with_flash = app.test_client()
    with with_flash.session_transaction() as session:  # as flash() leaves it
        session["_flashes"] = [("message", "Your basket was saved.")]
    page = with_flash.get("/products/hydra-glow").get_data(as_text=True)
    assert "Your basket was saved." in page
    pro = login(make_professional(name="Dr Aoife Byrne"), on=app.test_client())
    assert "Dr Aoife Byrne" in pro.get("/products/hydra-glow").get_data(as_text=True)
    assert "Dr Aoife Byrne" in pro.get("/products/hydra-glow").get_data(as_text=True)

    stranger = app.test_client().get("/products/hydra-glow").get_data(as_text=True)
    assert "Your basket was saved." not in stranger
    assert "Dr Aoife Byrne" not in stranger
    assert 'name="csrf_token"' not in stranger
    assert "Log in to order" in stranger
    # Three pages for the two with a session, one for the stranger: none was reused.
    assert renders.count("catalog/product_detail.html") == 4
