"""Failed log-ins counted per account, whatever the client's address.

The per-address rate limit (LOGIN_RATE_LIMIT) stops one client; many clients could
still share out guesses at one account. So after LOGIN_FAILURES_BEFORE_DELAY wrong
passwords (or second-factor codes) for one e-mail address, log-ins to it are refused
for LOGIN_DELAY_SECONDS, doubled at each further round, up to LOGIN_DELAY_MAX_SECONDS.
The count is kept by a hash of the address, account or not, so an address without an
account answers exactly as one with it; during the delay a correct password is refused
too, and the answer says no more than "try again later". The owner is mailed once.
At the defaults, at most 60 guesses get through in the first hour and 10 an hour after.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from shop.accounts.errors import AccountError
from shop.accounts.models import LoginThrottle
from shop.extensions import db
from shop.mail.services import external_url, queue_mail


def _email_hash(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def too_many_attempts() -> AccountError:
    return AccountError(
        AccountError.TOO_MANY_ATTEMPTS,
        "Too many attempts to log in to this account. Try again later.",
        field="password",
        status=429,
    )


def check_login_allowed(email: str, *, now: datetime) -> None:
    """Raise ``too_many_attempts`` while this address's log-ins are delayed."""
    blocked_until = db.session.scalar(
        select(LoginThrottle.blocked_until).where(LoginThrottle.email_hash == _email_hash(email))
    )
    if blocked_until is not None and blocked_until > now:
        raise too_many_attempts()


def _row_for_update(email_hash: str, now: datetime) -> LoginThrottle:
    statement = (
        select(LoginThrottle)
        .where(LoginThrottle.email_hash == email_hash)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = db.session.scalar(statement)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():  # two first failures at once: the database decides
            row = LoginThrottle(email_hash=email_hash, failures=0, delays=0, last_failure_at=now)
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(statement)
    return row


def record_failed_login(email: str, *, now: datetime) -> None:
    """Count a wrong password or code for this address; start or lengthen its delay."""
    config = current_app.config
    row = _row_for_update(_email_hash(email), now)
    quiet_since = max(row.last_failure_at, row.blocked_until or row.last_failure_at)
    if now - quiet_since > timedelta(minutes=config["LOGIN_FAILURE_MEMORY_MINUTES"]):
        row.failures, row.delays, row.owner_told_at = 0, 0, None
    row.failures += 1
    row.last_failure_at = now
    if row.failures >= config["LOGIN_FAILURES_BEFORE_DELAY"]:
        delay = min(
            config["LOGIN_DELAY_SECONDS"] * 2**row.delays, config["LOGIN_DELAY_MAX_SECONDS"]
        )
        row.blocked_until = now + timedelta(seconds=delay)
        row.delays += 1
        row.failures = 0
        if row.owner_told_at is None:
            row.owner_told_at = now
            _tell_owner(email)
    db.session.flush()


def _tell_owner(email: str) -> None:
    from shop.accounts.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        return
    queue_mail(
        user.email,
        f"Log-ins to your {current_app.config['SHOP_NAME']} account are paused",
        "login_delayed",
        user=user,
        reset_link=external_url("accounts.request_password_reset"),
    )


def clear_failed_logins(email: str) -> None:
    """A full log-in succeeded: forget the address's failures."""
    row = db.session.scalar(
        select(LoginThrottle).where(LoginThrottle.email_hash == _email_hash(email))
    )
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def purge_throttles(now: datetime) -> int:
    """Forget addresses quiet for longer than the memory; how many. Run by the worker."""
    memory = timedelta(minutes=current_app.config["LOGIN_FAILURE_MEMORY_MINUTES"])
    rows = list(
        db.session.scalars(
            select(LoginThrottle).where(LoginThrottle.last_failure_at < now - memory)
        )
    )
    forgotten = 0
    for row in rows:
        if row.blocked_until is None or now - row.blocked_until > memory:
            db.session.delete(row)
            forgotten += 1
    db.session.flush()
    return forgotten
