"""The administrators' decisions as services: transitions, audit rows, mail, the current licence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.errors import LicenceError
from shop.licensing.services import (
    approve_licence,
    current_licence,
    latest_licence,
    licence_history,
    reject_licence,
    revoke_licence,
)
from shop.mail.models import OutboxMessage
from tests.factories import make_admin, make_licence, make_user

PENDING = LicenceStatus.PENDING
NOW = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)


def audit_rows(licence) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == "licence", AuditEvent.subject_id == licence.id)
            .order_by(AuditEvent.id)
        )
    )


def mails_to(user) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.to_address == user.email)
            .order_by(OutboxMessage.id)
        )
    )


def test_approving_records_the_decision_an_audit_event_and_a_mail(app):
    admin = make_admin(name="Dr Reviewer")
    user = make_user(name="Aoife Byrne")
    licence = make_licence(user, status=PENDING)
    with app.test_request_context():
        approve_licence(admin, licence.id, now=NOW)
    assert licence.status == LicenceStatus.APPROVED
    assert (licence.reviewer_id, licence.decided_at) == (admin.id, NOW)
    [event] = audit_rows(licence)
    assert (event.actor_id, event.action) == (admin.id, "licence.approve")
    assert (event.from_state, event.to_state) == ("pending", "approved")
    [mail] = mails_to(user)
    assert mail.subject == "Your licence is approved"
    assert "Hello Aoife Byrne" in mail.body_text and licence.licence_number in mail.body_text
    assert "http://localhost/licence" in mail.body_text


def test_rejecting_needs_a_reason_and_mails_it(app):
    admin = make_admin()
    user = make_user()
    licence = make_licence(user, status=PENDING)
    with pytest.raises(LicenceError) as refused:
        reject_licence(admin, licence.id, reason="   ", now=NOW)
    assert refused.value.code == LicenceError.REASON_REQUIRED
    assert licence.status == PENDING and audit_rows(licence) == [] and mails_to(user) == []

    reject_licence(admin, licence.id, reason="The expiry date is unreadable.", now=NOW)
    assert (licence.status, licence.reason) == (
        LicenceStatus.REJECTED,
        "The expiry date is unreadable.",
    )
    [event] = audit_rows(licence)
    assert (event.action, event.from_state, event.to_state) == (
        "licence.reject",
        "pending",
        "rejected",
    )
    assert event.reason == "The expiry date is unreadable."
    [mail] = mails_to(user)
    assert "The expiry date is unreadable." in mail.body_text
    # Without a request (the worker), the mail says where to go instead of linking.
    assert 'open "Your licence" from your account' in mail.body_text


def test_revoking_needs_a_reason_and_an_approved_licence(app):
    admin = make_admin()
    user = make_user()
    approved = make_licence(user)
    with pytest.raises(LicenceError) as refused:
        revoke_licence(admin, approved.id, reason="", now=NOW)
    assert refused.value.code == LicenceError.REASON_REQUIRED

    revoke_licence(admin, approved.id, reason="Struck off the register.", now=NOW)
    [event] = audit_rows(approved)
    assert (event.action, event.from_state, event.to_state) == (
        "licence.revoke",
        "approved",
        "revoked",
    )
    assert mails_to(user)[-1].subject == "Your licence was revoked"

    rejected = make_licence(make_user(), status=LicenceStatus.REJECTED)
    with pytest.raises(LicenceError) as not_approved:
        revoke_licence(admin, rejected.id, reason="No.", now=NOW)
    assert not_approved.value.code == LicenceError.NOT_APPROVED


@pytest.mark.parametrize(
    "second",
    [
        lambda admin, lid: approve_licence(admin, lid, now=NOW),
        lambda admin, lid: reject_licence(admin, lid, reason="Too late.", now=NOW),
    ],
)
def test_a_decided_licence_cannot_be_decided_again(app, second):
    first_admin = make_admin(name="First Admin")
    user = make_user()
    licence = make_licence(user, status=PENDING)
    approve_licence(first_admin, licence.id, now=NOW)
    with pytest.raises(LicenceError) as refused:
        second(make_admin(), licence.id)
    assert refused.value.code == LicenceError.ALREADY_DECIDED
    assert "already decided by First Admin" in refused.value.message
    assert len(audit_rows(licence)) == 1 and len(mails_to(user)) == 1


def test_an_unknown_licence_is_not_found(app):
    with pytest.raises(LicenceError) as refused:
        approve_licence(make_admin(), 999_999, now=NOW)
    assert (refused.value.code, refused.value.status) == (LicenceError.NOT_FOUND, 404)


def test_the_audit_trail_cannot_be_changed(app):
    admin = make_admin()
    licence = make_licence(make_user(), status=PENDING)
    approve_licence(admin, licence.id, now=NOW)
    [event] = audit_rows(licence)
    event.reason = "rewritten"
    with pytest.raises(RuntimeError, match="cannot change"):
        db.session.flush()
    db.session.rollback()


# Which licence counts ---------------------------------------------------------------


def test_an_approved_renewal_supersedes_the_licence_before_it(app):
    admin = make_admin()
    user = make_user()
    old = make_licence(user, expires_in_days=10)
    renewal = make_licence(user, status=PENDING, expires_in_days=400)
    assert current_licence(user) == old  # a pending renewal changes nothing yet
    approve_licence(admin, renewal.id, now=NOW)
    assert current_licence(user) == renewal
    assert old.status == LicenceStatus.APPROVED  # superseded, not rewritten
    # Revoking the superseded licence leaves the renewal in force.
    revoke_licence(admin, old.id, reason="Replaced.", now=NOW)
    assert current_licence(user) == renewal


def test_revoking_the_newest_licence_ends_the_right_to_buy_even_with_an_older_one(app):
    admin = make_admin()
    user = make_user()
    make_licence(user, expires_in_days=100)
    newest = make_licence(user, status=PENDING)
    approve_licence(admin, newest.id, now=NOW)
    revoke_licence(admin, newest.id, reason="Forged scan.", now=NOW)
    assert current_licence(user) is None
    assert latest_licence(user) == newest


def test_a_rejected_renewal_leaves_the_approved_licence_current(app):
    user = make_user()
    approved = make_licence(user)
    renewal = make_licence(user, status=PENDING)
    reject_licence(make_admin(), renewal.id, reason="Blurred.", now=NOW)
    assert current_licence(user) == approved
    assert latest_licence(user) == renewal


def test_a_licence_past_its_date_is_not_current_before_the_job_runs(app):
    user = make_user()
    licence = make_licence(user, expires_in_days=0)
    today = utcnow().date()
    assert current_licence(user, today=today) == licence  # valid through its expiry date
    assert current_licence(user, today=today + timedelta(days=1)) is None
    assert licence.status == LicenceStatus.APPROVED


def test_the_history_keeps_every_submission_newest_first(app):
    user = make_user()
    first = make_licence(user, status=LicenceStatus.REJECTED)
    second = make_licence(user, status=LicenceStatus.EXPIRED)
    third = make_licence(user, status=PENDING)
    assert licence_history(user) == [third, second, first]
    assert current_licence(user) is None and latest_licence(user) == third
    assert licence_history(make_user()) == [] and latest_licence(make_user()) is None
