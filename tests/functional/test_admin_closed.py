"""Every route under /admin is closed to everyone but administrators, found by walking the URL map.

The walk reads ``app.url_map``, so a route added later is checked without anyone
adding it here.
"""

from __future__ import annotations

import re

import pytest
from flask import url_for

from tests.factories import make_admin, make_professional, make_user

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# Known routes, so an empty walk (a renamed prefix, say) cannot pass unnoticed.
KNOWN_ENDPOINTS = {
    "admin.dashboard",
    "admin.licence_list",
    "admin.licence_detail",
    "admin.licence_document_preview",
    "admin.licence_approve",
    "admin.licence_reject",
    "admin.licence_revoke",
    "admin.user_list",
    "admin.user_detail",
    "admin.user_deactivate",
    "admin.user_reactivate",
    "admin.user_promote",
    "admin.user_demote",
    "admin.audit_list",
    "admin.order_list_page",
    "admin.order_detail",
    "admin.order_ship",
    "admin.order_cancel",
    "admin.order_refund",
    "admin.order_resolve",
    "admin.product_list",
    "admin.product_create",
    "admin.product_edit",
    "admin.product_delete",
    "admin.product_import",
    "admin.product_import_apply",
    "admin.product_export",
    *(
        f"admin.{kind}_{verb}"
        for kind in ("brand", "ingredient", "indication")
        for verb in ("list", "edit", "merge")
    ),
    "admin.stock_overview",
    "admin.stock_low",
    "admin.stock_expiring",
    "admin.stock_product",
    "admin.stock_receive",
    "admin.stock_adjust",
    "admin.stock_write_off",
    "admin.stock_threshold",
    "admin.stock_recall",
    "admin.stock_recall_csv",
}


def plausible_value(converter) -> object:
    name = type(converter).__name__
    if name == "IntegerConverter":
        return 1
    if name == "FloatConverter":
        return 1.0
    if name == "UUIDConverter":
        return "00000000-0000-0000-0000-000000000001"
    return "x"


def admin_calls(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route under /admin and every method it allows."""
    calls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not (rule.rule == "/admin" or rule.rule.startswith("/admin/")):
                continue
            values = {name: plausible_value(rule._converters[name]) for name in rule.arguments}
            url = url_for(rule.endpoint, **values)
            for method in sorted(rule.methods - IGNORED_METHODS):
                calls.append((rule.endpoint, method, url))
    return calls


def test_the_walk_finds_every_admin_route(app):
    endpoints = {endpoint for endpoint, _, _ in admin_calls(app)}
    assert endpoints >= KNOWN_ENDPOINTS
    # Everything under /admin belongs to the one blueprint whose check closes it.
    assert all(endpoint.startswith("admin.") for endpoint in endpoints)


def call(client, method: str, url: str, token: str):
    data = {"csrf_token": token, "reason": "A reason."} if method != "GET" else None
    return client.open(url, method=method, data=data)


def test_anonymous_visitors_are_sent_to_log_in_from_every_admin_route(app, client, csrf_token):
    token = csrf_token("/login")
    for endpoint, method, url in admin_calls(app):
        response = call(client, method, url, token)
        assert response.status_code == 302, (endpoint, method, response.status_code)
        assert "/login" in response.location, (endpoint, method)


@pytest.mark.parametrize(
    "make_visitor", [make_user, make_professional], ids=["customer", "professional"]
)
def test_customers_and_professionals_get_404_from_every_admin_route(
    app, client, login, csrf_token, make_visitor
):
    login(make_visitor())
    token = csrf_token("/account")  # a page with forms for a logged-in user
    for endpoint, method, url in admin_calls(app):
        response = call(client, method, url, token)
        assert response.status_code == 404, (endpoint, method, response.status_code)
        assert "We could not find that page" in response.get_data(as_text=True)


def without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


EVERY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def every_path_under_admin(app) -> list[str]:
    """Each route's URL, the bare prefix, and paths that exist for no method at all."""
    paths = {url for _, _, url in admin_calls(app)}
    return sorted(paths | {"/admin", "/admin/", "/admin/no-such-page", "/admin/users/1/nothing"})


@pytest.mark.parametrize(
    "make_visitor", [make_user, make_professional], ids=["customer", "professional"]
)
def test_every_path_and_method_under_admin_answers_404_before_routing(
    app, client, login, csrf_token, make_visitor
):
    login(make_visitor())
    token = csrf_token("/account")
    missing = client.get("/no-such-page")
    for path in every_path_under_admin(app):
        for method in EVERY_METHOD:
            response = call(client, method, path, token)
            # Not 405 with Allow:, nor 308 to a slash: exactly what a missing page says.
            assert response.status_code == 404, (method, path, response.status_code)
            assert "Allow" not in response.headers, (method, path)
            if method != "HEAD":
                assert without_tokens(response.text) == without_tokens(missing.text), path


def test_anonymous_visitors_are_sent_to_log_in_whatever_the_method(app, client, csrf_token):
    token = csrf_token("/login")
    for path in every_path_under_admin(app):
        for method in EVERY_METHOD:
            response = call(client, method, path, token)
            assert response.status_code == 302, (method, path, response.status_code)
            assert response.location.startswith("/login"), (method, path)


def test_an_administrator_without_a_second_factor_is_sent_to_set_one_up(
    app, client, login, csrf_token
):
    login(make_admin(second_factor=False))
    token = csrf_token("/account")
    for path in every_path_under_admin(app):
        for method in ("GET", "POST", "PUT"):
            response = call(client, method, path, token)
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.location == "/account/two-factor", (method, path)
    page = client.get("/account/two-factor").text
    assert "The back office needs a second factor" in page


def test_an_administrator_still_gets_405_and_404_from_routing(client, login):
    login(make_admin())
    assert client.put("/admin/users").status_code == 405
    assert client.get("/admin/no-such-page").status_code == 404


def test_an_administrator_passes_the_check(client, login):
    login(make_admin())
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "Licences waiting for review" in response.get_data(as_text=True)
