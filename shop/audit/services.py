"""Recording what administrators decide and how money, stock and licences change."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from shop.accounts.models import User
from shop.audit.models import AuditEvent
from shop.extensions import db

STATE_LENGTH = AuditEvent.__table__.c.to_state.type.length


def record_event(
    *,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: int,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one audit event in the caller's transaction (flushes, never commits).

    The states are short codes ("pending", "3"); anything longer (a file name, a
    text) goes in ``reason``. A state over the column's length is a programming
    error, refused here on every database (PostgreSQL would refuse it at the flush,
    SQLite would keep it).
    """
    for name, state in (("from_state", from_state), ("to_state", to_state)):
        if len(str(state)) > STATE_LENGTH:
            raise ValueError(f"{action}: {name} is over {STATE_LENGTH} characters: {state!r}")
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        from_state=str(from_state),
        to_state=str(to_state),
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    return event


# Reading ---------------------------------------------------------------------------

SYSTEM_ACTOR = "system"  # the filter's name for events without an actor (jobs, webhooks)


@dataclass(frozen=True)
class AuditFilter:
    """Which events the audit page shows; empty values filter nothing."""

    actor: int | str | None = None  # a user's id, or SYSTEM_ACTOR
    subject_type: str = ""
    subject_id: int | None = None
    action: str = ""

    @property
    def is_empty(self) -> bool:
        return self == AuditFilter()

    def as_args(self) -> dict[str, object]:
        """The filter as the page's query arguments (for links to other pages of it)."""
        values = {
            "actor": self.actor,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "action": self.action,
        }
        return {name: value for name, value in values.items() if value not in (None, "")}


def list_audit_events(audit_filter: AuditFilter) -> Select:
    """The events that match, newest first."""
    statement = (
        select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    if audit_filter.actor == SYSTEM_ACTOR:
        statement = statement.where(AuditEvent.actor_id.is_(None))
    elif audit_filter.actor is not None:
        statement = statement.where(AuditEvent.actor_id == audit_filter.actor)
    if audit_filter.subject_type:
        statement = statement.where(AuditEvent.subject_type == audit_filter.subject_type)
    if audit_filter.subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == audit_filter.subject_id)
    if audit_filter.action:
        statement = statement.where(AuditEvent.action == audit_filter.action)
    return statement


@dataclass(frozen=True)
class AuditChoices:
    """What the filters offer: values that occur in the trail."""

    actors: list[User]
    subject_types: list[str]
    actions: list[str]


def audit_filter_choices() -> AuditChoices:
    actor_ids = select(AuditEvent.actor_id).where(AuditEvent.actor_id.is_not(None)).distinct()
    return AuditChoices(
        actors=list(
            db.session.scalars(select(User).where(User.id.in_(actor_ids)).order_by(User.name))
        ),
        subject_types=list(
            db.session.scalars(
                select(AuditEvent.subject_type).distinct().order_by(AuditEvent.subject_type)
            )
        ),
        actions=list(
            db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
        ),
    )
