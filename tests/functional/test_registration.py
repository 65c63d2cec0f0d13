"""Registration: each field says what is wrong, addresses are unique whatever their case,
weak passwords are refused with zxcvbn's feedback, a new account awaits confirmation, and
an address that has an account answers like any other."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from shop.accounts.enums import Role
from shop.accounts.models import User
from shop.accounts.services import find_user_by_email
from shop.extensions import db
from tests.factories import make_user
from tests.functional.conftest import field_errors, link_in, mail_to

STRONG = "Quartz-Lantern-Meadow-58"


def register(post_form, on=None, **fields):
    data = {"name": "Alice Martin", "email": "alice.martin@example.org", "password": STRONG}
    data.update(fields)
    return post_form("/register", data, on=on)


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_registration_creates_an_unconfirmed_customer_and_queues_the_confirmation(
    client, post_form
):
    response = register(post_form, email="  Alice.Martin@Example.ORG ")
    assert response.status_code == 200
    assert "We sent a message to <strong>Alice.Martin@Example.ORG</strong>" in response.text
    user = find_user_by_email("alice.martin@example.org")
    assert user.email == "alice.martin@example.org"  # stored lower-cased
    assert user.role == Role.CUSTOMER and not user.email_confirmed
    assert user.password_hash.startswith("$argon2id$") and STRONG not in user.password_hash
    [message] = mail_to("alice.martin@example.org")
    assert message.subject == "Confirm your e-mail address for MesoPro"
    assert link_in(message).startswith("/confirm-email/")
    # Not logged in by registering (a taken address could not be); the password logs in.
    assert client.get("/account").status_code == 302
    login = post_form("/login", {"email": "alice.martin@example.org", "password": STRONG})
    assert login.status_code == 302 and login.location == "/account"
    page = client.get("/account").get_data(as_text=True)
    assert "Confirm your e-mail address" in page and "alice.martin@example.org" in page


def test_each_field_shows_its_own_error_and_nothing_is_created(post_form):
    response = register(post_form, name="   ", email="alice@", password="short")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert field_errors(html, "name") == ["This field is required."]
    assert field_errors(html, "email") == ["There must be something after the @-sign."]
    assert field_errors(html, "password") == ["Use at least 12 characters (this one has 5)."]
    assert user_count() == 0 and mail_to("alice@") == []


def test_an_address_without_an_at_sign_is_refused_with_email_validators_reason(post_form):
    html = register(post_form, email="alice.example.org").get_data(as_text=True)
    assert field_errors(html, "email") == ["An email address must have an @-sign."]


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]+', r"\1", html)


def test_an_address_with_an_account_answers_like_a_new_one_and_tells_its_owner(app, post_form):
    first, second = app.test_client(), app.test_client()
    new = register(post_form, email="Dr.Rossi@Example.org", on=first)
    owner = find_user_by_email("dr.rossi@example.org")
    password_hash = owner.password_hash
    taken = register(
        post_form, email="Dr.Rossi@Example.org", password="Other-Words-Here-77", on=second
    )
    assert (taken.status_code, _without_tokens(taken.text)) == (
        new.status_code,
        _without_tokens(new.text),
    )
    assert user_count() == 1 and owner.password_hash == password_hash
    assert second.get("/account").status_code == 302  # nobody got a session
    confirmation, attempt = mail_to("dr.rossi@example.org")
    assert confirmation.subject == "Confirm your e-mail address for MesoPro"
    assert attempt.subject == "Someone tried to register with your address at MesoPro"
    assert "http://localhost/login" in attempt.body_text
    assert "http://localhost/reset-password" in attempt.body_text


def test_a_common_password_is_refused_with_zxcvbns_warning_and_suggestions(post_form):
    html = register(post_form, password="password1234").get_data(as_text=True)
    assert field_errors(html, "password") == [
        "This password is too easy to guess.",
        "This is a very common password.",
        "Add another word or two. Uncommon words are better.",
    ]
    assert user_count() == 0


def test_a_password_built_from_the_name_and_address_is_refused(post_form):
    # Long enough, and strong for a stranger; weak for Alice Martin.
    html = register(post_form, password="alicemartin2024").get_data(as_text=True)
    errors = field_errors(html, "password")
    assert errors[0] == "This password is too easy to guess." and len(errors) >= 2
    assert user_count() == 0


def test_a_name_with_control_characters_is_refused(post_form):
    html = register(post_form, name="Alice\x07 Martin").get_data(as_text=True)
    assert field_errors(html, "name") == ["Your name cannot hold control characters."]


def test_registration_without_a_csrf_token_is_refused(client):
    response = client.post(
        "/register",
        data={"name": "Alice", "email": "alice@example.org", "password": STRONG},
    )
    assert response.status_code == 400
    assert user_count() == 0


def test_a_logged_in_user_is_sent_from_the_registration_page_to_the_account(client, login):
    login(make_user())
    response = client.get("/register")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
