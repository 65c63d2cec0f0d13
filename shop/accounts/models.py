"""Accounts: who may log in, with which role."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.accounts.enums import Role
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


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
    # Flask-Login's alternative id: a new token on a password change or "log out
    # everywhere" ends every remember cookie and every other session at once.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_session_token)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The professional's clinic, as patient leaflets print it.
    clinic_name: Mapped[str] = mapped_column(String(160), default="", server_default="")
    clinic_phone: Mapped[str] = mapped_column(String(40), default="", server_default="")
    clinic_address: Mapped[str] = mapped_column(Text, default="", server_default="")

    def get_id(self) -> str:
        return self.session_token

    @property
    def is_active(self) -> bool:  # Flask-Login refuses to log in an inactive user
        return self.is_enabled

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
