"""Session records: every log-in is a row on the server that the session cookie names.

The cookie carries a random key; the database keeps only its SHA-256, so a copy of the
table opens no session. Ending a record (log-out, "end this session", log out
everywhere, a new password, deactivation) ends the cookie that names it at once, and
the record's "remember me" key with it.

A session ends after an idle time and an absolute lifetime, shorter for
administrators. A remembered device (never an administrator's) starts a new session
from its remember cookie: both keys are replaced, and the new session is not fresh.

Services flush, never commit; times are passed in.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask import session as flask_session
from sqlalchemy import or_, select
from ua_parser import parse as parse_user_agent

from shop.accounts.models import User, UserSession
from shop.extensions import db

USER_AGENT_MAX_LENGTH = 400


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _minutes(setting: str) -> timedelta:
    return timedelta(minutes=current_app.config[setting])


def idle_timeout(user: User) -> timedelta:
    return _minutes("ADMIN_SESSION_IDLE_MINUTES" if user.is_admin else "SESSION_IDLE_MINUTES")


def absolute_lifetime(user: User) -> timedelta:
    return _minutes(
        "ADMIN_SESSION_LIFETIME_MINUTES" if user.is_admin else "SESSION_LIFETIME_MINUTES"
    )


def may_be_remembered(user: User) -> bool:
    """Administrators are never remembered: their sessions end with the short lifetime."""
    return not user.is_admin


@dataclass(frozen=True)
class Client:
    """Who is on the other end, as the session list shows it."""

    ip_address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class StartedSession:
    record: UserSession
    key: str  # for the session cookie
    remember_key: str | None  # for the remember cookie, when the device is remembered


def start_session(user: User, *, client: Client, remember: bool, now: datetime) -> StartedSession:
    """A new record for a log-in with the password (and second factor): fresh."""
    key = secrets.token_urlsafe(32)
    remember_key = secrets.token_urlsafe(32) if remember and may_be_remembered(user) else None
    record = UserSession(
        user=user,
        key_hash=_hash(key),
        remember_hash=_hash(remember_key) if remember_key else None,
        remember_until=now + current_app.config["REMEMBER_COOKIE_DURATION"]
        if remember_key
        else None,
        created_at=now,
        started_at=now,
        last_seen_at=now,
        authenticated_at=now,
        ip_address=client.ip_address[:45],
        user_agent=client.user_agent[:USER_AGENT_MAX_LENGTH],
    )
    db.session.add(record)
    user.last_login_at = now
    db.session.flush()
    return StartedSession(record, key, remember_key)


def _session_alive(record: UserSession, now: datetime) -> bool:
    user = record.user
    return (
        user.is_enabled
        and now - record.last_seen_at <= idle_timeout(user)
        and now - record.started_at <= absolute_lifetime(user)
    )


def _remember_alive(record: UserSession, now: datetime) -> bool:
    return (
        record.remember_until is not None
        and record.remember_until > now
        and record.user.is_enabled
        and may_be_remembered(record.user)
    )


@dataclass(frozen=True)
class Resumed:
    """What a session cookie's key leads to: its record while it lives, and whether it
    just ran out (so the log-in page can say so)."""

    record: UserSession | None
    expired: bool = False


def resume_session(key: str, *, now: datetime) -> Resumed:
    """The live record a session cookie names, its last-seen time brought up to date
    (at most once a minute, to spare a write per request). A record that ran out is
    deleted, unless its remember key still lives."""
    record = db.session.scalar(select(UserSession).where(UserSession.key_hash == _hash(key)))
    if record is None:
        return Resumed(None)
    if not _session_alive(record, now):
        if _remember_alive(record, now):
            record.key_hash = _hash(secrets.token_urlsafe(32))  # the old cookie names nothing
        else:
            db.session.delete(record)
        return Resumed(None, expired=record.user.is_enabled)
    if now - record.last_seen_at >= timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
        record.last_seen_at = now
    return Resumed(record)


def resume_remembered(remember_key: str, *, client: Client, now: datetime) -> StartedSession | None:
    """A new session from a remember cookie, both keys replaced (a copied remember cookie
    works once at most, and the owner's next visit ends the copy's session); not fresh."""
    record = db.session.scalar(
        select(UserSession).where(UserSession.remember_hash == _hash(remember_key))
    )
    if record is None:
        return None
    if not _remember_alive(record, now):
        db.session.delete(record)
        return None
    key, new_remember_key = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    record.key_hash = _hash(key)
    record.remember_hash = _hash(new_remember_key)
    record.started_at = now
    record.last_seen_at = now
    record.authenticated_at = None
    record.ip_address = client.ip_address[:45]
    record.user_agent = client.user_agent[:USER_AGENT_MAX_LENGTH]
    db.session.flush()
    return StartedSession(record, key, new_remember_key)


def find_session(key: str | None) -> UserSession | None:
    """The record a session cookie's key names, alive or not."""
    if not key:
        return None
    return db.session.scalar(select(UserSession).where(UserSession.key_hash == _hash(key)))


