"""The skeleton: health check, error pages, JSON errors under /api, headers."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import func, select

from shop.catalog.models import Brand
from shop.extensions import db
from tests.conftest import make_app
from tests.factories import make_brand


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_answers_503_when_the_database_does_not():
    # Nothing listens on port 1: every connection is refused at once.
    app = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unreachable"}


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
    app = make_app(f"sqlite:///{tmp_path / 'crash.sqlite3'}")

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
    assert "default-src 'self'" in policy
    assert "script-src 'self' http://127.0.0.1:8420;" in policy
    assert "connect-src 'self' http://127.0.0.1:8420;" in policy
    assert "frame-src http://127.0.0.1:8420;" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    assert "/bootstrap/static/css/bootstrap.min.css" in html
    assert "cdn" not in html.lower()


def test_the_css_framework_is_served_by_the_shop_itself(client):
    css = client.get("/bootstrap/static/css/bootstrap.min.css")
    assert css.status_code == 200 and b"Bootstrap" in css.data[:200]
    js = client.get("/bootstrap/static/js/bootstrap.min.js")
    assert js.status_code == 200


def test_api_rate_limit_answers_json_429():
    app = make_app("sqlite://", RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    client = app.test_client()
    statuses = [client.get("/api/v1/openapi.json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/openapi.json")
    assert response.get_json()["error"]["code"] == "rate_limited"
    assert "Retry-After" in response.headers
