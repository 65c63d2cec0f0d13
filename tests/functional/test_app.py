"""The skeleton: health check, error pages, JSON errors under /api, headers."""

from __future__ import annotations

import re

from flask_migrate import upgrade
from sqlalchemy import func, select

from shop import create_app
from shop.catalog.models import Brand
from shop.extensions import db
from tests.conftest import PRODUCTION_SETTINGS, make_app
from tests.dbs import create_sqlite_file
from tests.factories import make_brand


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_unknown_page_is_an_html_404(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "We could not find that page" in response.get_data(as_text=True)


def test_unknown_api_route_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["code"] == "not_found"


def test_wrong_method_on_the_api_is_a_json_405(client):
    response = client.post("/api/v1/products")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_a_crash_rolls_back_and_shows_the_500_page(tmp_path):
    app = make_app(create_sqlite_file(tmp_path / "crash.sqlite3"))

    @app.get("/_test/crash")
    def crash():  # pragma: no cover - the body is the test
        make_brand("Half Written")
        raise RuntimeError("boom")

    @app.get("/api/v1/_test/crash")
    def api_crash():
        raise RuntimeError("boom")

    with app.app_context():
        upgrade()
    client = app.test_client()
    response = client.get("/_test/crash")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Brand)) == 0
    api = client.get("/api/v1/_test/crash")
    assert api.status_code == 500
    assert api.get_json() == {
        "error": {"code": "internal_error", "message": "The server failed to answer this request."}
    }


def test_pages_carry_a_content_security_policy_and_no_cdn(client):
    response = client.get("/products")
    policy = response.headers["Content-Security-Policy"]
    # The testing configuration's Stripe.js and API are the local Stripe server's.
    directives = dict(part.split(" ", 1) for part in policy.split("; "))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self' http://127.0.0.1:8420"
    assert directives["connect-src"] == "'self' http://127.0.0.1:8420"
    assert directives["frame-src"] == "http://127.0.0.1:8420"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_the_css_framework_is_served_by_the_shop_itself(client):
    css = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert css.status_code == 200 and b"Bootstrap" in css.data[:200]
    js = client.get("/bootstrap/static/js/bootstrap.min.js")
    assert js.status_code == 200


def test_every_response_carries_a_request_id_kept_when_sane(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.91:2"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a.91:2"
    fresh = client.get("/no-such-page")
    assert re.fullmatch(r"[0-9a-f]{32}", fresh.headers["X-Request-ID"])
    for insane in ("a b", "x" * 65, "<script>", "-leading-dash", "é"):
        response = client.get("/api/v1/no-such-thing", headers={"X-Request-ID": insane})
        assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"]), insane


def test_pages_and_errors_turn_off_unused_features_and_isolate_the_window(client):
    for url in ("/products", "/api/v1/brands", "/api/v1/products/%00", "/products?page=x"):
        headers = client.get(url).headers
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", url
        policy = headers["Permissions-Policy"]
        assert "camera=()" in policy and "geolocation=()" in policy and "payment=()" in policy


def test_hsts_is_sent_in_production_with_the_configured_max_age(monkeypatch):
    for name, value in PRODUCTION_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    assert "Strict-Transport-Security" not in make_app("sqlite://").test_client().get("/").headers
    production = create_app("production").test_client().get("/healthz")
    assert production.headers["Strict-Transport-Security"] == "max-age=31536000"
    monkeypatch.setenv("HSTS_MAX_AGE", "600")
    shorter = create_app("production").test_client().get("/healthz")
    assert shorter.headers["Strict-Transport-Security"] == "max-age=600"


def test_api_rate_limit_is_one_allowance_for_the_whole_api():
    app = make_app("sqlite://", RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    with app.app_context():
        upgrade()
    client = app.test_client()
    assert [client.get("/api/v1/brands").status_code for _ in range(2)] == [200, 200]
    products = client.get("/api/v1/products")
    assert products.status_code == 429
    assert products.get_json()["error"]["code"] == "rate_limited"
    assert client.get("/api/v1/ingredients").status_code == 429
    assert client.get("/products").status_code == 200  # pages are not the API


def test_api_rate_limit_answers_json_429():
    app = make_app("sqlite://", RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.get("/api/v1/openapi.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/openapi.json")
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers
