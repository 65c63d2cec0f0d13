"""Rate limits on the POSTs that guess passwords or send mail: a limited request gets 429,
a page (or JSON under /api) that says when to try again, and a Retry-After header.
Counters live in memory by default and in Redis when RATELIMIT_STORAGE_URI says so."""

from __future__ import annotations

import re
import uuid

import pytest
import redis
from sqlalchemy import delete

from shop.accounts.models import LoginThrottle
from shop.extensions import db
from shop.mail.models import OutboxMessage
from tests.conftest import make_app

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def limited_app(app, database_url):
    """``limited_app(**config)``: an app with rate limiting on (the testing one has it off),
    on the session's database (``app`` has built its schema)."""
    apps = []

    def build(**config):
        app = make_app(database_url, RATELIMIT_ENABLED=True, **config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            # Their requests committed for real: the mail a reset request queues and the
            # failed log-ins counted per account must not reach the tests that follow.
            db.session.execute(delete(OutboxMessage))
            db.session.execute(delete(LoginThrottle))
            db.session.commit()
            db.engine.dispose()


def csrf_of(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)[1]


def attempt(client, path: str, data: dict):
    return client.post(path, data={"csrf_token": csrf_of(client, path), **data})


FORMS = {
    "LOGIN_RATE_LIMIT": ("/login", {"email": "nobody@example.org", "password": "wrong wrong"}),
    "REGISTRATION_RATE_LIMIT": ("/register", {"name": "", "email": "x", "password": "short"}),
    "PASSWORD_RESET_RATE_LIMIT": ("/reset-password", {"email": "nobody@example.org"}),
}


@pytest.mark.parametrize("setting", list(FORMS))
def test_a_form_posted_too_often_gets_429_saying_when_to_try_again(limited_app, setting):
    path, data = FORMS[setting]
    client = limited_app(**{setting: "3 per minute"}).test_client()
    statuses = [attempt(client, path, data).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    response = attempt(client, path, data)
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= 60
    html = response.get_data(as_text=True)
    assert "Too many attempts" in html
    wait = re.search(r"Try again in (\d+) seconds?\.", html)
    assert wait and abs(int(wait[1]) - retry_after) <= 1
    # Reading the page is not limited, only posting to it.
    assert client.get(path).status_code == 200


def test_the_api_says_when_to_try_again_in_json(limited_app):
    client = limited_app(API_RATE_LIMIT="1 per minute").test_client()
    assert client.get("/api/v1/brands").status_code == 200
    response = client.get("/api/v1/brands")
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert error["code"] == "rate_limited"
    assert re.fullmatch(
        r"Too many requests from your address\. Try again in \d+ seconds?\.", error["message"]
    )
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize(
    ("setting", "path"),
    [
        ("CONFIRMATION_RATE_LIMIT", "/confirm-email/resend"),
        ("LOGIN_RATE_LIMIT", "/account/password"),
    ],
)
def test_account_actions_are_limited_before_anything_else_is_checked(limited_app, setting, path):
    client = limited_app(**{setting: "1 per minute"}).test_client()
    token = csrf_of(client, "/login")
    # Counted first, so even posts that would be sent to log in use the allowance up.
    first = client.post(path, data={"csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"].startswith("/login")
    second = client.post(path, data={"csrf_token": token})
    assert second.status_code == 429 and "Retry-After" in second.headers


def test_limits_count_per_client_address(limited_app):
    app = limited_app(LOGIN_RATE_LIMIT="1 per minute")
    path, data = FORMS["LOGIN_RATE_LIMIT"]
    first = app.test_client()
    assert attempt(first, path, data).status_code == 200
    assert attempt(first, path, data).status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert attempt(other, path, data).status_code == 200


@pytest.fixture
def redis_prefix():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    prefix = f"shop-test-{uuid.uuid4().hex[:12]}"
    yield client, prefix
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)
    client.close()


def test_counters_live_in_redis_when_configured_so(limited_app, redis_prefix):
    store, prefix = redis_prefix
    path, data = FORMS["LOGIN_RATE_LIMIT"]
    settings = {
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_RATE_LIMIT": "2 per minute",
    }
    first = limited_app(**settings).test_client()
    assert [attempt(first, path, data).status_code for _ in range(2)] == [200, 200]
    assert list(store.scan_iter(f"*{prefix}*")), "no counter was written to Redis"
    # Another process (here: another app) sharing the Redis sees the same counter.
    second = limited_app(**settings).test_client()
    response = attempt(second, path, data)
    assert response.status_code == 429 and "Retry-After" in response.headers
