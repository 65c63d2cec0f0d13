"""A second factor: TOTP through pyotp with a locally drawn QR code, ten hashed recovery
codes used once each, a second step at log-in that never takes a code twice and is
limited per account, and administrators who cannot reach the back office without it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from shop.accounts.models import RecoveryCode
from shop.accounts.second_factor import confirm_enrolment, provisioning_uri, start_enrolment
from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from tests.factories import (
    DEFAULT_PASSWORD,
    TEST_TOTP_SECRET,
    enrol_second_factor,
    make_admin,
    make_user,
    totp_code,
)
from tests.functional.conftest import field_errors, mail_to, session_record

START = datetime(2027, 3, 1, 9, 0, 10, tzinfo=UTC)  # 10 s into a 30 s step


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def password_step(post_form, user, *, on=None):
    response = post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD}, on=on)
    assert response.status_code == 302 and response.location == "/login/code", response.text
    return response


def code_step(post_form, code: str, *, on=None):
    return post_form("/login/code", {"code": code}, on=on)


def enrolled_user(*, at: datetime | None = None, **kw):
    """A user who enrolled a minute before ``at`` (now): that code is spent, the next are not."""
    user = make_user(**kw)
    start_enrolment(user)
    enrolled_at = (at or utcnow()) - timedelta(minutes=1)
    code = pyotp.TOTP(user.totp_secret).at(enrolled_at)
    codes = confirm_enrolment(user, code, now=enrolled_at)
    db.session.commit()
    return user, codes


# Enrolment -------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_drawn_here_and_the_key_it_holds(client, login):
    user = make_user(email="anna@example.org")
    login(user)
    page = client.get("/account/two-factor").text
    secret = user.totp_secret
    assert secret and not user.has_second_factor
    assert 'src="data:image/svg+xml' in page  # no outside service draws it
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert client.get("/account/two-factor").status_code == 200
    assert user.totp_secret == secret  # a reload keeps the key the app may have scanned
    uri = provisioning_uri(user)
    assert uri.startswith("otpauth://totp/MesoPro:anna%40example.org?secret=" + secret)
    assert "issuer=MesoPro" in uri


def test_a_wrong_code_does_not_turn_it_on(client, login, post_form):
    user = make_user()
    login(user)
    client.get("/account/two-factor")
    response = post_form("/account/two-factor", {"code": "000000"})
    assert response.status_code == 400
    assert field_errors(response.text, "code") == [
        "This code is not right, or was used already. Enter the code your app shows now."
    ]
    assert not user.has_second_factor and events("user.second_factor_enrolled") == []


def test_the_apps_code_turns_it_on_and_shows_ten_recovery_codes_once(app, client, login, post_form):
    user = make_user()
    elsewhere = login(user, on=app.test_client())
    login(user)
    client.get("/account/two-factor")
    response = post_form("/account/two-factor", {"code": pyotp.TOTP(user.totp_secret).now()})
    assert response.status_code == 200 and user.has_second_factor
    shown = [line.strip() for line in response.text.split("<li>")[1:11]]
    codes = [code.split("</li>")[0] for code in shown]
    assert len(set(codes)) == 10 and all(len(code) == 11 for code in codes)
    stored = db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and not {row.code_hash for row in stored} & set(codes)
    assert "no-store" in response.headers["Cache-Control"]
    [event] = events("user.second_factor_enrolled")
    assert event.actor_id == user.id and event.subject_id == user.id
    assert [m.subject for m in mail_to(user.email)] == [
        "A second factor now protects your account (MesoPro)"
    ]
    # The session that proved the code goes on; one that began with the password alone ends.
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert "Make new recovery codes" in client.get("/account/two-factor").text


# The second step at log-in ---------------------------------------------------------------


def test_logging_in_asks_for_the_code_after_the_password(client, post_form):
    user, _ = enrolled_user()
    password_step(post_form, user)
    assert client.get("/account").status_code == 302  # not logged in by the password alone
    wrong = code_step(post_form, "123456")
    assert field_errors(wrong.text, "code") == [
        "This code is not right, or was used already. Enter the code your app shows now."
    ]
    right = code_step(post_form, pyotp.TOTP(user.totp_secret).now())
    assert right.status_code == 302 and right.location == "/account"
    assert session_record(client).user_id == user.id


def test_the_code_page_needs_the_password_first(client):
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location == "/login"


def test_the_second_step_waits_five_minutes_at_most(client, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    user, _ = enrolled_user()
    password_step(post_form, user)
    time_machine.move_to(START + timedelta(minutes=6), tick=False)
    response = client.get("/login/code")
    assert response.status_code == 302 and response.location == "/login"


def test_a_code_is_accepted_once_never_replayed(app, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    user, _ = enrolled_user(at=START)
    code = pyotp.TOTP(user.totp_secret).at(START)
    first, second = app.test_client(), app.test_client()
    password_step(post_form, user, on=first)
    assert code_step(post_form, code, on=first).status_code == 302
    time_machine.move_to(START + timedelta(seconds=5), tick=False)
    password_step(post_form, user, on=second)
    replayed = code_step(post_form, code, on=second)
    assert replayed.status_code == 200 and second.get("/account").status_code == 302
    # The app's next code works.
    time_machine.move_to(START + timedelta(seconds=30), tick=False)
    following = pyotp.TOTP(user.totp_secret).at(START + timedelta(seconds=30))
    assert code_step(post_form, following, on=second).status_code == 302


def test_a_code_of_the_step_before_is_still_accepted_for_clock_drift(
    client, post_form, time_machine
):
    time_machine.move_to(START, tick=False)
    user, _ = enrolled_user(at=START)
    password_step(post_form, user)
    time_machine.move_to(START + timedelta(seconds=30), tick=False)
    late = pyotp.TOTP(user.totp_secret).at(START)
    assert code_step(post_form, late).status_code == 302


def test_a_recovery_code_logs_in_once_and_is_audited_and_mailed(app, post_form):
    user, codes = enrolled_user()
    browser = app.test_client()
    password_step(post_form, user, on=browser)
    response = code_step(post_form, codes[0].upper().replace("-", " "), on=browser)
    assert response.status_code == 302
    assert "You logged in with a recovery code" in browser.get("/account").text
    [event] = events("user.recovery_code_used")
    assert event.reason == "9 recovery codes left"
    assert mail_to(user.email)[-1].subject == "A recovery code was used to log in (MesoPro)"
    again = app.test_client()
    password_step(post_form, user, on=again)
    assert code_step(post_form, codes[0], on=again).status_code == 200
    assert again.get("/account").status_code == 302


def test_wrong_codes_are_limited_per_account_whatever_the_address(app, post_form):
    user, _ = enrolled_user()
    for attempt in range(10):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"192.0.2.{attempt + 1}"
        password_step(post_form, user, on=browser)
        assert code_step(post_form, "000000", on=browser).status_code == 200
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    refused = post_form("/login", {"email": user.email, "password": DEFAULT_PASSWORD}, on=browser)
    assert field_errors(refused.text, "password") == [
        "Too many attempts to log in to this account. Try again later."
    ]
    assert browser.get("/account").status_code == 302
    assert mail_to(user.email)[-1].subject == "Log-ins to your MesoPro account are paused"


# Administrators --------------------------------------------------------------------------


def test_an_administrator_logs_in_with_the_code_and_reaches_the_back_office(client, post_form):
    admin = make_admin()
    password_step(post_form, admin)
    assert code_step(post_form, totp_code()).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_an_administrator_without_enrolment_is_led_to_it_and_then_in(client, login, post_form):
    admin = make_admin(second_factor=False)
    login(admin)
    response = client.get("/admin/orders")
    assert response.status_code == 303 and response.location == "/account/two-factor"
    page = client.get(response.location).text
    assert "The back office needs a second factor" in page and "needs a second factor:" in page
    post_form("/account/two-factor", {"code": pyotp.TOTP(admin.totp_secret).now()})
    assert client.get("/admin/orders").status_code == 200


def test_an_administrator_keeps_their_second_factor(client, login, post_form):
    admin = make_admin()
    login(admin)
    assert "Remove the second factor" not in client.get("/account/two-factor").text
    response = post_form("/account/two-factor/remove", {}, page="/account/two-factor")
    assert response.status_code == 303
    assert admin.has_second_factor
    assert "Administrators keep their second factor" in client.get("/account/two-factor").text


def test_a_customer_may_remove_theirs_and_is_told_by_mail(client, login, post_form):
    user, _ = enrolled_user()
    login(user)
    response = post_form("/account/two-factor/remove", {}, page="/account/two-factor")
    assert response.status_code == 303 and response.location == "/account"
    assert not user.has_second_factor and user.totp_secret is None
    assert (
        db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    )
    [event] = events("user.second_factor_removed")
    assert event.actor_id == user.id
    assert mail_to(user.email)[-1].subject == (
        "The second factor of your account was removed (MesoPro)"
    )


def test_new_recovery_codes_replace_the_old_ones(client, login, post_form):
    user, codes = enrolled_user()
    login(user)
    response = post_form("/account/two-factor/recovery-codes", {}, page="/account/two-factor")
    assert response.status_code == 200 and "the old ones no\n    longer work" in response.text
    assert codes[0] not in response.text


def test_an_administrator_resets_another_administrators_second_factor_with_a_reason(
    app, client, login, csrf_token
):
    admin = make_admin(name="Dr Admin")
    login(admin)
    other = make_admin(name="Lost Phone", email="lost@example.org")
    their_browser = login(other, on=app.test_client())
    path = f"/admin/users/{other.id}/second-factor/reset"
    page = f"/admin/users/{other.id}"
    without = client.post(path, data={"csrf_token": csrf_token(page), "second_factor-reason": ""})
    assert without.status_code == 400 and other.has_second_factor
    response = client.post(
        path,
        data={"csrf_token": csrf_token(page), "second_factor-reason": "Phone lost, codes too."},
    )
    assert response.status_code == 302
    assert not other.has_second_factor
    assert their_browser.get("/account").status_code == 302  # their sessions ended
    [event] = events("user.second_factor_reset")
    assert (event.actor_id, event.subject_id, event.reason) == (
        admin.id,
        other.id,
        "Phone lost, codes too.",
    )
    message = mail_to("lost@example.org")[-1]
    assert "An administrator removed the second factor" in message.body_text
    assert "Phone lost, codes too." in message.body_text


def test_the_operator_can_reset_a_second_factor_from_the_command_line(runner):
    admin = make_admin(email="only.admin@example.org")
    db.session.commit()
    refused = runner.invoke(args=["shop", "reset-second-factor", admin.email])
    assert refused.exit_code != 0
    done = runner.invoke(
        args=["shop", "reset-second-factor", admin.email, "--reason", "Sole admin lost phone."]
    )
    assert done.exit_code == 0, done.output
    assert "second factor of only.admin@example.org removed" in done.output
    assert not admin.has_second_factor
    [event] = events("user.second_factor_reset")
    assert event.actor_id is None and event.reason == "Sole admin lost phone."


def test_the_test_administrators_share_one_known_secret(app):
    admin = make_admin()
    assert admin.totp_secret == TEST_TOTP_SECRET and admin.has_second_factor
    user = enrol_second_factor(make_user())
    assert user.has_second_factor
