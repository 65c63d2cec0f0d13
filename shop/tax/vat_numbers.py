"""Buyers' VAT numbers: checked for form and check digit with python-stdnum when given,
confirmed or refused by an administrator afterwards (the online VIES check cannot be
reached from here). A number that is not refused earns the EU reverse charge where
the rule in ``services`` says so; the buyer is told the shop will confirm it.
Services flush and never commit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from stdnum.util import clean

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.database import lock_row, utcnow
from shop.extensions import db
from shop.licensing.countries import country_name
from shop.mail.services import external_url, queue_mail
from shop.tax.enums import VatNumberStatus
from shop.tax.errors import TaxError
from shop.tax.models import VatNumber

SUBJECT_TYPE = "vat_number"
# python-stdnum names member states by their VAT prefix; Greece's is EL, Northern
# Ireland's XI (goods sold there are taxed as in the EU).
_PREFIX_COUNTRY = {"EL": "GR", "XI": "GB"}


def check_vat_number(text: str) -> tuple[str, str]:
    """(ISO country, compact number) of an EU VAT number, or ``TaxError`` saying why not."""
    compact = clean(text or "", " -./,").upper().strip()
    if not compact:
        raise TaxError(
            TaxError.INVALID_VAT_NUMBER,
            "Enter the VAT number with its country prefix, such as FR40303265045.",
            field="vat_number",
        )
    prefix = compact[:2]
    country = _PREFIX_COUNTRY.get(prefix, prefix)
    where = (
        f"a {country_name(country)} VAT number" if prefix.lower() in eu_vat.MEMBER_STATES else ""
    )
    try:
        eu_vat.validate(compact)
    except InvalidComponent:
        message = (
            f"{compact[:2]!r} is not the prefix of an EU member state: a VAT number begins "
            "with its country's letters, such as FR, DE or IE."
        )
    except InvalidLength:
        message = f"This is not as long as {where} is: check the digits."
    except InvalidFormat:
        message = f"This is not written as {where} is: check the letters and digits."
    except InvalidChecksum:
        message = (
            f"The check digits of this number do not match, so it is not {where}: "
            "look for a typing slip."
        )
    except ValidationError:
        message = "This is not a valid EU VAT number."
    else:
        return country, compact
    raise TaxError(TaxError.INVALID_VAT_NUMBER, message, field="vat_number")


def find_vat_number(user: User) -> VatNumber | None:
    return db.session.scalar(select(VatNumber).where(VatNumber.user_id == user.id))


def set_vat_number(user: User, text: str, *, now: datetime | None = None) -> VatNumber:
    """The account's VAT number, checked in form; a new number waits for the shop again."""
    country, number = check_vat_number(text)
    row = find_vat_number(user)
    before = f"{row.number} ({row.status})" if row else ""
    if row is not None and row.number == number:
        return row
    if row is None:
        row = VatNumber(user_id=user.id, country=country, number=number)
        db.session.add(row)
    row.country, row.number = country, number
    row.status = VatNumberStatus.UNVERIFIED
    row.submitted_at = now or utcnow()
    row.reviewer_id, row.decided_at, row.reason = None, None, ""
    db.session.flush()
    record_event(
        actor=user,
        action="vat_number.submit",
        subject_type=SUBJECT_TYPE,
        subject_id=row.id,
        from_state=before,
        to_state=f"{number} ({row.status})",
    )
    return row


def remove_vat_number(user: User) -> None:
    row = find_vat_number(user)
    if row is None:
        raise TaxError(TaxError.VAT_NUMBER_NOT_FOUND, "Your account has no VAT number.", status=404)
    record_event(
        actor=user,
        action="vat_number.remove",
        subject_type=SUBJECT_TYPE,
        subject_id=row.id,
        from_state=f"{row.number} ({row.status})",
    )
    db.session.delete(row)
    db.session.flush()


def list_vat_numbers(status: VatNumberStatus | None = None) -> list[VatNumber]:
    query = select(VatNumber).order_by(VatNumber.submitted_at.desc(), VatNumber.id.desc())
    if status is not None:
        query = query.where(VatNumber.status == status)
    return list(db.session.scalars(query))


def _decide(
    reviewer: User,
    vat_number_id: int,
    to_status: VatNumberStatus,
    reason: str,
    now: datetime | None,
) -> VatNumber:
    reason = reason.strip()
    if to_status == VatNumberStatus.REJECTED and not reason:
        raise TaxError(
            TaxError.REASON_REQUIRED,
            "Give the reason: the buyer will read it.",
            field="reason",
        )
    row = lock_row(VatNumber, vat_number_id)
    if row is None:
        raise TaxError(TaxError.VAT_NUMBER_NOT_FOUND, "There is no such VAT number.", status=404)
    if row.status == to_status:
        raise TaxError(
            TaxError.ALREADY_DECIDED,
            f"VAT number {row.number} is already {to_status.label.lower()}. Nothing was changed.",
            status=409,
        )
    before = row.status
    row.status, row.reviewer_id, row.decided_at, row.reason = (
        to_status,
        reviewer.id,
        now or utcnow(),
        reason,
    )
    db.session.flush()
    record_event(
        actor=reviewer,
        action=f"vat_number.{'verify' if to_status == VatNumberStatus.VERIFIED else 'reject'}",
        subject_type=SUBJECT_TYPE,
        subject_id=row.id,
        from_state=before,
        to_state=to_status,
        reason=reason,
    )
    template = (
        "vat_number_verified" if to_status == VatNumberStatus.VERIFIED else "vat_number_rejected"
    )
    subject = (
        "Your VAT number is confirmed"
        if to_status == VatNumberStatus.VERIFIED
        else "Your VAT number was not accepted"
    )
    queue_mail(
        row.user.email,
        subject,
        template,
        user=row.user,
        vat_number=row,
        tax_url=external_url("tax.settings"),
    )
    return row


def verify_vat_number(reviewer: User, vat_number_id: int, *, now: datetime | None = None):
    """The shop confirms the number (as VIES would)."""
    return _decide(reviewer, vat_number_id, VatNumberStatus.VERIFIED, "", now)


def reject_vat_number(
    reviewer: User, vat_number_id: int, *, reason: str, now: datetime | None = None
):
    """The shop refuses the number: VAT is charged again, and the buyer is told why."""
    return _decide(reviewer, vat_number_id, VatNumberStatus.REJECTED, reason, now)
