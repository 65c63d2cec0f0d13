"""Licences: submission, the administrators' decisions, and which licence counts.

Services flush and never commit: the caller (view, CLI command, worker job) is
the transaction.

Which licence counts. A professional keeps every licence they ever submitted
(the history). The one that lets them buy, ``current_licence``, is the newest
submission that an administrator ever approved, provided it is still approved
and its expiry date has not passed. So approving a renewal supersedes the
licence before it without touching that row, and revoking the newest approved
licence ends the right to buy even while an older one is unexpired. Submissions
are ordered by time: only one may be pending at once, so the newest approved
submission is also the last one approved. A licence is valid through its expiry
date and expired from the next day (UTC), whether or not ``expire_licences``
(shop.licensing.expiry) has run yet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from flask import current_app, has_request_context, url_for
from sqlalchemy import Select, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from shop.accounts.models import User
from shop.audit.models import AuditEvent
from shop.audit.services import record_event
from shop.catalog.enums import Profession
from shop.database import lock_row, utcnow
from shop.extensions import db
from shop.licensing.countries import is_country
from shop.licensing.documents import UploadedDocument
from shop.licensing.enums import LicenceStatus
from shop.licensing.errors import LicenceError
from shop.licensing.models import Licence, LicenceDocument
from shop.licensing.npi import npi_problem
from shop.mail.services import queue_mail

SUBJECT_TYPE = "licence"
# Statuses of licences an administrator once approved: the newest of them decides.
EVER_APPROVED = (LicenceStatus.APPROVED, LicenceStatus.REVOKED, LicenceStatus.EXPIRED)
_NEWEST_FIRST = (Licence.submitted_at.desc(), Licence.id.desc())


def utc_today(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(UTC).date()


# Reading -----------------------------------------------------------------------


def is_past_expiry(licence: Licence, today: date) -> bool:
    return licence.expires_on < today


def effective_status(licence: Licence, today: date) -> LicenceStatus:
    """The status as the professional lives it: approved but past its date is expired."""
    if licence.status == LicenceStatus.APPROVED and is_past_expiry(licence, today):
        return LicenceStatus.EXPIRED
    return licence.status


def licence_history(user: User) -> list[Licence]:
    """Every licence the user submitted, newest first."""
    return list(
        db.session.scalars(
            select(Licence).where(Licence.user_id == user.id).order_by(*_NEWEST_FIRST)
        )
    )


def latest_licence(user: User) -> Licence | None:
    """The user's newest submission, whatever its status (None when there is none)."""
    return db.session.scalar(
        select(Licence).where(Licence.user_id == user.id).order_by(*_NEWEST_FIRST).limit(1)
    )


def _newest_ever_approved(user_id: int) -> Licence | None:
    return db.session.scalar(
        select(Licence)
        .where(Licence.user_id == user_id, Licence.status.in_(EVER_APPROVED))
        .order_by(*_NEWEST_FIRST)
        .limit(1)
    )


def is_superseded(licence: Licence) -> bool:
    """True when a newer licence of the same professional was approved after it."""
    newest = _newest_ever_approved(licence.user_id)
    return newest is not None and newest.id != licence.id


def current_licence(user: User, *, today: date | None = None) -> Licence | None:
    """The licence that lets the user buy today, or None (see the module's rule)."""
    licence = _newest_ever_approved(user.id)
    if licence is None or effective_status(licence, today or utc_today()) != LicenceStatus.APPROVED:
        return None
    return licence


def find_pending_licence(user: User) -> Licence | None:
    return db.session.scalar(
        select(Licence).where(Licence.user_id == user.id, Licence.status == LicenceStatus.PENDING)
    )


@dataclass(frozen=True)
class LicenceSummary:
    """What the licence page and the account page show: the standing and the history."""

    today: date
    current: Licence | None
    latest: Licence | None
    history: list[Licence] = field(default_factory=list)

    @property
    def pending(self) -> Licence | None:
        return self.latest if self.latest and self.latest.status == LicenceStatus.PENDING else None

    @property
    def may_submit(self) -> bool:
        return self.pending is None

    @property
    def latest_status(self) -> LicenceStatus | None:
        return effective_status(self.latest, self.today) if self.latest else None

    def status_of(self, licence: Licence) -> LicenceStatus:
        return effective_status(licence, self.today)


def licence_summary(user: User, *, today: date | None = None) -> LicenceSummary:
    today = today or utc_today()
    history = licence_history(user)
    return LicenceSummary(
        today=today,
        current=current_licence(user, today=today),
        latest=history[0] if history else None,
        history=history,
    )


