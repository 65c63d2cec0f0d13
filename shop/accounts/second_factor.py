"""The second factor: TOTP (RFC 6238) through pyotp, with ten one-time recovery codes.

Enrolment keeps a new secret pending until a code from the app confirms it; then ten
recovery codes are made, shown once, and kept as SHA-256 hashes (they are random, so a
fast hash is enough). A code is accepted once: the time step of the last one accepted
is kept, under a row lock, and no earlier or equal step passes again.

Enrolment, removal and a log-in with a recovery code are audit events, and each is
mailed to the user. Administrators must be enrolled (shop.admin.blueprint). Services
flush, never commit; times are passed in.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from shop.accounts.errors import AccountError
from shop.accounts.models import RecoveryCode, User
from shop.accounts.sessions import end_sessions
from shop.audit.services import record_event
from shop.extensions import db
from shop.mail.services import external_url, queue_mail

RECOVERY_CODES = 10
# Authenticator apps and clocks drift: the code of the step before or after also passes.
VALID_WINDOW = 1
_NOT_CODE = re.compile(r"[\s-]")


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(user.totp_secret).provisioning_uri(
        name=user.email, issuer_name=current_app.config["SHOP_NAME"]
    )


def qr_code_data_uri(user: User) -> str:
    """The QR code of ``provisioning_uri``, drawn here as an SVG data: URI (no outside service)."""
    return segno.make(provisioning_uri(user), error="m").svg_data_uri(scale=5, border=2)


def grouped_secret(user: User) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    secret = user.totp_secret or ""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def start_enrolment(user: User) -> User:
    """Give the user a pending secret (kept if one is already pending)."""
    if user.has_second_factor:
        raise AccountError(
            AccountError.ALREADY_ENROLLED, "Your second factor is already set up.", status=409
        )
    if user.totp_secret is None:
        user.totp_secret = new_secret()
        db.session.flush()
    return user


def restart_enrolment(user: User) -> User:
    """A new pending secret, for a user whose app did not take the first one."""
    if user.has_second_factor:
        raise AccountError(
            AccountError.ALREADY_ENROLLED, "Your second factor is already set up.", status=409
        )
    user.totp_secret = new_secret()
    db.session.flush()
    return user


def _normalised(code: str) -> str:
    return _NOT_CODE.sub("", code or "").lower()


def _matching_step(secret: str, code: str, now: datetime) -> int | None:
    """The time step whose code ``code`` is, within the window; None if none."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if pyotp.utils.strings_equal(code, totp.generate_otp(candidate)):
            return candidate
    return None


def _bad_code() -> AccountError:
    return AccountError(
        AccountError.BAD_CODE,
        "This code is not right, or was used already. Enter the code your app shows now.",
        field="code",
    )


def _locked(user: User) -> User:
    """The user's row under a lock, fresh: two log-ins with one code are served in turn."""
    return db.session.scalars(
        select(User)
        .where(User.id == user.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def _accept_totp(user: User, code: str, now: datetime) -> bool:
    step = _matching_step(user.totp_secret or "", code, now) if code.isdigit() else None
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def _hash_code(code: str) -> str:
    return hashlib.sha256(_normalised(code).encode()).hexdigest()


def new_recovery_codes(user: User, *, now: datetime) -> list[str]:
    """Ten new recovery codes, replacing any the user had; the plain codes, to show once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    codes = [f"{code[:5]}-{code[5:]}" for code in codes]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=_hash_code(code), created_at=now) for code in codes
    )
    db.session.flush()
    return codes


def count_recovery_codes(user: User) -> int:
    """How many of the user's recovery codes are still unused."""
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def confirm_enrolment(user: User, code: str, *, now: datetime) -> list[str]:
    """Put the pending secret in use once a code from the app proves it; the recovery codes."""
    user = _locked(user)
    if user.has_second_factor:
        raise AccountError(
            AccountError.ALREADY_ENROLLED, "Your second factor is already set up.", status=409
        )
    if user.totp_secret is None or not _accept_totp(user, _normalised(code), now):
        raise _bad_code()
    user.totp_confirmed_at = now
    codes = new_recovery_codes(user, now=now)
    record_event(
        actor=user,
        action="user.second_factor_enrolled",
        subject_type="user",
        subject_id=user.id,
        to_state="enrolled",
    )
    _mail(user, "second_factor_enrolled", "A second factor now protects your account")
    return codes


def verify_code(user: User, code: str, *, now: datetime) -> str:
    """Check a log-in's second step: "authenticator" for an app's code (never the same one
    twice), "recovery" for a recovery code (used up, audited and mailed)."""
    user = _locked(user)
    if not user.has_second_factor:
        raise AccountError(AccountError.NOT_ENROLLED, "There is no second factor to check.")
    normalised = _normalised(code)
    if _accept_totp(user, normalised, now):
        db.session.flush()
        return "authenticator"
    recovery = db.session.scalar(
        select(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .with_for_update()
    )
    if recovery is None:
        raise _bad_code()
    recovery.used_at = now
    db.session.flush()
    left = count_recovery_codes(user)
    record_event(
        actor=user,
        action="user.recovery_code_used",
        subject_type="user",
        subject_id=user.id,
        reason=f"{left} recovery codes left",
    )
    _mail(user, "recovery_code_used", "A recovery code was used to log in", left=left)
    return "recovery"


def remove_second_factor(
    user: User, *, actor: User | None, reason: str = "", now: datetime
) -> User:
    """Take the second factor away: the user's own choice, or a reset by another
    administrator (or the operator's command, ``actor`` None) with a reason, which also
    ends the user's sessions."""
    reason = reason.strip()
    resetting_another = actor is None or actor.id != user.id
    if resetting_another and not reason:
        raise AccountError(
            AccountError.REASON_REQUIRED,
            "Give the reason for resetting this second factor: the audit trail keeps it.",
            field="reason",
        )
    if user.is_admin and not resetting_another:
        raise AccountError(
            AccountError.SECOND_FACTOR_REQUIRED,
            "Administrators keep their second factor. Another administrator can reset it.",
            status=403,
        )
    user = _locked(user)
    if user.totp_secret is None:
        raise AccountError(
            AccountError.NOT_ENROLLED, f"{user.name} has no second factor to remove.", status=409
        )
    user.totp_secret = None
    user.totp_confirmed_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    if resetting_another:
        end_sessions(user)
    db.session.flush()
    record_event(
        actor=actor,
        action="user.second_factor_reset" if resetting_another else "user.second_factor_removed",
        subject_type="user",
        subject_id=user.id,
        from_state="enrolled",
        to_state="none",
        reason=reason,
    )
    _mail(
        user,
        "second_factor_removed",
        "The second factor of your account was removed",
        by_someone_else=resetting_another,
        reason=reason,
    )
    return user


def _mail(user: User, template: str, subject: str, **context) -> None:
    queue_mail(
        user.email,
        f"{subject} ({current_app.config['SHOP_NAME']})",
        template,
        user=user,
        account_link=external_url("accounts.account"),
        reset_link=external_url("accounts.request_password_reset"),
        **context,
    )
