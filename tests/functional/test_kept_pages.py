"""Pages are kept per audience while nothing they show has changed, with each
visitor's own name, cart count and CSRF token filled in (shop.storefront.rendered):
a visitor without a session gets the very same bytes, a verified professional the
page of their profession with their own words, and nobody a page rendered with
anybody else's."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import template_rendered
from itsdangerous import URLSafeTimedSerializer

from shop.catalog.enums import Profession
from shop.checkout.models import CartLine
from shop.extensions import cache, db
from shop.inventory.services import receive_stock, today
from tests.factories import make_admin, make_professional, make_user

TOKEN = re.compile(r'(?<=name="csrf_token" value=")[^"]+')
FLASHES = re.compile(r'<div class="flashes" role="status">.*?</div>\s*</div>', re.S)

PAGES = {
    "/": "storefront/home.html",
    "/products?ingredient=zinc": "storefront/product_list.html",
    "/products/hydra-glow": "storefront/product_detail.html",
    "/ingredients": "storefront/term_list.html",
    "/ingredients/zinc": "storefront/term_detail.html",
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


@pytest.fixture(params=["anonymous", "professional"])
def visitor(request, app, login):
    """A client for each kind of visitor; a professional's page reads the user, the
    token and the stock in one statement (shop.checkout.visitor.read_stock_with_user)."""
    if request.param == "anonymous":
        return app.test_client
    pro = make_professional(name="Dr Aoife Byrne")
    client = login(pro, on=app.test_client())
    return lambda: client


def test_new_stock_shows_at_once(app, catalogue, renders, visitor):
    for path, before in [
        ("/products/hydra-glow", 'data-available="50"'),
        ("/products?ingredient=zinc", "Only 3 left"),
    ]:
        assert before in visitor().get(path).get_data(as_text=True), path
    receive_stock(
        catalogue.hydra, lot_number="NEW-1", expires_on=today() + timedelta(days=400), quantity=7
    )
    receive_stock(
        catalogue.clear, lot_number="NEW-2", expires_on=today() + timedelta(days=400), quantity=3
    )
    db.session.commit()
    assert 'data-available="57"' in visitor().get("/products/hydra-glow").get_data(as_text=True)
    listing = visitor().get("/products?ingredient=zinc").get_data(as_text=True)
    assert "Only 6 left" in listing and "Only 3 left" not in listing


def test_a_catalogue_change_shows_at_once(app, catalogue, visitor):
    for path in ("/products/hydra-glow", "/products?ingredient=hyaluronic-acid"):
        assert "Hydra Glow" in visitor().get(path).get_data(as_text=True)
    catalogue.hydra.name = "Hydra Radiance"
    db.session.commit()
    for path in ("/products/hydra-glow", "/products?ingredient=hyaluronic-acid"):
        page = visitor().get(path).get_data(as_text=True)
        assert "Hydra Radiance" in page and "Hydra Glow" not in page, path


def test_a_page_cleared_from_the_shared_cache_is_rendered_again(app, catalogue, renders):
    app.test_client().get("/products/hydra-glow")
    cache.clear()
    app.test_client().get("/products/hydra-glow")
    assert len(renders) == 2


def test_a_visitor_with_a_flash_gets_a_page_of_their_own_that_is_not_kept(app, catalogue, renders):
    with_flash = app.test_client()
    with with_flash.session_transaction() as session:  # as flash() leaves it
        session["_flashes"] = [("message", "Your basket was saved.")]
    page = with_flash.get("/products/hydra-glow").get_data(as_text=True)
    assert "Your basket was saved." in page
    stranger = app.test_client().get("/products/hydra-glow").get_data(as_text=True)
    assert "Your basket was saved." not in stranger
    assert "Log in to order" in stranger
    # The flashed page was rendered for its visitor alone; the stranger's is new.
    assert renders.count("storefront/product_detail.html") == 2


def _tokens_as(client, html: str) -> str:
    """The page with its CSRF tokens, each checked to be the client's own, written as TOKEN."""
    with client.session_transaction() as session:
        own = session["csrf_token"]
    signer = URLSafeTimedSerializer(client.application.secret_key, salt="wtf-csrf-token")
    for token in TOKEN.findall(html):
        assert signer.loads(token) == own
    return TOKEN.sub("TOKEN", html)


