"""Real concurrency on PostgreSQL: two administrators, or two expiry workers, at the same licences."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.errors import LicenceError
from shop.licensing.expiry import expire_licences
from shop.licensing.models import Licence
from shop.licensing.services import approve_licence, reject_licence
from shop.mail.models import OutboxMessage
from tests.factories import make_admin, make_licence, make_user
from tests.postgres.together import run_together

pytestmark = pytest.mark.postgres

HOLD_SECONDS = 0.5  # the winner keeps its lock this long, so the other must wait for it


def test_two_administrators_decide_one_licence_at_once_and_exactly_one_wins(pg_app):
    with pg_app.app_context():
        first, second = make_admin(name="Admin One").id, make_admin(name="Admin Two").id
        licence_id = make_licence(make_user(), status=LicenceStatus.PENDING).id
        db.session.commit()

    def approve():
        licence = approve_licence(db.session.get(User, first), licence_id, now=utcnow())
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return licence.status

    def reject():
        licence = reject_licence(
            db.session.get(User, second), licence_id, reason="Unreadable.", now=utcnow()
        )
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return licence.status

    outcomes = run_together(pg_app, approve, reject)

    winners = [outcome for outcome in outcomes if isinstance(outcome, LicenceStatus)]
    losers = [outcome for outcome in outcomes if isinstance(outcome, LicenceError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == LicenceError.ALREADY_DECIDED
    assert "already decided by Admin" in losers[0].message
    with pg_app.app_context():
        licence = db.session.get(Licence, licence_id)
        assert licence.status == winners[0]
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == licence_id)
        ).all()
        assert [event.to_state for event in events] == [winners[0]]
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_two_expiry_workers_at_once_expire_and_remind_each_licence_once(pg_app):
    with pg_app.app_context():
        expired_ids = [make_licence(make_user(), expires_in_days=-1).id for _ in range(3)]
        reminded_ids = [make_licence(make_user(), expires_in_days=10).id for _ in range(2)]
        db.session.commit()

    def worker():
        report = expire_licences(utcnow())
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return report

    reports = run_together(pg_app, worker, worker)
    assert not any(isinstance(report, Exception) for report in reports), reports
    assert sorted(sum((report.expired for report in reports), [])) == expired_ids
    assert sorted(sum((report.reminded for report in reports), [])) == reminded_ids
    with pg_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 3
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 5
