"""`flask shop create-admin EMAIL`: the password is prompted for (hidden, twice) or read from
SHOP_ADMIN_PASSWORD, never taken on the command line or echoed; refusals are one line."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.accounts.enums import Role
from shop.accounts.models import User
from shop.accounts.services import find_user_by_email, password_matches
from shop.extensions import db
from tests.factories import DEFAULT_PASSWORD, make_user

PASSWORD = "Quartz-Lantern-Meadow-58"


def create_admin(runner, *args, input=None, env=None):
    return runner.invoke(
        args=["shop", "create-admin", *args],
        input=input,
        env={"SHOP_ADMIN_PASSWORD": None, **(env or {})},
    )


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_password_is_asked_twice_without_being_shown(runner):
    result = create_admin(
        runner, "Boss@Example.org", "--name", "Dr Boss", input=f"{PASSWORD}\n" * 2
    )
    assert result.exit_code == 0, result.output
    assert "Password:" in result.output and "Repeat for confirmation:" in result.output
    assert PASSWORD not in result.output
    assert result.output.endswith("created administrator boss@example.org\n")
    user = find_user_by_email("boss@example.org")
    assert user.role == Role.ADMIN and user.name == "Dr Boss"
    assert user.email_confirmed and password_matches(user, PASSWORD)


def test_the_password_can_come_from_the_environment(runner):
    result = create_admin(runner, "boss@example.org", env={"SHOP_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert "Password" not in result.output and PASSWORD not in result.output
    assert password_matches(find_user_by_email("boss@example.org"), PASSWORD)


def test_two_different_entries_are_not_accepted(runner):
    result = create_admin(runner, "boss@example.org", input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert "do not match" in result.output
    assert user_count() == 0


def test_a_weak_password_is_refused_in_one_line(runner):
    result = create_admin(runner, "boss@example.org", env={"SHOP_ADMIN_PASSWORD": "password1234"})
    assert result.exit_code == 1
    assert result.output == (
        "Error: This password is too easy to guess. This is a very common password. "
        "Add another word or two. Uncommon words are better.\n"
    )
    assert user_count() == 0


def test_a_short_password_is_refused(runner):
    result = create_admin(runner, "boss@example.org", input="Short1!\nShort1!\n")
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == "Error: Use at least 12 characters (this one has 7)."
    assert user_count() == 0


def test_a_bad_address_is_refused_before_any_password_is_asked(runner):
    result = create_admin(runner, "boss.example.org")
    assert result.exit_code == 1
    assert result.output == "Error: An email address must have an @-sign.\n"
    assert user_count() == 0


def test_the_password_is_never_an_option(runner):
    result = create_admin(runner, "boss@example.org", "--password", PASSWORD)
    assert result.exit_code == 2
    assert "No such option '--password'" in result.output
    assert user_count() == 0


def test_an_existing_user_is_promoted_without_a_password(runner):
    user = make_user(email="anna@example.org", confirmed=False)
    result = create_admin(runner, "ANNA@example.org")
    assert result.exit_code == 0, result.output
    assert result.output == "anna@example.org is now an administrator\n"
    assert user.role == Role.ADMIN
    assert password_matches(user, DEFAULT_PASSWORD)  # untouched
    again = create_admin(runner, "anna@example.org")
    assert again.output == "anna@example.org is already an administrator\n"
    assert user_count() == 1
