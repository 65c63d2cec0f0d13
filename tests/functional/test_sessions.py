"""Sessions that end when they should: every log-in is a record on the server that the
cookie names, so log-out, "end this session" and a new password end a copied cookie at
once; sessions end after an idle time and an absolute lifetime (shorter for
administrators); a remembered device starts a new session with new keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from shop.accounts.models import UserSession
from shop.extensions import db
from tests.conftest import make_app
from tests.factories import DEFAULT_PASSWORD, make_admin, make_user, totp_code
from tests.functional.conftest import session_record

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
REMEMBER = "remember_device"
NEW_PASSWORD = "Violet-Harbour-Compass-31"


def log_in(app, post_form, user, *, remember=False, agent="Mozilla/5.0 (X11; Linux x86_64)"):
    """A new browser that logged in through the form (and its second step, if any)."""
    browser = app.test_client()
    browser.environ_base["HTTP_USER_AGENT"] = agent
    data = {"email": user.email, "password": DEFAULT_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = post_form("/login", data, on=browser)
    assert response.status_code == 302, response.text
    if response.location.startswith("/login/code"):
        response = post_form("/login/code", {"code": totp_code()}, on=browser)
        assert response.status_code == 302, response.text
    return browser


def copy_of(app, browser, *cookies: str):
    """Another browser holding copies of these cookies of this one."""
    thief = app.test_client()
    for name in cookies:
        thief.set_cookie(name, browser.get_cookie(name).value)
    return thief


def is_logged_in(browser) -> bool:
    return browser.get("/account").status_code == 200


def records_of(user) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


# Copied cookies --------------------------------------------------------------------------


def test_a_log_in_makes_a_record_with_the_device_and_address(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user, agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)")
    record = session_record(browser)
    assert record.user_id == user.id and record.ip_address == "127.0.0.1"
    assert "iPhone" in record.user_agent
    assert record.created_at == record.last_seen_at == record.authenticated_at
    # The cookie carries a key; the server keeps only its hash.
    with browser.session_transaction() as flask_session:
        assert flask_session["_user_id"] != record.key_hash and len(record.key_hash) == 64


def test_a_copied_session_cookie_stops_working_after_log_out(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user)
    copy = copy_of(app, browser, "session")
    assert is_logged_in(copy)
    assert post_form("/logout", {}, page="/account", on=browser).status_code == 302
    assert not is_logged_in(copy) and not is_logged_in(browser)
    assert records_of(user) == 0


def test_a_copied_remember_cookie_stops_working_after_log_out(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user, remember=True)
    copy = copy_of(app, browser, REMEMBER)
    post_form("/logout", {}, page="/account", on=browser)
    assert browser.get_cookie(REMEMBER) is None
    assert not is_logged_in(copy)


def test_ending_a_session_from_the_list_ends_its_cookies_there(app, post_form):
    user = make_user()
    phone = log_in(
        app,
        post_form,
        user,
        remember=True,
        agent="Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1",
    )
    session_copy, remember_copy = copy_of(app, phone, "session"), copy_of(app, phone, REMEMBER)
    laptop = log_in(app, post_form, user)
    page = laptop.get("/account").text
    assert "Mobile Safari 17 on iPhone" in page and "this device" in page
    phone_record = session_record(phone)
    response = post_form(f"/account/sessions/{phone_record.id}/end", {}, page="/account", on=laptop)
    assert response.status_code == 303 and response.location == "/account"
    assert "The session on Mobile Safari 17 on iPhone has ended." in laptop.get("/account").text
    for browser in (phone, session_copy, remember_copy):
        assert not is_logged_in(browser)
    assert is_logged_in(laptop) and records_of(user) == 1


def test_nobody_ends_another_users_session(app, post_form):
    victim = log_in(app, post_form, make_user())
    other = log_in(app, post_form, make_user())
    record = session_record(victim)
    post_form(f"/account/sessions/{record.id}/end", {}, page="/account", on=other)
    assert is_logged_in(victim)


def test_copied_cookies_stop_working_after_a_password_change(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user, remember=True)
    session_copy, remember_copy = copy_of(app, browser, "session"), copy_of(app, browser, REMEMBER)
    elsewhere = log_in(app, post_form, user)
    response = post_form(
        "/account/password",
        {
            "password-current_password": DEFAULT_PASSWORD,
            "password-new_password": NEW_PASSWORD,
            "password-new_password_again": NEW_PASSWORD,
        },
        page="/account",
        prefix="password",
        on=browser,
    )
    assert response.status_code == 302
    for copy in (session_copy, remember_copy, elsewhere):
        assert not is_logged_in(copy)
    # The browser that changed it goes on, remembered under a new key.
    assert is_logged_in(browser)
    assert is_logged_in(copy_of(app, browser, REMEMBER))


def test_a_remember_cookie_starts_a_new_session_once_with_new_keys(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user, remember=True)
    old_remember = browser.get_cookie(REMEMBER).value
    returning = copy_of(app, browser, REMEMBER)  # the browser closed, then opened again
    assert is_logged_in(returning)
    new_remember = returning.get_cookie(REMEMBER).value
    assert new_remember != old_remember
    record = session_record(returning)
    assert record.authenticated_at is None  # not a fresh log-in
    # The old remember key is spent, and so is the session the device had before.
    stale = app.test_client()
    stale.set_cookie(REMEMBER, old_remember)
    assert not is_logged_in(stale) and stale.get_cookie(REMEMBER) is None
    assert not is_logged_in(browser)
    assert records_of(user) == 1


def test_administrators_are_never_remembered(app, post_form):
    admin = make_admin()
    browser = log_in(app, post_form, admin, remember=True)
    assert browser.get_cookie(REMEMBER) is None
    assert session_record(browser).remember_hash is None


# Timeouts --------------------------------------------------------------------------------


def test_a_customers_session_ends_after_twelve_idle_hours(app, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    browser = log_in(app, post_form, make_user())
    time_machine.move_to(START + timedelta(hours=11, minutes=59), tick=False)
    assert is_logged_in(browser)  # each request counts as activity
    time_machine.move_to(START + timedelta(hours=23, minutes=57), tick=False)
    assert is_logged_in(browser)
    time_machine.move_to(START + timedelta(hours=35, minutes=58), tick=False)
    assert not is_logged_in(browser)


def test_an_expired_session_asks_to_log_in_again_and_keeps_where_they_were_going(
    app, post_form, time_machine
):
    time_machine.move_to(START, tick=False)
    user = make_user()
    browser = log_in(app, post_form, user)
    time_machine.move_to(START + timedelta(hours=13), tick=False)
    response = browser.get("/orders?status=paid")
    assert response.status_code == 302
    assert response.location == "/login?next=/orders?status%3Dpaid"
    assert "Your session has ended. Log in again to go on." in browser.get(response.location).text
    assert records_of(user) == 0
    again = post_form(
        "/login?next=/orders?status%3Dpaid",
        {"email": user.email, "password": DEFAULT_PASSWORD},
        on=browser,
    )
    assert again.location == "/orders?status=paid"


def test_a_session_ends_after_its_absolute_lifetime_however_busy(
    app, post_form, time_machine, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_LIFETIME_MINUTES", 24 * 60)
    time_machine.move_to(START, tick=False)
    browser = log_in(app, post_form, make_user())
    for hours in range(1, 24):
        time_machine.move_to(START + timedelta(hours=hours), tick=False)
        assert is_logged_in(browser), hours
    time_machine.move_to(START + timedelta(hours=24, minutes=1), tick=False)
    assert not is_logged_in(browser)


def test_an_administrators_session_ends_after_thirty_idle_minutes(app, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    browser = log_in(app, post_form, make_admin())
    time_machine.move_to(START + timedelta(minutes=29), tick=False)
    assert browser.get("/admin/").status_code == 200
    time_machine.move_to(START + timedelta(minutes=60), tick=False)
    assert browser.get("/admin/").status_code == 302


def test_an_administrators_session_ends_after_twelve_hours_in_all(app, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    browser = log_in(app, post_form, make_admin())
    for minutes in range(25, 12 * 60, 25):
        time_machine.move_to(START + timedelta(minutes=minutes), tick=False)
        assert browser.get("/admin/").status_code == 200, minutes
    time_machine.move_to(START + timedelta(hours=12, minutes=1), tick=False)
    response = browser.get("/admin/orders")
    assert response.status_code == 302 and response.location == "/login?next=/admin/orders"


def test_a_remembered_device_comes_back_after_the_idle_timeout_but_not_fresh(
    app, post_form, time_machine
):
    time_machine.move_to(START, tick=False)
    user = make_user()
    browser = log_in(app, post_form, user, remember=True)
    old_remember = browser.get_cookie(REMEMBER).value
    time_machine.move_to(START + timedelta(hours=20), tick=False)
    assert is_logged_in(browser)
    assert browser.get_cookie(REMEMBER).value != old_remember
    assert session_record(browser).authenticated_at is None
    # Thirty days after the log-in, the remember cookie ends too.
    time_machine.move_to(START + timedelta(days=30, minutes=1), tick=False)
    assert not is_logged_in(browser)


def test_the_timeouts_default_to_the_issue_s_figures(app):
    config = app.config
    assert (config["ADMIN_SESSION_IDLE_MINUTES"], config["ADMIN_SESSION_LIFETIME_MINUTES"]) == (
        30,
        12 * 60,
    )
    assert config["SESSION_IDLE_MINUTES"] == 12 * 60


def test_the_worker_deletes_sessions_that_can_open_nothing(app, post_form, time_machine):
    from shop.accounts.sessions import purge_sessions

    time_machine.move_to(START, tick=False)
    user = make_user()
    log_in(app, post_form, user)
    log_in(app, post_form, user, remember=True)
    time_machine.move_to(START + timedelta(days=2), tick=False)
    assert purge_sessions(START + timedelta(days=2)) == 1  # the remembered one stays
    assert records_of(user) == 1


# Storage faults --------------------------------------------------------------------------


def test_a_database_fault_answers_503_and_logs_nobody_in(app, post_form):
    user = make_user()
    browser = log_in(app, post_form, user, remember=True)
    down = make_app("postgresql+psycopg://nobody@127.0.0.1:1/none")
    client = down.test_client()
    client.set_cookie("session", browser.get_cookie("session").value)
    client.set_cookie(REMEMBER, browser.get_cookie(REMEMBER).value)
    response = client.get("/account")
    assert response.status_code == 503
    assert "temporarily unavailable" in response.text
