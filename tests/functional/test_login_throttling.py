"""Failed log-ins counted per account, whatever the client's address: after ten, the
account waits, longer each round; the answer says only "try again later", a right
password is refused meanwhile, an address without an account answers the same, and the
owner is mailed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.conftest import field_errors, mail_to

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LATER = "Too many attempts to log in to this account. Try again later."
WRONG = "The e-mail or the password is wrong."


def attempt(app, post_form, email, password, *, address):
    """A log-in from a new client at ``address``; the password field's errors, and whether
    it logged in."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    response = post_form("/login", {"email": email, "password": password}, on=browser)
    if response.status_code == 302:
        return [], True
    return field_errors(response.text, "password"), False


def test_thirty_addresses_guessing_one_account_are_stopped_after_ten(app, post_form):
    user = make_user(email="dr.rossi@example.org")
    answers = [
        attempt(app, post_form, user.email, f"guess {n}", address=f"198.51.100.{n}")[0]
        for n in range(1, 31)
    ]
    assert answers[:10] == [[WRONG]] * 10
    assert answers[10:] == [[LATER]] * 20  # not even checked
    errors, logged_in = attempt(app, post_form, user.email, DEFAULT_PASSWORD, address="192.0.2.9")
    assert (errors, logged_in) == ([LATER], False)
    [notice] = mail_to(user.email)
    assert notice.subject == "Log-ins to your MesoPro account are paused"
    assert "http://localhost/reset-password" in notice.body_text


def test_an_address_without_an_account_answers_exactly_alike(app, post_form):
    make_user(email="dr.rossi@example.org")
    known = [
        attempt(app, post_form, "dr.rossi@example.org", "guess", address="198.51.100.1")[0]
        for _ in range(12)
    ]
    unknown = [
        attempt(app, post_form, "nobody@example.org", "guess", address="198.51.100.2")[0]
        for _ in range(12)
    ]
    assert known == unknown
    assert mail_to("nobody@example.org") == []


def test_the_delay_ends_and_grows_with_each_round(app, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    user = make_user()
    for n in range(10):
        attempt(app, post_form, user.email, "guess", address=f"198.51.100.{n}")
    time_machine.move_to(START + timedelta(seconds=59), tick=False)
    assert attempt(app, post_form, user.email, DEFAULT_PASSWORD, address="192.0.2.1")[0] == [LATER]
    # After the first minute, ten more wrong ones: two minutes this time.
    time_machine.move_to(START + timedelta(seconds=61), tick=False)
    for n in range(10):
        attempt(app, post_form, user.email, "guess", address=f"198.51.100.{n}")
    time_machine.move_to(START + timedelta(seconds=61 + 119), tick=False)
    assert attempt(app, post_form, user.email, DEFAULT_PASSWORD, address="192.0.2.1")[0] == [LATER]
    time_machine.move_to(START + timedelta(seconds=61 + 121), tick=False)
    assert attempt(app, post_form, user.email, DEFAULT_PASSWORD, address="192.0.2.1")[1]
    assert len(mail_to(user.email)) == 1  # told once


def test_at_most_a_hundred_wrong_passwords_are_checked_in_an_hour(app, post_form, time_machine):
    user = make_user()
    checked = 0
    for second in range(0, 3600, 5):  # a guess every five seconds, from ever new addresses
        time_machine.move_to(START + timedelta(seconds=second), tick=False)
        errors, _ = attempt(
            app, post_form, user.email, "guess", address=f"203.0.113.{second % 250}"
        )
        checked += errors == [WRONG]
    assert checked <= 100, checked


def test_a_right_password_before_the_limit_clears_the_count(app, post_form):
    user = make_user()
    for _ in range(9):
        attempt(app, post_form, user.email, "guess", address="198.51.100.1")
    assert attempt(app, post_form, user.email, DEFAULT_PASSWORD, address="198.51.100.1")[1]
    assert attempt(app, post_form, user.email, "guess", address="198.51.100.1")[0] == [WRONG]
