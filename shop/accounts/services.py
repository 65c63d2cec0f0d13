"""Accounts: registration, passwords, log-in checks, signed links. Services flush, never commit."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from contextlib import suppress
from datetime import datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from zxcvbn import zxcvbn

from shop.accounts.enums import Role
from shop.accounts.errors import AccountError
from shop.accounts.models import User, UserSession
from shop.accounts.sessions import end_sessions
from shop.accounts.tokens import (
    CONFIRM_EMAIL,
    RESET_PASSWORD,
    LinkKind,
    invalid_link,
    make_token,
    read_token,
    used_link,
)
from shop.extensions import db
from shop.mail.models import OutboxMessage
from shop.mail.services import external_url, queue_mail

NAME_MAX_LENGTH = 120
PASSWORD_MAX_LENGTH = 128
# zxcvbn refuses longer input; the first 72 characters decide whether a long one is guessable.
_ZXCVBN_MAX_LENGTH = 72


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: unique whatever its case."""
    return email.strip().lower()


@cache
def _hasher_with(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    """argon2id with the configured cost (tests configure a cheap one)."""
    config = current_app.config
    return _hasher_with(
        config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"], config["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _decoy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash("a password nobody has")


def _verify_decoy(password: str) -> None:
    hasher = _hasher()
    with suppress(VerificationError):
        hasher.verify(_decoy_hash(hasher), password)


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Checks, shared by the forms (every field's errors at once) and the services --------


def validate_email_address(email: str) -> str:
    """The address as stored, or AccountError with email-validator's reason."""
    try:
        # No DNS: deliverability is proven by the confirmation link, not by a lookup.
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(AccountError.INVALID_EMAIL, str(exc), field="email") from None
    return normalise_email(result.normalized)


def clean_name(name: str) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise AccountError(AccountError.INVALID_NAME, "Enter your name.", field="name")
    if len(cleaned) > NAME_MAX_LENGTH:
        raise AccountError(
            AccountError.INVALID_NAME,
            f"Your name can have at most {NAME_MAX_LENGTH} characters.",
            field="name",
        )
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise AccountError(
            AccountError.INVALID_NAME, "Your name cannot hold control characters.", field="name"
        )
    return cleaned


def _personal_words(name: str, email: str) -> list[str]:
    """What a password must not be built from: the name, the address, the shop."""
    local, _, domain = normalise_email(email).partition("@")
    name_parts = name.lower().split()
    local_parts = [part for part in re.split(r"[._+-]+", local) if part]
    words = [
        name.lower(),
        "".join(name_parts),
        *name_parts,
        normalise_email(email),
        local,
        "".join(local_parts),
        *local_parts,
        *domain.split("."),
        current_app.config.get("SHOP_NAME", "").lower(),
    ]
    return [word for word in dict.fromkeys(words) if len(word) > 1]


def check_password_strength(password: str, *, name: str, email: str, field: str = "password"):
    """Refuse a short or guessable password, with zxcvbn's warning and suggestions."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AccountError(
            AccountError.PASSWORD_TOO_SHORT,
            f"Use at least {minimum} characters (this one has {len(password)}).",
            field=field,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(
            AccountError.PASSWORD_TOO_LONG,
            f"Use at most {PASSWORD_MAX_LENGTH} characters.",
            field=field,
        )
    verdict = zxcvbn(password[:_ZXCVBN_MAX_LENGTH], user_inputs=_personal_words(name, email))
    if verdict["score"] < current_app.config["PASSWORD_MIN_SCORE"]:
        feedback = verdict["feedback"]
        details = [feedback["warning"]] if feedback["warning"] else []
        details += feedback["suggestions"] or [
            "Add another word or two. Uncommon words are better."
        ]
        raise AccountError(
            AccountError.PASSWORD_TOO_WEAK,
            "This password is too easy to guess.",
            field=field,
            details=details,
        )


# Registration and log-in ---------------------------------------------------------


def register_user(*, name: str, email: str, password: str) -> User | None:
    """A new customer, unconfirmed, with the confirmation mail queued; or, for an address
    that has an account already, a mail to its owner saying someone tried (None). The
    caller answers alike either way, so the form never tells who has an account."""
    name = clean_name(name)
    email = validate_email_address(email)
    check_password_strength(password, name=name, email=email)
    # Hashed either way, so that both answers take as long.
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        queue_registration_attempt_mail(existing)
        return None
    user = User(name=name, email=email, password_hash=password_hash, role=Role.CUSTOMER)
    try:
        with db.session.begin_nested():  # two registrations at once: the database decides
            db.session.add(user)
    except IntegrityError:
        queue_registration_attempt_mail(find_user_by_email(email))
        return None
    queue_confirmation_mail(user)
    return user


def queue_registration_attempt_mail(user: User) -> OutboxMessage:
    return queue_mail(
        user.email,
        f"Someone tried to register with your address at {current_app.config['SHOP_NAME']}",
        "registration_attempt",
        user=user,
        login_link=external_url("accounts.login"),
        reset_link=external_url("accounts.request_password_reset"),
    )


def _email_taken() -> AccountError:  # said to administrators only (create_admin)
    return AccountError(
        AccountError.EMAIL_TAKEN,
        "An account already uses this e-mail address. Log in, or reset its password.",
        field="email",
    )


def authenticate(email: str, password: str) -> User:
    """The user these credentials belong to. One message whether the address or the password is wrong."""
    user = find_user_by_email(email)
    if user is None:
        # Take as long as a real check, so the answer's timing does not say either.
        _verify_decoy(password)
        raise _bad_credentials()
    if not password_matches(user, password):
        raise _bad_credentials()
    if not user.is_enabled:
        # Said only to someone who knows the password.
        raise AccountError(
            AccountError.ACCOUNT_DISABLED,
            "This account is disabled. Write to us if you think this is a mistake.",
            field="email",
        )
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        db.session.flush()
    return user


def _bad_credentials() -> AccountError:
    return AccountError(
        AccountError.BAD_CREDENTIALS, "The e-mail or the password is wrong.", field="password"
    )


# Profile, password, sessions -------------------------------------------------------


def _clinic_text(value: str, field: str, what: str, max_length: int, *, lines: bool = False) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if not lines:
        text = " ".join(text.split())
    if len(text) > max_length:
        raise AccountError(
            AccountError.INVALID_NAME,
            f"{what} can have at most {max_length} characters.",
            field=field,
        )
    if any(unicodedata.category(char).startswith("C") and char != "\n" for char in text):
        raise AccountError(
            AccountError.INVALID_NAME, f"{what} cannot hold control characters.", field=field
        )
    return text


def update_profile(
    user: User,
    *,
    name: str,
    clinic_name: str | None = None,
    clinic_phone: str | None = None,
    clinic_address: str | None = None,
) -> User:
    """The user's name, and the clinic their patient leaflets print (None: unchanged)."""
    user.name = clean_name(name)
    if clinic_name is not None:
        user.clinic_name = _clinic_text(clinic_name, "clinic_name", "The clinic's name", 160)
    if clinic_phone is not None:
        user.clinic_phone = _clinic_text(clinic_phone, "clinic_phone", "The phone number", 40)
    if clinic_address is not None:
        user.clinic_address = _clinic_text(
            clinic_address, "clinic_address", "The address", 500, lines=True
        )
    db.session.flush()
    return user


def set_password(user: User, password: str, *, keep: UserSession | None = None) -> None:
    """A new password ends every session and remember cookie, except ``keep``."""
    check_password_strength(password, name=user.name, email=user.email, field="new_password")
    user.password_hash = hash_password(password)
    end_sessions(user, keep=keep)
    db.session.flush()


def change_password(
    user: User, *, current_password: str, new_password: str, keep: UserSession | None = None
) -> None:
    if not password_matches(user, current_password):
        raise AccountError(
            AccountError.WRONG_PASSWORD,
            "This is not your current password.",
            field="current_password",
        )
    set_password(user, new_password, keep=keep)


def end_all_sessions(user: User) -> int:
    """Log out everywhere: every session and remember cookie of the user ends."""
    return end_sessions(user)


# Administrators -------------------------------------------------------------------


def create_admin(*, email: str, name: str, password: str, now: datetime) -> User:
    """A new administrator, confirmed (whoever runs the command vouches for the address)."""
    name = clean_name(name)
    email = validate_email_address(email)
    if find_user_by_email(email) is not None:
        raise _email_taken()
    check_password_strength(password, name=name, email=email)
    user = User(
        name=name,
        email=email,
        password_hash=hash_password(password),
        role=Role.ADMIN,
        email_confirmed_at=now,
    )
    db.session.add(user)
    db.session.flush()
    return user


def promote_to_admin(user: User) -> bool:
    """Make the user an administrator; False when they already were."""
    if user.role == Role.ADMIN:
        return False
    user.role = Role.ADMIN
    db.session.flush()
    return True


def _user_named_by(payload: dict) -> User | None:
    user_id = payload.get("u")
    return db.session.get(User, user_id) if isinstance(user_id, int) else None


# E-mail confirmation --------------------------------------------------------------


def _queue_link_mail(
    user: User, kind: LinkKind, payload: dict, *, subject: str, template: str, endpoint: str
) -> OutboxMessage:
    """Queue a mail to the user whose one link carries a signed token of this kind."""
    return queue_mail(
        user.email,
        f"{subject} for {current_app.config['SHOP_NAME']}",
        template,
        user=user,
        link=external_url(endpoint, token=make_token(kind, payload)),
        lifetime=kind.lifetime,
    )


def queue_confirmation_mail(user: User) -> OutboxMessage:
    return _queue_link_mail(
        user,
        CONFIRM_EMAIL,
        {"u": user.id, "e": user.email},
        subject="Confirm your e-mail address",
        template="confirm_email",
        endpoint="accounts.confirm_email",
    )


def confirm_email(token: str, *, now: datetime) -> User:
    """Mark the address confirmed. The link works once: a confirmed address ends it."""
    payload = read_token(CONFIRM_EMAIL, token)
    user = _user_named_by(payload)
    # An address changed since the mail was sent is not the one this link proves.
    if user is None or user.email != payload.get("e"):
        raise invalid_link()
    if user.email_confirmed:
        raise used_link("your e-mail address is confirmed.")
    user.email_confirmed_at = now
    db.session.flush()
    return user


# Password reset -----------------------------------------------------------------


def _password_fingerprint(user: User) -> str:
    # Every new hash has a new salt, so any password change ends the links sent before.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:24]


def request_password_reset(email: str) -> OutboxMessage:
    """Queue one message whatever the address: a reset link to an enabled account, or a
    note that no account (or only a disabled one) has it. Both do the same work, so the
    answer's timing says nothing, and the caller answers alike either way."""
    email = validate_email_address(email)
    user = find_user_by_email(email)
    if user is not None and user.is_enabled:
        return _queue_link_mail(
            user,
            RESET_PASSWORD,
            {"u": user.id, "p": _password_fingerprint(user)},
            subject="Choose a new password",
            template="reset_password",
            endpoint="accounts.reset_password",
        )
    return queue_mail(
        email,
        f"Choose a new password for {current_app.config['SHOP_NAME']}",
        "reset_password_no_account",
        disabled=user is not None,
        register_link=external_url("accounts.register"),
    )


def user_for_reset_token(token: str) -> User:
    """The user a reset link is for, while it still works."""
    payload = read_token(RESET_PASSWORD, token)
    user = _user_named_by(payload)
    if user is None or not user.is_enabled:
        raise invalid_link()
    if payload.get("p") != _password_fingerprint(user):
        raise used_link("the password was changed after this link was sent.")
    return user


def complete_password_reset(user: User, new_password: str, *, now: datetime) -> None:
    """Set the new password (of ``user_for_reset_token``'s user): the link then stops
    working, as do all sessions."""
    set_password(user, new_password)
    # The link reached this inbox, which proves the address as well as a confirmation.
    if not user.email_confirmed:
        user.email_confirmed_at = now
    db.session.flush()
