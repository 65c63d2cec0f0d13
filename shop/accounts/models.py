"""Accounts: who may log in, with which role, on which devices, with which second factor."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.enums import Role
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased (accounts.services.normalise_email), so uniqueness ignores case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), default=Role.CUSTOMER)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The professional's clinic, as patient leaflets print it.
    clinic_name: Mapped[str] = mapped_column(String(160), default="", server_default="")
    clinic_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    clinic_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    # The second factor (TOTP, RFC 6238): a secret, in use once confirmed with a code;
    # the time step of the last code accepted, so no code is accepted twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in an inactive user
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def has_second_factor(self) -> bool:
        return self.totp_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class UserSession(db.Model):
    """One log-in on one device. The session cookie names it by a random key (only its
    hash is stored); a "remember me" on that device is a second key on the same record.
    Deleting the record ends both at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    remember_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The first log-in on this device; the start of the current session key (for the
    # absolute lifetime); the last request; the last time the password (and second
    # factor) was given here, None after a remember cookie started the session.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(400), default="")

    user: Mapped[User] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for the second factor; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class LoginThrottle(db.Model):
    """Failed log-ins for one e-mail address, whatever the client's address: after a few,
    that address waits longer and longer. Kept by a hash of the address, account or not,
    so the answer is the same for addresses without an account."""

    __tablename__ = "login_throttles"
    __table_args__ = (Index("ix_login_throttles_last_failure_at", "last_failure_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # since the last delay began
    delays: Mapped[int] = mapped_column(Integer, default=0)  # delays so far: each doubles
    blocked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failure_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    owner_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
