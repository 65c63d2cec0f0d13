"""Links sent by mail: confirmation and password reset are signed, expire, and work once.
The reset form answers the same whether or not the address has an account."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from shop.accounts.services import (
    password_matches,
    queue_confirmation_mail,
    request_password_reset,
)
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.conftest import field_errors, link_in, mail_to

NEW_PASSWORD = "Amber-Thistle-Orbit-64"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


def heading(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.get_data(as_text=True), re.S).group(1)


def ask_for_reset(post_form, email, on=None):
    return post_form("/reset-password", {"email": email}, on=on)


def reset_link(email: str) -> str:
    return link_in(mail_to(email)[-1])


def choose_password(post_form, link, new=NEW_PASSWORD, again=None):
    return post_form(link, {"new_password": new, "new_password_again": again or new})


# Confirmation -------------------------------------------------------------------


def test_the_confirmation_link_confirms_once(client):
    user = make_user(confirmed=False)
    link = link_in(queue_confirmation_mail(user))
    response = client.get(link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert user.email_confirmed
    again = client.get(link)
    assert again.status_code == 410
    assert heading(again) == "This link was already used"
    assert "your e-mail address is confirmed" in again.get_data(as_text=True)


def test_a_confirmation_link_expires_after_48_hours(client, time_machine):
    time_machine.move_to(START, tick=False)
    user = make_user(confirmed=False)
    link = link_in(queue_confirmation_mail(user))
    time_machine.move_to(START + timedelta(hours=48, seconds=1), tick=False)
    response = client.get(link)
    assert response.status_code == 410
    assert heading(response) == "This link has expired"
    assert "links to confirm an e-mail address work for 48 hours" in response.get_data(as_text=True)
    assert not user.email_confirmed


def test_a_confirmation_link_works_until_its_last_second(client, time_machine):
    time_machine.move_to(START, tick=False)
    user = make_user(confirmed=False)
    link = link_in(queue_confirmation_mail(user))
    time_machine.move_to(START + timedelta(hours=47, minutes=59), tick=False)
    assert client.get(link).status_code == 302
    assert user.email_confirmed


@pytest.mark.parametrize("damage", ["cut", "changed", "reset-link"])
def test_a_tampered_confirmation_link_is_refused(client, damage):
    user = make_user(confirmed=False)
    link = link_in(queue_confirmation_mail(user))
    if damage == "cut":
        link = link[:-6]
    elif damage == "changed":
        link = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    else:  # a genuine reset token is not a confirmation token
        token = link_in(request_password_reset(user.email)).rsplit("/", 1)[1]
        link = f"/confirm-email/{token}"
    response = client.get(link)
    assert response.status_code == 400
    assert heading(response) == "This link does not work"
    assert not user.email_confirmed


def test_a_broken_link_offers_a_logged_in_unconfirmed_user_a_new_one(client, login, post_form):
    user = make_user(confirmed=False)
    login(user)
    response = client.get("/confirm-email/not-a-token")
    html = response.get_data(as_text=True)
    assert 'action="/confirm-email/resend"' in html
    assert post_form("/confirm-email/resend", {}, page="/account").status_code == 302
    [message] = mail_to(user.email)
    client.get(link_in(message))
    assert user.email_confirmed


def test_a_confirmed_user_is_not_sent_another_link(client, login, post_form):
    user = make_user(confirmed=True)
    login(user)
    post_form("/confirm-email/resend", {}, page="/account")
    assert mail_to(user.email) == []
    assert "already confirmed" in client.get("/account").get_data(as_text=True)


def test_an_anonymous_visitor_with_a_broken_link_is_told_to_log_in(client):
    html = client.get("/confirm-email/not-a-token").get_data(as_text=True)
    assert 'href="/login"' in html and "new link" in html


# Password reset ----------------------------------------------------------------


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_the_reset_form_answers_the_same_whether_or_not_the_address_exists(
    app, post_form, count_queries
):
    make_user(email="dr.rossi@example.org")
    known_browser, unknown_browser = app.test_client(), app.test_client()
    with count_queries() as known_work:
        known = ask_for_reset(post_form, "dr.rossi@example.org", on=known_browser)
    with count_queries() as unknown_work:
        unknown = ask_for_reset(post_form, "nobody@example.org", on=unknown_browser)
    assert known.status_code == unknown.status_code == 200
    assert _without_tokens(known.get_data(as_text=True)) == _without_tokens(
        unknown.get_data(as_text=True)
    )
    assert "If an\n    account uses it" in known.get_data(as_text=True)
    # The same work either way: one message queued, whichever it is.
    assert len(known_work) == len(unknown_work)
    [link] = mail_to("dr.rossi@example.org")
    assert link.subject == "Choose a new password for MesoPro"
    [note] = mail_to("nobody@example.org")
    assert note.subject == "Choose a new password for MesoPro"
    assert "No account uses this address" in note.body_text and "/reset-password/" not in (
        note.body_text
    )


def test_a_disabled_account_gets_a_note_and_no_reset_link(post_form):
    make_user(email="gone@example.org", enabled=False)
    assert ask_for_reset(post_form, "gone@example.org").status_code == 200
    [note] = mail_to("gone@example.org")
    assert "is disabled" in note.body_text and "/reset-password/" not in note.body_text


def test_the_reset_link_sets_a_new_password_once_and_ends_every_session(
    app, client, post_form, login
):
    user = make_user(email="dr.rossi@example.org", confirmed=False)
    elsewhere = login(user, on=app.test_client(), remember=True)
    assert elsewhere.get("/account").status_code == 200
    ask_for_reset(post_form, "Dr.Rossi@example.org")
    [message] = mail_to("dr.rossi@example.org")
    assert message.subject == "Choose a new password for MesoPro"
    link = link_in(message)
    assert "dr.rossi@example.org" in client.get(link).get_data(as_text=True)
    response = choose_password(post_form, link)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert password_matches(user, NEW_PASSWORD)
    assert elsewhere.get("/account").status_code == 302  # its session and remember cookie
    assert user.email_confirmed  # the link proved the inbox
    used = client.get(link)
    assert used.status_code == 410 and heading(used) == "This link was already used"
    assert 'href="/reset-password"' in used.get_data(as_text=True)


def test_a_newer_password_ends_older_reset_links(client, post_form):
    user = make_user(email="dr.rossi@example.org")
    ask_for_reset(post_form, user.email)
    first = reset_link(user.email)
    ask_for_reset(post_form, user.email)
    second = reset_link(user.email)
    assert choose_password(post_form, second).status_code == 302
    assert client.get(first).status_code == 410


def test_a_reset_link_expires_after_an_hour(client, post_form, time_machine):
    time_machine.move_to(START, tick=False)
    user = make_user(email="dr.rossi@example.org")
    ask_for_reset(post_form, user.email)
    link = reset_link(user.email)
    time_machine.move_to(START + timedelta(minutes=61), tick=False)
    response = client.get(link)
    assert response.status_code == 410 and heading(response) == "This link has expired"
    assert "links to choose a new password work for 60 minutes" in response.get_data(as_text=True)
    expired_post = post_form(
        link, {"new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}, page="/login"
    )
    assert expired_post.status_code == 410
    assert password_matches(user, DEFAULT_PASSWORD)


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, post_form):
    user = make_user(email="dr.rossi@example.org", name="Anna Rossi")
    ask_for_reset(post_form, user.email)
    link = reset_link(user.email)
    html = choose_password(post_form, link, new="password1234").get_data(as_text=True)
    assert field_errors(html, "new_password")[:2] == [
        "This password is too easy to guess.",
        "This is a very common password.",
    ]
    assert password_matches(user, DEFAULT_PASSWORD)
    assert choose_password(post_form, link).status_code == 302


def test_a_forged_reset_link_is_refused(client):
    response = client.get("/reset-password/eyJ1IjoxLCJwIjoiYWJjIn0.forged.signature")
    assert response.status_code == 400
    assert heading(response) == "This link does not work"


def test_a_forged_host_header_cannot_send_the_reset_link_elsewhere(app):
    make_user(email="dr.rossi@example.org")
    attacker = app.test_client()
    page = attacker.get("/reset-password", base_url="http://evil.example")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True))[1]
    response = attacker.post(
        "/reset-password",
        base_url="http://evil.example",
        data={"csrf_token": token, "email": "dr.rossi@example.org"},
    )
    assert response.status_code == 200
    [message] = mail_to("dr.rossi@example.org")
    assert "evil.example" not in message.body_text
    assert "http://localhost/reset-password/" in message.body_text
