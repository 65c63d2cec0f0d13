"""Recording what administrators decide and how money, stock and licences change."""

from __future__ import annotations

from shop.accounts.models import User
from shop.audit.models import AuditEvent
from shop.extensions import db


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
    """Append one audit event in the caller's transaction (flushes, never commits)."""
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
