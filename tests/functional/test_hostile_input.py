"""Hostile URLs answer alike on SQLite and PostgreSQL: 404 in a path, 400 in a query, never 500.

The walkers cover every GET route of the app, so a route added later is covered
without touching this file.
"""

from __future__ import annotations

import re

import pytest
from flask import Flask

from shop.guard import MAX_URL_LENGTH

# As they travel in a URL: NUL, other C0 controls, DEL, a C1 control (U+0085 in
# UTF-8), invalid UTF-8 (lone bytes, an overlong "/", a surrogate), and U+FFFD.
HOSTILE = [
    "%00",
    "abc%00def",
    "%01",
    "%09tab",
    "line%0Abreak",
    "%0D%0A",
    "%1B%5B31m",
    "%7F",
    "%C2%85",
    "%FF%FE",
    "%C0%AF",
    "%ED%A0%80",
    "%EF%BF%BD",
]
# Parameters the pages and the API read, and names later routes are likely to read.
KNOWN_PARAMETERS = [
    "q",
    "sort",
    "page",
    "per_page",
    "ingredient",
    "indication",
    "area",
    "brand",
    "next",
    "token",
]
# A value each converter accepts, for the arguments not under test.
PLACEHOLDERS = {"int": "1", "float": "1.0", "uuid": "00000000-0000-0000-0000-000000000000"}
ARGUMENT = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def get_routes(app: Flask) -> list:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if "GET" in rule.methods),
        key=lambda rule: rule.rule,
    )


def fill(rule, values: dict[str, str]) -> str:
    """The rule's URL with each argument replaced by its value, or a placeholder it accepts."""

    def value(match: re.Match) -> str:
        if match["name"] in values:
            return values[match["name"]]
        return PLACEHOLDERS.get(match["converter"] or "", "x")

    return ARGUMENT.sub(value, rule.rule)


def routes_with_arguments(app: Flask) -> list[tuple[str, str]]:
    return [(rule.rule, name) for rule in get_routes(app) for name in sorted(rule.arguments)]


def test_every_get_route_is_walked(app):
    rules = {rule.rule for rule in get_routes(app)}
    assert {"/products/<slug>", "/api/v1/products/<slug>", "/static/<path:filename>"} <= rules


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_path_arguments_are_not_found_on_every_route(app, client, catalogue, hostile):
    checked = 0
    for rule in get_routes(app):
        for name in rule.arguments:
            url = fill(rule, {name: hostile})
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)
            if url.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "not_found"
            checked += 1
    assert checked >= 5


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_query_parameters_are_refused_on_every_route(app, client, catalogue, hostile):
    for rule in get_routes(app):
        for parameter in KNOWN_PARAMETERS:
            url = f"{fill(rule, {})}?{parameter}={hostile}"
            response = client.get(url)
            assert response.status_code == 400, (url, response.status_code)
            if url.startswith("/api/"):
                assert response.get_json()["error"]["code"] == "invalid_parameter"


def test_the_issues_examples_answer_404_json_or_html(client, catalogue):
    for url in ("/products/abc%00def", "/ingredients/%00", "/indications/%00"):
        response = client.get(url)
        assert response.status_code == 404 and response.mimetype == "text/html", url
    api = client.get("/api/v1/products/%00")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == "not_found"


def test_invalid_utf8_in_the_search_is_refused_not_searched(client, catalogue):
    response = client.get("/api/v1/products?q=%ff%fe")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error == {
        "code": "invalid_parameter",
        "message": "Query parameters must be UTF-8 text without control characters.",
    }
    assert client.get("/products?q=%ff%fe").status_code == 400


@pytest.mark.parametrize("page", ["%D9%A3", "1_0", "%20%203%20", "3%20", "%2B3", "-1", "0x3", "٣"])
def test_page_takes_ascii_digits_only(client, catalogue, page):
    response = client.get(f"/api/v1/products?page={page}")
    assert response.status_code == 400
    assert "page must be a whole number" in response.get_json()["error"]["message"]


def test_a_page_in_ascii_digits_still_works(client, catalogue):
    assert client.get("/api/v1/products?per_page=1&page=03").get_json()["page"] == 3


def test_refused_values_are_echoed_as_a_short_prefix(client, catalogue):
    slug = "a" * 5000
    for url in (f"/api/v1/products/{slug}", f"/api/v1/products?sort={slug}"):
        response = client.get(url)
        assert response.status_code in (400, 404)
        message = response.get_json()["error"]["message"]
        assert "'" + "a" * 40 + "'…" in message and "a" * 41 not in message
    page = client.get(f"/products/{slug}")
    assert page.status_code == 404 and len(page.data) < 20_000


def test_an_over_long_url_answers_414_from_the_app(client, catalogue):
    long_slug = "a" * MAX_URL_LENGTH
    api = client.get(f"/api/v1/products/{long_slug}")
    assert api.status_code == 414
    assert api.get_json()["error"]["code"] == "uri_too_long"
    query = client.get("/api/v1/products?q=" + "x" * MAX_URL_LENGTH)
    assert query.status_code == 414 and query.mimetype == "application/json"
    page = client.get(f"/products/{long_slug}")
    assert page.status_code == 414 and page.mimetype == "text/html"
    assert "Content-Security-Policy" in page.headers


def test_a_url_just_within_the_limit_is_answered_by_the_route(client, catalogue):
    path = "/api/v1/products/"
    response = client.get(path + "a" * (MAX_URL_LENGTH - len(path)))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "product_not_found"
