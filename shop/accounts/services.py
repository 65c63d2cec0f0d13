"""Accounts: passwords, log-in checks. Services flush and never commit."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select

from shop.accounts.models import User
from shop.extensions import db

_hasher = PasswordHasher()


def normalise_email(email: str) -> str:
    """The form an address is stored and compared in: unique whatever its case."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Built once: Flask-Login runs it on every request of a logged-in visitor, and
# building the statement cost as much as running it.
_BY_SESSION_TOKEN = select(User).where(User.session_token == bindparam("token"))


def find_user_by_session_token(token: str) -> User | None:
    return db.session.execute(_BY_SESSION_TOKEN, {"token": token}).scalar_one_or_none()