def is_fresh(record: UserSession | None, *, now: datetime) -> bool:
    """Whether the password (and second factor) was given in this session recently enough
    for a sensitive action (FRESH_LOGIN_MINUTES)."""
    return (
        record is not None
        and record.authenticated_at is not None
        and now - record.authenticated_at <= _minutes("FRESH_LOGIN_MINUTES")
    )


def confirm_session(record: UserSession, *, now: datetime) -> None:
    """The password (and second factor) were given again in this session."""
    record.authenticated_at = now
    record.last_seen_at = now
    db.session.flush()


def rotate_session(record: UserSession) -> StartedSession:
    """New keys for the same session (after a password change), its remember key too if
    it has one: a copy of the old cookies opens nothing."""
    key = secrets.token_urlsafe(32)
    record.key_hash = _hash(key)
    remember_key = None
    if record.remember_hash is not None:
        remember_key = secrets.token_urlsafe(32)
        record.remember_hash = _hash(remember_key)
    db.session.flush()
    return StartedSession(record, key, remember_key)


def end_session(record: UserSession) -> None:
    """Log-out: the record goes, and with it the cookie and the device's remember key."""
    db.session.delete(record)
    db.session.flush()


def end_sessions(user: User, *, keep: UserSession | None = None) -> int:
    """End every session and remember key of the user, except ``keep``; how many ended."""
    statement = select(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    records = list(db.session.scalars(statement))
    for record in records:
        db.session.delete(record)
    db.session.flush()
    return len(records)


def describe_device(user_agent: str) -> str:
    """ "Firefox 128 on Windows", as the session list names a device."""
    parsed = parse_user_agent(user_agent or "")
    browser = parsed.user_agent
    name = f"{browser.family} {browser.major}" if browser and browser.major else None
    name = name or (browser.family if browser else "an unknown browser")
    system = parsed.device.family if parsed.device and parsed.device.family != "Other" else None
    system = system or (parsed.os.family if parsed.os else None)
    return f"{name} on {system}" if system else name


def find_user_session(user: User, session_id: int) -> UserSession | None:
    return db.session.scalar(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )


def list_sessions(user: User, *, now: datetime) -> list[UserSession]:
    """The user's sessions that still open the shop (by cookie or by remember), latest first."""
    records = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [r for r in records if _session_alive(r, now) or _remember_alive(r, now)]


def purge_sessions(now: datetime) -> int:
    """Delete records that can open nothing any more; how many. Run by the worker."""
    longest_idle = max(_minutes("SESSION_IDLE_MINUTES"), _minutes("ADMIN_SESSION_IDLE_MINUTES"))
    longest_life = max(
        _minutes("SESSION_LIFETIME_MINUTES"), _minutes("ADMIN_SESSION_LIFETIME_MINUTES")
    )
    candidates = db.session.scalars(
        select(UserSession)
        .where(
            or_(
                UserSession.last_seen_at < now - longest_idle,
                UserSession.started_at < now - longest_life,
            )
        )
        .where(or_(UserSession.remember_until.is_(None), UserSession.remember_until < now))
    )
    ended = 0
    for record in candidates:
        if not _session_alive(record, now) and not _remember_alive(record, now):
            db.session.delete(record)
            ended += 1
    db.session.flush()
    return ended


def current_session() -> UserSession | None:
    """This request's session record (None when not logged in): the one reader of the
    request here, for the views and ``fresh_login_required``."""
    return find_session(flask_session.get("_user_id"))
