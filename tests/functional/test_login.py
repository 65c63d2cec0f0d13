"""Log in and out: one message for any wrong credential, disabled accounts stay out,
a log-in starts a fresh session, and the cookies are locked down."""

from __future__ import annotations

import pytest

from shop import create_app
from tests.conftest import PRODUCTION_SETTINGS
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.conftest import field_errors, session_record

REMEMBER = "remember_device"


def log_in(post_form, email, password=DEFAULT_PASSWORD, **extra):
    path = extra.pop("path", "/login")
    return post_form(path, {"email": email, "password": password, **extra})


def logged_in_as(client) -> str | None:
    with client.session_transaction() as flask_session:
        return flask_session.get("_user_id")


def test_log_in_records_the_time_and_goes_to_the_account(client, post_form):
    user = make_user(email="dr.rossi@example.org")
    response = log_in(post_form, "Dr.Rossi@Example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert session_record(client).user_id == user.id
    assert user.last_login_at is not None
    assert user.name in client.get("/account").get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password"),
    [("nobody@example.org", DEFAULT_PASSWORD), ("dr.rossi@example.org", "not the password")],
)
def test_a_wrong_address_or_password_gets_one_message_that_does_not_say_which(
    client, post_form, email, password
):
    make_user(email="dr.rossi@example.org")
    response = log_in(post_form, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "password") == ["The e-mail or the password is wrong."]
    assert field_errors(html, "email") == []
    assert logged_in_as(client) is None


def test_a_disabled_user_cannot_log_in(client, post_form):
    make_user(email="gone@example.org", enabled=False)
    html = log_in(post_form, "gone@example.org").get_data(as_text=True)
    assert field_errors(html, "email") == [
        "This account is disabled. Write to us if you think this is a mistake."
    ]
    assert logged_in_as(client) is None


def test_disabling_an_account_ends_its_open_session(client, login):
    user = make_user()
    login(user)
    assert client.get("/account").status_code == 200
    user.is_enabled = False
    response = client.get("/account")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_log_in_starts_a_fresh_session_without_anything_planted_before(client, post_form):
    user = make_user(email="dr.rossi@example.org")
    client.get("/login")
    with client.session_transaction() as flask_session:
        flask_session["planted"] = "by whoever handed this browser its cookie"
        old_csrf = flask_session["csrf_token"]
    log_in(post_form, "dr.rossi@example.org")
    with client.session_transaction() as flask_session:
        assert "planted" not in flask_session
        assert flask_session.get("csrf_token") != old_csrf  # forms get a new token too
    assert session_record(client).user_id == user.id


def test_remember_me_sets_a_locked_down_cookie_that_outlives_the_session(app, client, post_form):
    user = make_user(email="dr.rossi@example.org")
    response = log_in(post_form, "dr.rossi@example.org", remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith(f"{REMEMBER}="))
    session_cookie = next(c for c in cookies if c.startswith("session="))
    for cookie in (remember, session_cookie):
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" in remember
    # A browser that kept only the remember cookie is still logged in.
    browser = app.test_client()
    browser.set_cookie(REMEMBER, client.get_cookie(REMEMBER).value)
    assert browser.get("/account").status_code == 200
    assert session_record(browser).user_id == user.id


def test_without_remember_me_there_is_no_remember_cookie(client, post_form):
    make_user(email="dr.rossi@example.org")
    response = log_in(post_form, "dr.rossi@example.org")
    assert not any(c.startswith(f"{REMEMBER}=") for c in response.headers.getlist("Set-Cookie"))


def test_production_cookies_are_secure(monkeypatch):
    for name, value in PRODUCTION_SETTINGS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DATABASE_URL", "postgresql://shop@db/shop")
    config = create_app("production").config
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_HTTPONLY"] and config["REMEMBER_COOKIE_HTTPONLY"]
    assert config["SESSION_COOKIE_SAMESITE"] == config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/cart", "/cart"),
        ("/products?brand=alpha", "/products?brand=alpha"),
        ("http://localhost/cart", "/cart"),
        ("http://evil.example/steal", "/account"),
        ("//evil.example/steal", "/account"),
        ("/\\evil.example", "/account"),
        ("javascript:alert(1)", "/account"),
    ],
)
def test_log_in_returns_only_to_pages_of_this_shop(client, post_form, next_url, landing):
    make_user(email="dr.rossi@example.org")
    response = client.get("/login", query_string={"next": next_url})
    assert response.status_code == 200
    path = response.request.full_path
    response = log_in(post_form, "dr.rossi@example.org", path=path)
    assert response.status_code == 302 and response.headers["Location"] == landing


def test_a_page_that_needs_an_account_sends_to_log_in_and_back(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_log_out_ends_the_session_and_the_remember_cookie(client, post_form):
    make_user(email="dr.rossi@example.org")
    log_in(post_form, "dr.rossi@example.org", remember="y")
    assert client.get_cookie(REMEMBER) is not None
    response = post_form("/logout", {}, page="/account")
    assert response.status_code == 302
    assert logged_in_as(client) is None
    assert client.get_cookie(REMEMBER) is None
    assert client.get("/account").status_code == 302


def test_log_out_without_a_csrf_token_is_refused(client, login):
    login(make_user())
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


def test_a_hash_made_with_other_argon2_figures_is_upgraded_at_log_in(app, client, post_form):
    from argon2 import PasswordHasher

    user = make_user(email="dr.rossi@example.org")
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(
        DEFAULT_PASSWORD
    )
    old_hash = user.password_hash
    assert log_in(post_form, "dr.rossi@example.org").status_code == 302
    assert user.password_hash != old_hash
    assert f"m={app.config['ARGON2_MEMORY_COST']},t={app.config['ARGON2_TIME_COST']}" in (
        user.password_hash
    )
