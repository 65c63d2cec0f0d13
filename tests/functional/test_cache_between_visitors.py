"""No page ever carries one visitor's parts to another.

Two verified professionals of the same profession, a customer without a licence
and an anonymous visitor take turns on the same pages, in several orders. Each sees their own CSRF
token (it decodes to the one in their own session), name, cart count and gate
verdict, and never another's.
"""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeTimedSerializer

from shop.catalog.enums import Profession
from shop.checkout.models import CartLine
from shop.extensions import db
from tests.factories import make_professional, make_user

PAGES = [
    "/",
    "/products",
    "/products?ingredient=zinc&sort=price",
    "/products/hydra-glow",
    "/products/clear-skin",
    "/ingredients",
    "/indications",
    "/ingredients/zinc",
    "/indications/wrinkles",
]
TURNS = [
    ("pro", "colleague", "customer", "anonymous"),
    ("anonymous", "colleague", "customer", "pro"),
    ("customer", "pro", "anonymous", "colleague"),
]
# As the page must write them: the colleague's name needs escaping.
NAMES = {
    "pro": "Dr Orla Quinn",
    "colleague": "Dr Niamh Kelly &lt;Clinic &amp; Co&gt;",
    "customer": "Conor Walsh",
}
PROFESSIONALS = ("pro", "colleague")
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Visitor:
    def __init__(self, name, client, user=None, cart=0):
        self.name = name
        self.client = client
        self.user = user
        self.cart = cart
        self.tokens_seen: set[str] = set()

    def raw_token(self) -> str | None:
        with self.client.session_transaction() as session:
            return session.get("csrf_token")


@pytest.fixture
def visitors(app, login, catalogue):
    pro = make_professional(name="Dr Orla Quinn", profession=Profession.PHYSICIAN)
    colleague = make_professional(
        name="Dr Niamh Kelly <Clinic & Co>", profession=Profession.PHYSICIAN
    )
    customer = make_user(name="Conor Walsh")
    db.session.add_all(
        [
            CartLine(user_id=pro.id, product_id=catalogue.hydra.id, quantity=2),
            CartLine(user_id=pro.id, product_id=catalogue.sculpt.id, quantity=1),
            CartLine(user_id=colleague.id, product_id=catalogue.hydra.id, quantity=5),
            # Put there while the customer could still order; the gate now refuses it.
            CartLine(user_id=customer.id, product_id=catalogue.clear.id, quantity=1),
        ]
    )
    db.session.commit()
    everyone = {
        "pro": Visitor("pro", login(pro, on=app.test_client()), pro, cart=3),
        "colleague": Visitor(
            "colleague", login(colleague, on=app.test_client()), colleague, cart=5
        ),
        "customer": Visitor("customer", login(customer, on=app.test_client()), customer, cart=1),
        "anonymous": Visitor("anonymous", app.test_client()),
    }
    return everyone


def check_own_parts(app, visitor: Visitor, others: list[Visitor], path: str, html: str, response):
    signer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    tokens = TOKEN.findall(html)

    if visitor.user is None:
        assert not tokens, path
        assert "Set-Cookie" not in response.headers, path  # no session opened for them
        assert "data-cart-count" not in html
    else:
        assert tokens, path  # the log-out form at least
        own = visitor.raw_token()
        for token in tokens:
            assert signer.loads(token) == own, path
        visitor.tokens_seen.update(tokens)
        assert f"data-cart-count>{visitor.cart}<" in html, path
        assert NAMES[visitor.name] in html, path
    for other in others:
        if other.user is not None:
            assert NAMES[other.name] not in html, (visitor.name, other.name, path)
            assert not other.tokens_seen & set(tokens), (visitor.name, other.name, path)
            raw = other.raw_token()
            for token in tokens:
                assert signer.loads(token) != raw
        if other.cart and other.cart != visitor.cart:
            assert f"data-cart-count>{other.cart}<" not in html

    add_forms = html.count('action="/cart/add"')
    if path.startswith("/products/"):
        verdicts = {
            "pro": "Add to cart",
            "colleague": "Add to cart",
            "customer": "Submit your licence: ordering opens once our team has verified it.",
            "anonymous": "Log in to order: ordering is for verified professionals.",
        }
        assert verdicts[visitor.name] in html, (visitor.name, path)
        for other, text in verdicts.items():
            if text != verdicts[visitor.name]:
                assert text not in html, (visitor.name, other, path)
        assert add_forms == (1 if visitor.name in PROFESSIONALS else 0), path
    elif "/products" in path or path.count("/") == 2:  # listings and term pages show cards
        if visitor.name in PROFESSIONALS:
            assert add_forms >= 1, path
        else:
            assert add_forms == 0, (visitor.name, path)


@pytest.mark.parametrize("prices_visible_to", ["everyone", "verified"])
def test_no_visitor_ever_sees_another_visitors_token_name_cart_or_verdict(
    app, visitors, monkeypatch, prices_visible_to
):
    monkeypatch.setitem(app.config, "PRICES_VISIBLE_TO", prices_visible_to)
    for path in PAGES:
        for turn in TURNS:
            for name in turn:
                visitor = visitors[name]
                response = visitor.client.get(path)
                assert response.status_code == 200, (name, path)
                html = response.get_data(as_text=True)
                others = [visitors[other] for other in visitors if other != name]
                check_own_parts(app, visitor, others, path, html, response)
                if path in ("/products", "/products/hydra-glow"):
                    sees_price = prices_visible_to == "everyone" or name in PROFESSIONALS
                    assert ("€100.00" in html) is sees_price, (name, path)
    # Each logged-in visitor kept one CSRF secret all along, and it was theirs alone.
    secrets = [visitors[name].raw_token() for name in ("pro", "colleague", "customer")]
    assert len(set(secrets)) == 3
