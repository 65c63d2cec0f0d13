"""US resale and exemption certificates: a buyer uploads one for a state, with its
number and expiry (a PDF or an image, judged by its content like a licence scan); an
administrator approves or rejects it, with an audit event and a mail, as for licences.
While one is approved and unexpired, orders shipped to its state are exempt.
Services flush and never commit.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.database import lock_row, utcnow
from shop.extensions import db
from shop.licensing.documents import UploadedDocument
from shop.licensing.regions import region_code, region_name
from shop.mail.services import external_url, queue_mail
from shop.tax.enums import CertificateKind, CertificateStatus
from shop.tax.errors import TaxError
from shop.tax.models import ExemptionCertificate
from shop.templating import format_date

SUBJECT_TYPE = "exemption_certificate"
CERTIFICATE_COUNTRY = "US"


def submit_certificate(
    user: User,
    *,
    kind: CertificateKind | str,
    region: str,
    number: str,
    expires_on: date,
    document: UploadedDocument,
    today: date,
) -> ExemptionCertificate:
    """A new certificate waiting for review; an expired one, or one for no state, is refused."""
    state = region_code(CERTIFICATE_COUNTRY, region or "")
    if not region or state is None:
        raise TaxError(
            TaxError.UNKNOWN_REGION, "Choose the state it was issued for.", field="region"
        )
    number = " ".join((number or "").split())
    if not number:
        raise TaxError(
            TaxError.INVALID_CERTIFICATE, "Enter the certificate's number.", field="number"
        )
    if expires_on < today:
        raise TaxError(
            TaxError.CERTIFICATE_EXPIRED,
            f"This certificate expired on {format_date(expires_on)}: upload a current one.",
            field="expires_on",
        )
    certificate = ExemptionCertificate(
        user_id=user.id,
        kind=CertificateKind(kind),
        country=CERTIFICATE_COUNTRY,
        region=state,
        number=number[:64],
        expires_on=expires_on,
        filename=document.filename,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        data=document.data,
    )
    db.session.add(certificate)
    db.session.flush()
    record_event(
        actor=user,
        action="exemption_certificate.submit",
        subject_type=SUBJECT_TYPE,
        subject_id=certificate.id,
        to_state=CertificateStatus.PENDING,
        reason=f"{region_name(CERTIFICATE_COUNTRY, state)}, {number}",
    )
    return certificate


def certificates_of(user: User) -> list[ExemptionCertificate]:
    return list(
        db.session.scalars(
            select(ExemptionCertificate)
            .where(ExemptionCertificate.user_id == user.id)
            .order_by(ExemptionCertificate.submitted_at.desc(), ExemptionCertificate.id.desc())
        )
    )


def list_certificates(status: CertificateStatus | None = None) -> list[ExemptionCertificate]:
    query = select(ExemptionCertificate).order_by(
        ExemptionCertificate.submitted_at.desc(), ExemptionCertificate.id.desc()
    )
    if status is not None:
        query = query.where(ExemptionCertificate.status == status)
    return list(db.session.scalars(query))


def find_certificate_for_viewer(certificate_id: int, viewer: User) -> ExemptionCertificate | None:
    certificate = db.session.get(ExemptionCertificate, certificate_id)
    if certificate is None or not (certificate.user_id == viewer.id or viewer.is_admin):
        return None
    return certificate


def _decide(
    reviewer: User,
    certificate_id: int,
    to_status: CertificateStatus,
    reason: str,
    now: datetime | None,
) -> ExemptionCertificate:
    reason = reason.strip()
    if to_status == CertificateStatus.REJECTED and not reason:
        raise TaxError(
            TaxError.REASON_REQUIRED,
            "Give the reason for the rejection: the buyer will read it.",
            field="reason",
        )
    certificate = lock_row(ExemptionCertificate, certificate_id)
    if certificate is None:
        raise TaxError(TaxError.CERTIFICATE_NOT_FOUND, "There is no such certificate.", status=404)
    if certificate.status != CertificateStatus.PENDING:
        raise TaxError(
            TaxError.ALREADY_DECIDED,
            f"This certificate was already decided: it is {certificate.status.label.lower()}. "
            "Nothing was changed.",
            status=409,
        )
    certificate.status = to_status
    certificate.reviewer_id = reviewer.id
    certificate.decided_at = now or utcnow()
    certificate.reason = reason
    db.session.flush()
    approved = to_status == CertificateStatus.APPROVED
    record_event(
        actor=reviewer,
        action=f"exemption_certificate.{'approve' if approved else 'reject'}",
        subject_type=SUBJECT_TYPE,
        subject_id=certificate.id,
        from_state=CertificateStatus.PENDING,
        to_state=to_status,
        reason=reason,
    )
    queue_mail(
        certificate.user.email,
        "Your tax exemption certificate is approved"
        if approved
        else "Your tax exemption certificate was not accepted",
        "certificate_approved" if approved else "certificate_rejected",
        user=certificate.user,
        certificate=certificate,
        state=region_name(certificate.country, certificate.region),
        expires=format_date(certificate.expires_on),
        tax_url=external_url("tax.settings"),
    )
    return certificate


def approve_certificate(reviewer: User, certificate_id: int, *, reason: str = "", now=None):
    return _decide(reviewer, certificate_id, CertificateStatus.APPROVED, reason, now)


def reject_certificate(reviewer: User, certificate_id: int, *, reason: str, now=None):
    return _decide(reviewer, certificate_id, CertificateStatus.REJECTED, reason, now)
