"""One safe-redirect helper for every ``next`` and return address: control characters,
backslashes and anything off-site give the default page, on every form that takes one,
and nothing changes before the address is checked."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from shop.checkout.models import CartLine
from shop.extensions import db
from shop.guard import CONTROL_CHARACTERS
from shop.safe_redirect import is_local_path, safe_return_url
from tests.factories import (
    DEFAULT_PASSWORD,
    make_admin,
    make_product,
    make_professional,
    make_user,
    totp_code,
)

# What browsers would turn into another site, or what would break the Location header.
HOSTILE = [
    "/\t/evil.example/landing",  # browsers drop the tab: //evil.example/landing
    "/\n/evil.example/landing",
    "/\r\n/evil.example",
    "/cart\r\nSet-Cookie: planted=1",
    "/\\evil.example/landing",  # browsers read the backslash as a slash
    "\\\\evil.example/landing",
    "/\\/evil.example",
    "//evil.example/landing",
    "///evil.example",
    "\t//evil.example",
    " //evil.example",
    "https://evil.example/landing",
    "http:evil.example",
    "javascript:alert(1)",
    "evil.example/landing",
    "/cart\x00",
    "/cart\x7f",
    "/cart\u0085",
]


def in_the_query_string(target: str) -> bool:
    """Whether the page can take ``target`` as its ``next`` at all: a query string with
    control characters is refused with a 400 before any view (shop.guard)."""
    return not CONTROL_CHARACTERS.search(target)


def assert_goes_to(response, default: str, target: str) -> None:
    if in_the_query_string(target):
        assert response.status_code == 302 and response.location == default
    else:
        assert response.status_code == 400
        assert "without control characters" in response.text


@pytest.mark.parametrize("target", HOSTILE)
def test_the_helper_refuses_anything_that_could_leave_the_site(app, target):
    assert not is_local_path(target)
    with app.test_request_context():
        assert safe_return_url(target, "/account") == "/account"


@pytest.mark.parametrize("target", ["/cart", "/products?brand=a&page=2", "/orders/MP-1#top"])
def test_the_helper_keeps_a_page_of_this_shop(app, target):
    with app.test_request_context():
        assert safe_return_url(target, "/account") == target
        assert safe_return_url(f"http://localhost{target}", "/account") == target


@pytest.mark.parametrize("target", HOSTILE)
def test_log_in_goes_to_the_account_instead(client, post_form, target):
    make_user(email="dr.rossi@example.org")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={
            "csrf_token": _token(client, "/login"),
            "email": "dr.rossi@example.org",
            "password": DEFAULT_PASSWORD,
        },
    )
    assert_goes_to(response, "/account", target)


@pytest.mark.parametrize("target", HOSTILE)
def test_the_second_step_of_log_in_goes_to_the_account_instead(client, post_form, target):
    admin = make_admin()
    first = client.post(
        "/login",
        query_string={"next": target},
        data={
            "csrf_token": _token(client, "/login"),
            "email": admin.email,
            "password": DEFAULT_PASSWORD,
        },
    )
    if not in_the_query_string(target):
        assert_goes_to(first, "/account", target)
        return
    assert first.status_code == 302 and first.location.startswith("/login/code")
    second = post_form(first.location, {"code": totp_code()}, page="/login/code")
    assert second.status_code == 302 and second.location == "/account"


@pytest.mark.parametrize("target", HOSTILE)
def test_the_confirmation_page_goes_to_the_account_instead(client, login, post_form, target):
    login(make_user())
    response = client.post(
        "/account/confirm",
        query_string={"next": target},
        data={"csrf_token": _token(client, "/account/confirm"), "password": DEFAULT_PASSWORD},
    )
    assert_goes_to(response, "/account", target)


@pytest.mark.parametrize("target", HOSTILE)
def test_the_cart_goes_to_the_cart_instead_and_keeps_the_change(client, login, target):
    pro = make_professional()
    product = make_product(stock=5)
    db.session.commit()
    login(pro)
    response = client.post(
        "/cart/add",
        data={
            "csrf_token": _token(client, "/cart"),
            "product_id": product.id,
            "quantity": 1,
            "next": target,
        },
    )
    assert response.status_code == 303 and response.location == "/cart"
    assert db.session.scalar(select(CartLine.quantity).where(CartLine.user_id == pro.id)) == 1


def _token(client, path: str) -> str:
    page = client.get(path).text
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
