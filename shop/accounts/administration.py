"""Administrators' decisions about accounts: deactivate, reactivate, promote, demote,
and resetting a second factor.

Each decision locks the acting administrator's row and the user's (primary-key
order), checks that the actor is still an administrator and that the account is
still in the state the administrator saw, changes it, and appends an audit event,
all in the caller's transaction (flushes, never commits). Two administrators
deciding about one account at once are served one after the other: the second
finds the state changed and is refused with a message. Nobody may deactivate or
demote themselves, so the shop always keeps the administrator who acts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select

from shop.accounts.enums import Role
from shop.accounts.errors import AccountError
from shop.accounts.models import User
from shop.accounts.second_factor import remove_second_factor
from shop.accounts.sessions import end_sessions
from shop.audit.models import AuditEvent
from shop.audit.services import record_event
from shop.database import utcnow
from shop.extensions import db

SUBJECT_TYPE = "user"
ACTIVE, DEACTIVATED = "active", "deactivated"
# The longest search an administrator plausibly types; longer input is cut, not refused.
SEARCH_LIMIT = 100


def _like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_users(search: str = "") -> Select:
    """Users whose e-mail or name contains ``search`` (any case), newest first."""
    statement = select(User).order_by(User.created_at.desc(), User.id.desc())
    search = search.strip()[:SEARCH_LIMIT]
    if search:
        pattern = _like_pattern(search.lower())
        statement = statement.where(
            or_(
                User.email.like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
            )
        )
    return statement


def account_state(user: User) -> str:
    return ACTIVE if user.is_enabled else DEACTIVATED


def _deactivate(user: User) -> None:
    user.is_enabled = False
    end_sessions(user)  # every session and remember cookie ends now


def _reactivate(user: User) -> None:
    user.is_enabled = True


def _promote(user: User) -> None:
    user.role = Role.ADMIN


def _demote(user: User) -> None:
    user.role = Role.CUSTOMER


def _role(user: User) -> str:
    return str(user.role)


@dataclass(frozen=True)
class _Decision:
    action: str  # the audit action is "user.<action>"
    done: str  # what the messages say happened: "deactivated"
    state_of: Callable[[User], str]  # the state the audit records, before and after
    allowed_from: str
    apply: Callable[[User], None]
    reason_required: bool
    refuses_own_account: bool


_DEACTIVATE = _Decision("deactivate", "deactivated", account_state, ACTIVE, _deactivate, True, True)
_REACTIVATE = _Decision(
    "reactivate", "reactivated", account_state, DEACTIVATED, _reactivate, False, False
)
_PROMOTE = _Decision(
    "promote", "made an administrator", _role, str(Role.CUSTOMER), _promote, False, False
)
_DEMOTE = _Decision("demote", "made a customer", _role, str(Role.ADMIN), _demote, True, True)


def _lock_users(actor_id: int, user_id: int) -> tuple[User, User | None]:
    """The acting administrator and the user under row locks, in primary-key order, fresh.

    A second decision about the same account waits here until the first commits.
    The actor is locked too: two administrators demoting each other at once would
    otherwise each see the other still an administrator and leave none.
    """
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User)
            .where(User.id.in_({actor_id, user_id}))
            .order_by(User.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    return users[actor_id], users.get(user_id)


def _last_decided_by(user: User) -> str:
    """Who last decided about this account, as a phrase for a message ("" if nobody did)."""
    actor = db.session.scalar(
        select(User)
        .join(AuditEvent, AuditEvent.actor_id == User.id)
        .where(AuditEvent.subject_type == SUBJECT_TYPE, AuditEvent.subject_id == user.id)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    return f", last changed by {actor.name}" if actor is not None else ""


def _decide(actor: User, user_id: int, decision: _Decision, reason: str) -> User:
    reason = reason.strip()
    if decision.reason_required and not reason:
        raise AccountError(
            AccountError.REASON_REQUIRED,
            f"Give the reason why this account is {decision.done}: the audit trail keeps it.",
            field="reason",
        )
    if decision.refuses_own_account and user_id == actor.id:
        # So that the back office never loses its last administrator by accident.
        raise AccountError(
            AccountError.OWN_ACCOUNT,
            f"You cannot {decision.action} your own account: ask another administrator.",
            status=403,
        )
    actor, user = _lock_users(actor.id, user_id)
    if not (actor.is_admin and actor.is_enabled):
        raise AccountError(
            AccountError.NOT_ADMINISTRATOR,
            "You are no longer an administrator: nothing was changed.",
            status=403,
        )
    if user is None:
        raise AccountError(AccountError.NOT_FOUND, "There is no such user.", status=404)
    from_state = decision.state_of(user)
    if from_state != decision.allowed_from:
        raise AccountError(
            AccountError.STATE_CHANGED,
            f"Nothing was changed: {user.name}'s account is {from_state} now"
            f"{_last_decided_by(user)}, so it cannot be {decision.done}.",
            status=409,
        )
    decision.apply(user)
    db.session.flush()
    record_event(
        actor=actor,
        action=f"user.{decision.action}",
        subject_type=SUBJECT_TYPE,
        subject_id=user.id,
        from_state=from_state,
        to_state=decision.state_of(user),
        reason=reason,
    )
    return user


def deactivate_user(actor: User, user_id: int, *, reason: str) -> User:
    """Active → deactivated: no more log-ins or purchases, and every session ends."""
    return _decide(actor, user_id, _DEACTIVATE, reason)


def reactivate_user(actor: User, user_id: int, *, reason: str = "") -> User:
    """Deactivated → active: the user may log in again (their old sessions stay ended)."""
    return _decide(actor, user_id, _REACTIVATE, reason)


def promote_user(actor: User, user_id: int, *, reason: str = "") -> User:
    """Customer → administrator."""
    return _decide(actor, user_id, _PROMOTE, reason)


def demote_user(actor: User, user_id: int, *, reason: str) -> User:
    """Administrator → customer; never the acting administrator themselves."""
    return _decide(actor, user_id, _DEMOTE, reason)


def reset_second_factor(actor: User, user_id: int, *, reason: str) -> User:
    """Remove another user's second factor (a lost phone and lost recovery codes), with a
    reason: their sessions end, and they set up a new one at their next log-in."""
    if user_id == actor.id:
        raise AccountError(
            AccountError.OWN_ACCOUNT,
            "You cannot reset your own second factor: ask another administrator.",
            status=403,
        )
    if not reason.strip():
        raise AccountError(
            AccountError.REASON_REQUIRED,
            "Give the reason for resetting this second factor: the audit trail keeps it.",
            field="reason",
        )
    actor, user = _lock_users(actor.id, user_id)
    if not (actor.is_admin and actor.is_enabled):
        raise AccountError(
            AccountError.NOT_ADMINISTRATOR,
            "You are no longer an administrator: nothing was changed.",
            status=403,
        )
    if user is None:
        raise AccountError(AccountError.NOT_FOUND, "There is no such user.", status=404)
    return remove_second_factor(user, actor=actor, reason=reason, now=utcnow())


def list_user_events(user: User) -> list[AuditEvent]:
    """The decisions about this account, newest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == SUBJECT_TYPE, AuditEvent.subject_id == user.id)
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
        )
    )
