"""Real concurrency on PostgreSQL: two administrators deciding about accounts at once."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from shop.accounts.administration import deactivate_user, demote_user
from shop.accounts.enums import Role
from shop.accounts.errors import AccountError
from shop.accounts.models import User, UserSession
from shop.accounts.sessions import Client, start_session
from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from tests.factories import make_admin, make_user
from tests.postgres.test_licence_races import HOLD_SECONDS
from tests.postgres.together import run_together

pytestmark = pytest.mark.postgres


def decision(actor_id: int, decide, user_id: int, reason: str):
    """A job for run_together: decide, keep the locks a while, commit."""

    def job():
        user = decide(db.session.get(User, actor_id), user_id, reason=reason)
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return user.id

    return job


def audit_count() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def test_two_administrators_deactivate_one_account_at_once_and_exactly_one_wins(pg_app):
    with pg_app.app_context():
        first, second = make_admin(name="Admin One").id, make_admin(name="Admin Two").id
        user = make_user(name="Contested Carla")
        start_session(user, client=Client(), remember=True, now=utcnow())
        user_id = user.id
        db.session.commit()

    outcomes = run_together(
        pg_app,
        decision(first, deactivate_user, user_id, "Fraud."),
        decision(second, deactivate_user, user_id, "Spam."),
    )

    losers = [outcome for outcome in outcomes if isinstance(outcome, AccountError)]
    assert outcomes.count(user_id) == 1 and len(losers) == 1, outcomes
    assert losers[0].code == AccountError.STATE_CHANGED
    assert "Contested Carla's account is deactivated now, last changed by Admin" in (
        losers[0].message
    )
    with pg_app.app_context():
        user = db.session.get(User, user_id)
        assert user.is_enabled is False
        assert db.session.scalar(select(func.count()).select_from(UserSession)) == 0
        assert audit_count() == 1


def test_two_administrators_demoting_each_other_at_once_leave_one_administrator(pg_app):
    with pg_app.app_context():
        first, second = make_admin(name="Admin One").id, make_admin(name="Admin Two").id
        db.session.commit()

    outcomes = run_together(
        pg_app,
        decision(first, demote_user, second, "Coup."),
        decision(second, demote_user, first, "Counter-coup."),
    )

    losers = [outcome for outcome in outcomes if isinstance(outcome, AccountError)]
    assert len(losers) == 1, outcomes
    assert losers[0].code == AccountError.NOT_ADMINISTRATOR
    with pg_app.app_context():
        roles = db.session.scalars(select(User.role).order_by(User.id)).all()
        assert sorted(roles) == sorted([Role.ADMIN, Role.CUSTOMER])
        assert audit_count() == 1