def latest_licence_statuses(user_ids: list[int], today: date) -> dict[int, LicenceStatus]:
    """Each user's newest submission's status as they live it, in one query (for lists).

    Users without a licence are absent from the answer.
    """
    if not user_ids:
        return {}
    newest = (
        select(
            Licence.user_id,
            Licence.status,
            Licence.expires_on,
            func.row_number()
            .over(partition_by=Licence.user_id, order_by=_NEWEST_FIRST)
            .label("rank"),
        )
        .where(Licence.user_id.in_(user_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(newest.c.user_id, newest.c.status, newest.c.expires_on).where(newest.c.rank == 1)
    )
    statuses = {}
    for user_id, status, expires_on in rows:
        status = LicenceStatus(status)
        past = status == LicenceStatus.APPROVED and expires_on < today
        statuses[user_id] = LicenceStatus.EXPIRED if past else status
    return statuses


def find_licence_for_viewer(licence_id: int, viewer: User) -> Licence | None:
    """The licence with its document's bytes, if ``viewer`` owns it or is an administrator.

    Anyone else gets None, as for a licence that does not exist, so an outsider
    learns nothing from the answer.
    """
    licence = db.session.get(Licence, licence_id)
    if licence is None or not (viewer.is_admin or licence.user_id == viewer.id):
        return None
    db.session.scalar(
        select(LicenceDocument)
        .where(LicenceDocument.id == licence.document_id)
        .options(undefer(LicenceDocument.data))
    )
    return licence


def count_licences_by_status() -> dict[LicenceStatus, int]:
    """How many licences are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(LicenceStatus, 0)
    rows = db.session.execute(select(Licence.status, func.count()).group_by(Licence.status))
    counts.update({status: count for status, count in rows})
    return counts


def licence_queue(status: LicenceStatus | None = None) -> Select:
    """The administrators' queue: pending licences first, oldest first; filtered by status."""
    statement = select(Licence).order_by(
        case((Licence.status == LicenceStatus.PENDING, 0), else_=1),
        Licence.submitted_at,
        Licence.id,
    )
    if status is not None:
        statement = statement.where(Licence.status == status)
    return statement


def list_licence_events(licence: Licence) -> list[AuditEvent]:
    """The licence's audit trail, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_type == SUBJECT_TYPE, AuditEvent.subject_id == licence.id)
            .order_by(AuditEvent.created_at, AuditEvent.id)
        )
    )


# Submitting ----------------------------------------------------------------------


def submit_licence(
    user: User,
    *,
    profession: Profession,
    licence_number: str,
    country: str,
    region: str,
    expires_on: date,
    npi: str | None,
    document: UploadedDocument,
    today: date,
) -> Licence:
    """Record a submission waiting for review, with its document.

    Refuses with a ``LicenceError`` (its ``field`` names the form field) before
    anything is written; a second pending submission is refused whether the check
    or, in a race, the database's partial unique index finds it.
    """
    if not user.email_confirmed:
        raise LicenceError(
            LicenceError.EMAIL_NOT_CONFIRMED,
            "Confirm your e-mail address first: follow the link we sent you.",
            status=403,
        )
    if find_pending_licence(user) is not None:
        raise _already_pending()
    country = country.strip().upper()
    if not is_country(country):
        raise LicenceError(
            LicenceError.UNKNOWN_COUNTRY,
            "Choose the country that issued the licence.",
            field="country",
        )
    if expires_on <= today:
        raise LicenceError(
            LicenceError.EXPIRY_NOT_IN_FUTURE,
            "The expiry date must be in the future: an expired licence cannot be accepted.",
            field="expires_on",
        )
    npi = (npi or "").strip() or None
    if country == "US":
        if npi is None:
            raise LicenceError(
                LicenceError.NPI_REQUIRED,
                "A licence issued in the United States needs your NPI (10 digits).",
                field="npi",
            )
        problem = npi_problem(npi)
        if problem:
            raise LicenceError(LicenceError.NPI_INVALID, problem, field="npi")
    elif npi is not None:
        raise LicenceError(
            LicenceError.NPI_NOT_ALLOWED,
            "An NPI is only for licences issued in the United States: leave it empty.",
            field="npi",
        )

    licence = Licence(
        user_id=user.id,
        profession=profession,
        licence_number=licence_number.strip(),
        country=country,
        region=region.strip(),
        expires_on=expires_on,
        npi=npi,
        document=LicenceDocument.of(document.filename, document.content_type, document.data),
        status=LicenceStatus.PENDING,
    )
    try:
        # A savepoint, so losing the race to the unique index leaves the caller's
        # transaction usable and neither the licence nor its document behind.
        with db.session.begin_nested():
            db.session.add(licence)
            db.session.flush()
    except IntegrityError:
        if find_pending_licence(user) is None:
            raise
        raise _already_pending() from None
    return licence


def _already_pending() -> LicenceError:
    return LicenceError(
        LicenceError.ALREADY_PENDING,
        "You already have a licence waiting for review. We will e-mail you when it is "
        "decided; you can submit another after that.",
        status=409,
    )


# Deciding ------------------------------------------------------------------------


def licence_page_url() -> str | None:
    """The licence page's full address for a mail, or None where none can be built.

    A mail queued during a request takes the address from it; the worker has no
    request, and builds one only when SERVER_NAME is configured.
    """
    if has_request_context() or current_app.config.get("SERVER_NAME"):
        return url_for("licensing.licence", _external=True)
    return None


def mail_professional(licence: Licence, subject: str, template: str, **context) -> None:
    queue_mail(
        licence.user.email,
        subject,
        template,
        user=licence.user,
        licence=licence,
        licence_url=licence_page_url(),
        **context,
    )


def _lock_licence(licence_id: int) -> Licence:
    """Read the licence under a row lock, fresh from the database.

    A second administrator deciding the same licence waits here until the first
    commits, then sees the status the first one set.
    """
    licence = lock_row(Licence, licence_id)
    if licence is None:
        raise LicenceError(LicenceError.NOT_FOUND, "There is no such licence.", status=404)
    return licence


def _already_decided(licence: Licence) -> LicenceError:
    by = f" by {licence.reviewer.name}" if licence.reviewer is not None else ""
    return LicenceError(
        LicenceError.ALREADY_DECIDED,
        f"This licence was already decided{by}: it is {licence.status.label.lower()}. "
        "Nothing was changed.",
        status=409,
    )


@dataclass(frozen=True)
class _Decision:
    action: str  # the audit action is "licence.<action>"
    from_status: LicenceStatus
    to_status: LicenceStatus
    mail_subject: str
    mail_template: str
    reason_for: str | None = None  # what the required reason explains; None: optional


_APPROVE = _Decision(
    action="approve",
    from_status=LicenceStatus.PENDING,
    to_status=LicenceStatus.APPROVED,
    mail_subject="Your licence is approved",
    mail_template="licence_approved",
)
_REJECT = _Decision(
    action="reject",
    from_status=LicenceStatus.PENDING,
    to_status=LicenceStatus.REJECTED,
    mail_subject="Your licence was not accepted",
    mail_template="licence_rejected",
    reason_for="rejection",
)
_REVOKE = _Decision(
    action="revoke",
    from_status=LicenceStatus.APPROVED,
    to_status=LicenceStatus.REVOKED,
    mail_subject="Your licence was revoked",
    mail_template="licence_revoked",
    reason_for="revocation",
)


def _decide(
    reviewer: User, licence_id: int, decision: _Decision, reason: str, now: datetime | None
) -> Licence:
    """Lock the licence, check the transition, record it, audit it, mail the professional."""
    reason = reason.strip()
    if decision.reason_for and not reason:
        raise LicenceError(
            LicenceError.REASON_REQUIRED,
            f"Give the reason for the {decision.reason_for}: the professional will read it.",
            field="reason",
        )
    licence = _lock_licence(licence_id)
    if licence.status != decision.from_status:
        if decision.from_status == LicenceStatus.PENDING or licence.status == decision.to_status:
            raise _already_decided(licence)
        raise LicenceError(
            LicenceError.NOT_APPROVED,
            f"Only an approved licence can be {decision.to_status.label.lower()}; "
            f"this one is {licence.status.label.lower()}.",
            status=409,
        )
    from_status = licence.status
    licence.status = decision.to_status
    licence.reviewer_id = reviewer.id
    licence.decided_at = now or utcnow()
    licence.reason = reason
    record_event(
        actor=reviewer,
        action=f"licence.{decision.action}",
        subject_type=SUBJECT_TYPE,
        subject_id=licence.id,
        from_state=from_status,
        to_state=decision.to_status,
        reason=reason,
    )
    mail_professional(licence, decision.mail_subject, decision.mail_template)
    return licence


def approve_licence(
    reviewer: User, licence_id: int, *, reason: str = "", now: datetime | None = None
) -> Licence:
    """Pending → approved; supersedes the professional's earlier approved licence."""
    return _decide(reviewer, licence_id, _APPROVE, reason, now)


def reject_licence(
    reviewer: User, licence_id: int, *, reason: str, now: datetime | None = None
) -> Licence:
    """Pending → rejected, with the reason the professional will read."""
    return _decide(reviewer, licence_id, _REJECT, reason, now)


def revoke_licence(
    reviewer: User, licence_id: int, *, reason: str, now: datetime | None = None
) -> Licence:
    """Approved → revoked, with the reason the professional will read."""
    return _decide(reviewer, licence_id, _REVOKE, reason, now)
