"""The account page: the profile, the change of password and "log out everywhere".
A new password or "log out everywhere" ends every remember cookie and every other session."""

from __future__ import annotations

from jinja2 import ChoiceLoader, DictLoader

from shop.accounts.services import password_matches
from tests.factories import DEFAULT_PASSWORD, make_admin, make_user
from tests.functional.conftest import field_errors, session_record

NEW_PASSWORD = "Violet-Harbour-Compass-31"


def log_in_remembered(app, post_form, user):
    """A browser that logged in with "remember me"; returns it and its remember cookie."""
    browser = app.test_client()
    data = {"email": user.email, "password": DEFAULT_PASSWORD, "remember": "y"}
    assert post_form("/login", data, on=browser).status_code == 302
    return browser, browser.get_cookie("remember_device").value


def only_remember_cookie(app, value):
    """A browser whose session cookie is gone (closed) but kept the remember cookie."""
    browser = app.test_client()
    browser.set_cookie("remember_device", value)
    return browser


def is_logged_in(browser) -> bool:
    return browser.get("/account").status_code == 200


def change_password(post_form, current=DEFAULT_PASSWORD, new=NEW_PASSWORD, again=None, on=None):
    return post_form(
        "/account/password",
        {
            "password-current_password": current,
            "password-new_password": new,
            "password-new_password_again": again or new,
        },
        page="/account",
        prefix="password",
        on=on,
    )


def test_the_account_page_shows_the_profile_and_its_forms(client, login):
    user = make_user(name="Dr Anna Rossi", email="anna@example.org")
    login(user)
    html = client.get("/account").get_data(as_text=True)
    assert "Dr Anna Rossi" in html and "anna@example.org" in html
    for heading in ("Profile", "Password", "Second factor", "Where you are logged in"):
        assert f">{heading}</h2>" in html
    assert html.count("<h1") == 1
    assert 'action="/account/profile"' in html and 'action="/account/password"' in html
    assert 'action="/account/log-out-everywhere"' in html
    assert "Confirm your e-mail address" not in html  # confirmed already
    assert "back office" not in html


def test_an_administrator_sees_the_back_office_link(client, login):
    login(make_admin())
    assert "back office" in client.get("/account").get_data(as_text=True)


def test_editing_the_name(client, login, post_form):
    user = make_user(name="Anna")
    login(user)
    response = post_form(
        "/account/profile",
        {"profile-name": "  Dr   Anna Rossi "},
        page="/account",
        prefix="profile",
    )
    assert response.status_code == 302
    assert user.name == "Dr Anna Rossi"
    assert "Your profile is saved." in client.get("/account").get_data(as_text=True)


def test_an_empty_name_is_refused_under_its_field(client, login, post_form):
    user = make_user(name="Anna")
    login(user)
    response = post_form(
        "/account/profile", {"profile-name": ""}, page="/account", prefix="profile"
    )
    assert field_errors(response.get_data(as_text=True), "profile-name") == [
        "This field is required."
    ]
    assert user.name == "Anna"


def test_changing_the_password_keeps_this_session_under_a_new_key(client, login, post_form):
    user = make_user()
    login(user)
    record = session_record(client)
    old_key_hash = record.key_hash
    response = change_password(post_form)
    assert response.status_code == 302
    assert password_matches(user, NEW_PASSWORD) and not password_matches(user, DEFAULT_PASSWORD)
    assert session_record(client) is record and record.key_hash != old_key_hash
    html = client.get("/account").get_data(as_text=True)
    assert "Your password is changed." in html


def test_a_wrong_current_password_changes_nothing(client, login, post_form):
    user = make_user()
    login(user)
    key_hash = session_record(client).key_hash
    html = change_password(post_form, current="not my password").get_data(as_text=True)
    assert field_errors(html, "password-current_password") == ["This is not your current password."]
    assert password_matches(user, DEFAULT_PASSWORD) and session_record(client).key_hash == key_hash


def test_a_weak_new_password_is_refused_with_feedback(client, login, post_form):
    user = make_user(name="Anna Rossi", email="anna.rossi@example.org")
    login(user)
    html = change_password(post_form, new="annarossi1234").get_data(as_text=True)
    errors = field_errors(html, "password-new_password")
    assert errors[0] == "This password is too easy to guess." and len(errors) >= 2
    assert password_matches(user, DEFAULT_PASSWORD)


def test_the_new_password_typed_twice_must_match(client, login, post_form):
    user = make_user()
    login(user)
    html = change_password(post_form, again=NEW_PASSWORD + "x").get_data(as_text=True)
    assert field_errors(html, "password-new_password_again") == ["The two new passwords differ."]
    assert password_matches(user, DEFAULT_PASSWORD)


def test_remember_cookies_stop_working_after_a_change_of_password(app, post_form):
    user = make_user()
    phone, phone_cookie = log_in_remembered(app, post_form, user)
    laptop, laptop_cookie = log_in_remembered(app, post_form, user)
    # Before: a browser holding only the remember cookie is logged in.
    assert is_logged_in(only_remember_cookie(app, phone_cookie))

    assert change_password(post_form, on=laptop).status_code == 302

    # The old cookies from both devices, without a session: anonymous.
    assert not is_logged_in(only_remember_cookie(app, phone_cookie))
    assert not is_logged_in(only_remember_cookie(app, laptop_cookie))
    # The phone's open session is over too.
    assert not is_logged_in(phone)
    # The laptop goes on, and its new remember cookie works.
    assert is_logged_in(laptop)
    new_cookie = laptop.get_cookie("remember_device").value
    assert new_cookie != laptop_cookie
    assert is_logged_in(only_remember_cookie(app, new_cookie))


def test_log_out_everywhere_ends_every_session_and_remember_cookie(app, post_form):
    user = make_user()
    phone, phone_cookie = log_in_remembered(app, post_form, user)
    laptop, laptop_cookie = log_in_remembered(app, post_form, user)
    response = post_form("/account/log-out-everywhere", {}, page="/account", on=laptop)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    for browser in (
        phone,
        laptop,
        only_remember_cookie(app, phone_cookie),
        only_remember_cookie(app, laptop_cookie),
    ):
        assert not is_logged_in(browser)
    assert laptop.get_cookie("remember_device") is None
    # The password still works for a new log-in.
    again, _ = log_in_remembered(app, post_form, user)
    assert is_logged_in(again)


def test_the_licence_section_is_included_with_the_user(app, client, login, monkeypatch):
    # The licensing package provides the section; the page renders without it until then.
    login(make_user(email="anna@example.org"))
    assert "licence-section" not in client.get("/account").get_data(as_text=True)
    section = '<h2 id="licence-section">Licence of {{ user.email }}</h2>'
    loader = ChoiceLoader(
        [DictLoader({"licensing/account_section.html": section}), app.jinja_env.loader]
    )
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    app.jinja_env.cache.clear()
    try:
        html = client.get("/account").get_data(as_text=True)
    finally:
        app.jinja_env.cache.clear()
    assert '<h2 id="licence-section">Licence of anna@example.org</h2>' in html
