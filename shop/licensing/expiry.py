"""Licence expiry and reminders: the periodic job behind ``flask shop expire-licences``.

Flushes and never commits: the command or the worker's job is the transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from shop.audit.services import record_event
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence
from shop.licensing.services import (
    SUBJECT_TYPE,
    find_pending_licence,
    is_superseded,
    mail_professional,
    utc_today,
)

REMINDER_DAYS = 30


@dataclass
class ExpiryReport:
    expired: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        def ids(values: list[int]) -> str:
            return f" ({', '.join(map(str, values))})" if values else ""

        return (
            f"expired {len(self.expired)} licence(s){ids(self.expired)}, "
            f"sent {len(self.reminded)} reminder(s){ids(self.reminded)}"
        )


def _locked_batch(*conditions) -> list[Licence]:
    # Locked in primary-key order; rows another worker holds are left to it.
    return list(
        db.session.scalars(
            select(Licence)
            .where(Licence.status == LicenceStatus.APPROVED, *conditions)
            .order_by(Licence.id)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
    )


def expire_licences(now: datetime) -> ExpiryReport:
    """Mark approved licences past their date as expired, and remind once before expiry.

    Each expiry is an audit event and a mail (no mail for a licence a renewal has
    superseded). A reminder goes once per licence, ``REMINDER_DAYS`` before its
    date, unless a renewal is already approved or waiting for review.
    """
    today = utc_today(now)
    report = ExpiryReport()
    for licence in _locked_batch(Licence.expires_on < today):
        licence.status = LicenceStatus.EXPIRED
        record_event(
            actor=None,
            action="licence.expire",
            subject_type=SUBJECT_TYPE,
            subject_id=licence.id,
            from_state=LicenceStatus.APPROVED,
            to_state=LicenceStatus.EXPIRED,
            reason=f"expiry date {licence.expires_on.isoformat()} has passed",
        )
        if not is_superseded(licence):
            mail_professional(licence, "Your licence has expired", "licence_expired")
        report.expired.append(licence.id)

    reminder_window = (
        Licence.expires_on >= today,
        Licence.expires_on <= today + timedelta(days=REMINDER_DAYS),
        Licence.reminder_sent_at.is_(None),
    )
    for licence in _locked_batch(*reminder_window):
        renewal_waiting = find_pending_licence(licence.user) is not None
        if is_superseded(licence) or renewal_waiting:
            continue
        licence.reminder_sent_at = now
        mail_professional(licence, "Your licence expires soon", "licence_expiry_reminder")
        report.reminded.append(licence.id)
    db.session.flush()
    return report
