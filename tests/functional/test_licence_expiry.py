"""Licences expire after their date, with an audit event and a mail; a reminder goes once, 30 days before."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine
from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus
from shop.licensing.expiry import expire_licences
from shop.licensing.services import current_licence
from shop.mail.models import OutboxMessage
from tests.factories import make_licence, make_user

START = datetime(2027, 1, 10, 9, 0, tzinfo=UTC)


def subjects(user) -> list[str]:
    return list(
        db.session.scalars(
            select(OutboxMessage.subject)
            .where(OutboxMessage.to_address == user.email)
            .order_by(OutboxMessage.id)
        )
    )


def licence_expiring_on(user, day: date, **kw):
    # Made on START's day, so "expires in N days" is counted from there.
    return make_licence(user, expires_in_days=(day - START.date()).days, **kw)


@time_machine.travel(START, tick=False)
def test_a_licence_past_its_date_is_expired_with_an_audit_event_and_a_mail(app):
    user = make_user()
    licence = licence_expiring_on(user, date(2027, 3, 3))
    with time_machine.travel(datetime(2027, 3, 3, 23, 59, tzinfo=UTC), tick=False):
        report = expire_licences(utcnow())  # its last valid day
        assert report.expired == [] and licence.status == LicenceStatus.APPROVED
    with time_machine.travel(datetime(2027, 3, 4, 0, 1, tzinfo=UTC), tick=False):
        report = expire_licences(utcnow())
    assert report.expired == [licence.id]
    assert licence.status == LicenceStatus.EXPIRED
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.subject_id == licence.id))
    assert (event.actor_id, event.action) == (None, "licence.expire")
    assert (event.from_state, event.to_state) == ("approved", "expired")
    assert "Your licence has expired" in subjects(user)
    body = db.session.scalars(select(OutboxMessage.body_text)).all()[-1]
    assert "expired on 3 March 2027" in body


@time_machine.travel(START, tick=False)
def test_the_reminder_goes_once_thirty_days_before(app):
    user = make_user()
    licence = licence_expiring_on(user, date(2027, 3, 3))
    with time_machine.travel(datetime(2027, 1, 31, 23, 59, tzinfo=UTC), tick=False):
        assert expire_licences(utcnow()).reminded == []  # 31 days before
    # 1 February 2027 is 30 days before 3 March (February has 28 days).
    with time_machine.travel(datetime(2027, 2, 1, 6, tzinfo=UTC), tick=False):
        first = expire_licences(utcnow())
    assert first.reminded == [licence.id]
    assert licence.reminder_sent_at == datetime(2027, 2, 1, 6, tzinfo=UTC)
    for day in (2, 20):
        with time_machine.travel(datetime(2027, 2, day, tzinfo=UTC), tick=False):
            assert expire_licences(utcnow()).reminded == []
    assert subjects(user) == ["Your licence expires soon"]
    body = db.session.scalars(select(OutboxMessage.body_text)).one()
    assert "expires on 3 March 2027" in body


@time_machine.travel(START, tick=False)
def test_no_reminder_when_a_renewal_is_waiting_or_approved(app):
    waiting = make_user()
    old = licence_expiring_on(waiting, date(2027, 1, 20))
    make_licence(waiting, status=LicenceStatus.PENDING)
    renewed = make_user()
    superseded = licence_expiring_on(renewed, date(2027, 1, 25))
    licence_expiring_on(renewed, date(2028, 1, 25))
    report = expire_licences(utcnow())
    assert report.reminded == []
    assert old.reminder_sent_at is None and superseded.reminder_sent_at is None
    assert subjects(waiting) == [] and subjects(renewed) == []


@time_machine.travel(START, tick=False)
def test_a_superseded_licence_expires_quietly(app):
    user = make_user()
    superseded = licence_expiring_on(user, date(2027, 1, 5))
    renewal = licence_expiring_on(user, date(2028, 1, 5))
    report = expire_licences(utcnow())
    assert report.expired == [superseded.id]
    assert subjects(user) == []
    assert current_licence(user) == renewal


@time_machine.travel(START, tick=False)
def test_only_approved_licences_expire(app):
    user = make_user()
    rejected = make_licence(user, status=LicenceStatus.REJECTED, expires_in_days=-5)
    revoked = make_licence(user, status=LicenceStatus.REVOKED, expires_in_days=-5)
    assert expire_licences(utcnow()).expired == []
    assert (rejected.status, revoked.status) == (LicenceStatus.REJECTED, LicenceStatus.REVOKED)


@time_machine.travel(START, tick=False)
def test_the_command_runs_the_job_in_one_transaction_and_says_what_it_did(app, runner):
    user = make_user()
    gone = make_licence(user, expires_in_days=-1)
    soon = make_licence(make_user(), expires_in_days=10)
    result = runner.invoke(args=["shop", "expire-licences"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"expire-licences: expired 1 licence(s) ({gone.id}), sent 1 reminder(s) ({soon.id})\n"
    )
    db.session.expire_all()
    assert gone.status == LicenceStatus.EXPIRED and soon.reminder_sent_at is not None
    again = runner.invoke(args=["shop", "expire-licences"])
    assert again.output == "expire-licences: nothing to do\n"


@time_machine.travel(START, tick=False)
def test_the_professional_sees_the_expiry_at_once_before_the_job(client, login):
    user = make_user()
    licence_expiring_on(user, date(2027, 1, 9))  # past its date, still "approved" in the row
    login(user)
    html = client.get("/licence").get_data(as_text=True)
    assert "Your licence expired on 9 January 2027." in html
    assert "Upload a renewal" in html