@pytest.mark.parametrize("path", [p for p in PAGES if p != "/ingredients"])
def test_professionals_of_one_profession_share_a_page_each_with_their_own_words(
    app, catalogue, renders, login, path
):
    first = make_professional(name="Dr Aoife Byrne", profession=Profession.PHYSICIAN)
    second = make_professional(name="Dr Seán O'Brien <MD>", profession=Profession.PHYSICIAN)
    db.session.add(CartLine(user_id=second.id, product_id=catalogue.hydra.id, quantity=4))
    db.session.commit()
    one = login(first, on=app.test_client())
    two = login(second, on=app.test_client())

    for _ in range(2):
        mine = one.get(path).get_data(as_text=True)
        theirs = two.get(path).get_data(as_text=True)
    assert renders == [PAGES[path]]
    assert "Dr Aoife Byrne" in mine and "Dr Aoife Byrne" not in theirs
    assert "Dr Seán O&#39;Brien &lt;MD&gt;" in theirs and "O&#39;Brien" not in mine
    assert "data-cart-count>0<" in mine and "data-cart-count>4<" in theirs
    mine, theirs = _tokens_as(one, mine), _tokens_as(two, theirs)
    assert mine.replace("Dr Aoife Byrne", "NAME").replace("count>0<", "count>N<") == theirs.replace(
        "Dr Seán O&#39;Brien &lt;MD&gt;", "NAME"
    ).replace("count>4<", "count>N<")


def test_a_kept_page_is_the_page_rendered_for_the_visitor_alone(app, catalogue, login):
    pro = login(make_professional(name="Dr Aoife Byrne"), on=app.test_client())
    for path in ("/products?ingredient=zinc", "/products/hydra-glow", "/"):
        with pro.session_transaction() as session:  # a flash: rendered for them alone
            session["_flashes"] = [("message", "FLASHED")]
        alone = pro.get(path).get_data(as_text=True)
        kept = pro.get(path).get_data(as_text=True)
        kept_again = pro.get(path).get_data(as_text=True)
        assert "FLASHED" in alone
        alone = FLASHES.sub("", alone)
        assert "FLASHED" not in alone

        def plain(html: str) -> str:  # the flash also leaves blank lines of its own
            return re.sub(r"\s+", " ", _tokens_as(pro, html))

        assert plain(kept) == plain(alone), path
        assert _tokens_as(pro, kept_again) == _tokens_as(pro, kept)


def test_other_audiences_get_pages_of_their_own(app, catalogue, renders, login):
    """A physician, a dermatologist, a customer, an administrator: each is another rendering,
    and each sees what the gate says to them."""
    path = "/products/clear-skin"  # for physicians and nurses only
    physician = login(make_professional(profession=Profession.PHYSICIAN), on=app.test_client())
    dermatologist = login(
        make_professional(profession=Profession.DERMATOLOGIST), on=app.test_client()
    )
    customer = login(make_user(), on=app.test_client())
    admin = login(make_admin(), on=app.test_client())
    pages = {}
    for _ in range(2):
        for name, client in [
            ("physician", physician),
            ("dermatologist", dermatologist),
            ("customer", customer),
            ("admin", admin),
        ]:
            pages[name] = client.get(path).get_data(as_text=True)
    assert renders.count("storefront/product_detail.html") == 4
    assert "Add to cart" in pages["physician"]
    assert "Not sold to dermatologists" in pages["dermatologist"]
    assert "Add to cart" not in pages["dermatologist"]
    assert "Submit your licence" in pages["customer"]
    assert ">Admin<" in pages["admin"]
    assert all(">Admin<" not in pages[name] for name in ("physician", "dermatologist", "customer"))
