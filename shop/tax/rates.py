"""The tax rates table, as administrators keep it.

A rate is for one place (a country, or one region of it where addresses name regions
from a list: US states, Canadian provinces) and one product tax class, from a first
day to a last day (or until further notice). Refused, with the field's reason: an
unknown country or region, a negative rate or one over 100 %, dates out of order, and
dates that overlap another rate of the same place and class. One exception makes
changing a rate easy: a new rate that starts after an open-ended one ends the older
one on the day before, if the older one has not been used by an order or the new one
starts tomorrow or later (orders keep the rate they were priced at).

A rate used by an order (``used_at``) is never edited or deleted: add a new one. Every
change is an audit event. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import or_, select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.enums import TaxClass
from shop.database import lock_row
from shop.extensions import db
from shop.licensing.countries import country_name, is_country
from shop.licensing.regions import region_choices, region_code
from shop.tax.errors import TaxError
from shop.tax.models import TaxRate
from shop.tax.seller import tax_name
from shop.tax.services import place_name, rate_label
from shop.templating import format_date

SUBJECT_TYPE = "tax_rate"
MAX_RATE = Decimal(100)


@dataclass(frozen=True)
class RateFields:
    country: str
    region: str
    tax_class: TaxClass | str
    rate: Decimal | str
    valid_from: date
    valid_to: date | None = None


def describe(rate: TaxRate) -> str:
    """'Ireland, standard rate: VAT 23% from 1 January 2026': for the audit trail."""
    until = f" to {format_date(rate.valid_to)}" if rate.valid_to else ""
    return (
        f"{place_name(rate.country, rate.region)}, {TaxClass(rate.tax_class).label.lower()}: "
        f"{rate_label(tax_name(rate.country), rate.rate)} from {format_date(rate.valid_from)}{until}"
    )


def _checked(fields: RateFields) -> RateFields:
    country = (fields.country or "").strip().upper()
    if not is_country(country):
        raise TaxError(TaxError.UNKNOWN_COUNTRY, "Choose a country from the list.", field="country")
    region = " ".join((fields.region or "").split())
    if region:
        if not region_choices(country):
            raise TaxError(
                TaxError.UNKNOWN_REGION,
                f"{country_name(country)} has no list of regions: keep its rate for the "
                "whole country (leave the region empty).",
                field="region",
            )
        code = region_code(country, region)
        if code is None:
            raise TaxError(
                TaxError.UNKNOWN_REGION,
                f"{region!r} is not a region of {country_name(country)}.",
                field="region",
            )
        region = code
    try:
        tax_class = TaxClass(fields.tax_class)
    except ValueError:
        raise TaxError(
            TaxError.INVALID_RATE, "Choose standard, reduced or zero.", field="tax_class"
        ) from None
    try:
        rate = Decimal(str(fields.rate).strip().rstrip("%").strip())
    except InvalidOperation:
        raise TaxError(
            TaxError.INVALID_RATE,
            "Give the rate as a number of per cent, such as 23 or 13.5.",
            field="rate",
        ) from None
    if not rate.is_finite():
        raise TaxError(TaxError.INVALID_RATE, "Give the rate as a number.", field="rate")
    if rate < 0:
        raise TaxError(TaxError.NEGATIVE_RATE, "A tax rate cannot be negative.", field="rate")
    if rate > MAX_RATE:
        raise TaxError(TaxError.INVALID_RATE, "A tax rate is at most 100 %.", field="rate")
    if rate != rate.quantize(Decimal("0.001")):
        raise TaxError(
            TaxError.INVALID_RATE, "Give the rate with at most three decimals.", field="rate"
        )
    if fields.valid_to is not None and fields.valid_to < fields.valid_from:
        raise TaxError(
            TaxError.INVALID_RATE,
            "The last day cannot come before the first.",
            field="valid_to",
        )
    return RateFields(country, region, tax_class, rate, fields.valid_from, fields.valid_to)


def _overlapping(fields: RateFields, exclude_id: int | None) -> list[TaxRate]:
    query = (
        select(TaxRate)
        .where(
            TaxRate.country == fields.country,
            TaxRate.region == fields.region,
            TaxRate.tax_class == fields.tax_class,
            or_(TaxRate.valid_to.is_(None), TaxRate.valid_to >= fields.valid_from),
        )
        .order_by(TaxRate.id)
        .with_for_update()
    )
    if fields.valid_to is not None:
        query = query.where(TaxRate.valid_from <= fields.valid_to)
    if exclude_id is not None:
        query = query.where(TaxRate.id != exclude_id)
    return list(db.session.scalars(query))


def _closable(older: TaxRate, fields: RateFields, today: date) -> bool:
    """An open-ended rate that a new one may end the day before it starts."""
    return (
        older.valid_to is None
        and older.valid_from < fields.valid_from
        and (older.used_at is None or fields.valid_from > today)
    )


def _refuse_overlap(clash: TaxRate) -> TaxError:
    return TaxError(
        TaxError.OVERLAPPING_RATE,
        f"These dates overlap another rate of the same place and class ({describe(clash)}). "
        "Choose dates outside it, or end it first.",
        field="valid_from",
    )


def _make_room(fields: RateFields, exclude_id: int | None, actor: User | None, today: date) -> None:
    for clash in _overlapping(fields, exclude_id):
        if not _closable(clash, fields, today):
            raise _refuse_overlap(clash)
        clash.valid_to = fields.valid_from - timedelta(days=1)
        record_event(
            actor=actor,
            action="tax_rate.end",
            subject_type=SUBJECT_TYPE,
            subject_id=clash.id,
            from_state="open-ended",
            to_state=f"to {clash.valid_to.isoformat()}",
            reason=f"{describe(clash)}: ended by the rate that follows it",
        )


def add_rate(actor: User | None, fields: RateFields, *, today: date) -> TaxRate:
    """A new rate; an open-ended one it follows ends the day before it starts."""
    fields = _checked(fields)
    _make_room(fields, None, actor, today)
    rate = TaxRate(
        country=fields.country,
        region=fields.region,
        tax_class=fields.tax_class,
        rate=fields.rate,
        valid_from=fields.valid_from,
        valid_to=fields.valid_to,
    )
    db.session.add(rate)
    db.session.flush()
    record_event(
        actor=actor,
        action="tax_rate.add",
        subject_type=SUBJECT_TYPE,
        subject_id=rate.id,
        to_state=f"{rate.rate}%",
        reason=describe(rate),
    )
    return rate


def _unused(rate_id: int, doing: str) -> TaxRate:
    rate = lock_row(TaxRate, rate_id)
    if rate is None:
        raise TaxError(TaxError.RATE_NOT_FOUND, "There is no such tax rate.", status=404)
    if rate.used_at is not None:
        raise TaxError(
            TaxError.RATE_IN_USE,
            f"Orders were priced at this rate, so it cannot be {doing}: add a new rate "
            "from the day the change applies.",
            status=409,
        )
    return rate


def change_rate(actor: User, rate_id: int, fields: RateFields, *, today: date) -> TaxRate:
    """Correct a rate no order has used."""
    rate = _unused(rate_id, "changed")
    fields = _checked(fields)
    for clash in _overlapping(fields, rate.id):
        raise _refuse_overlap(clash)
    before, before_rate = describe(rate), f"{rate.rate}%"
    rate.country, rate.region, rate.tax_class = fields.country, fields.region, fields.tax_class
    rate.rate, rate.valid_from, rate.valid_to = fields.rate, fields.valid_from, fields.valid_to
    db.session.flush()
    record_event(
        actor=actor,
        action="tax_rate.change",
        subject_type=SUBJECT_TYPE,
        subject_id=rate.id,
        from_state=before_rate,
        to_state=f"{rate.rate}%",
        reason=f"was: {before}; now: {describe(rate)}",
    )
    return rate


def delete_rate(actor: User, rate_id: int) -> None:
    """Remove a rate no order has used (one added by mistake)."""
    rate = _unused(rate_id, "deleted")
    record_event(
        actor=actor,
        action="tax_rate.delete",
        subject_type=SUBJECT_TYPE,
        subject_id=rate.id,
        from_state=f"{rate.rate}%",
        reason=describe(rate),
    )
    db.session.delete(rate)
    db.session.flush()


def list_rates(country: str | None = None) -> list[TaxRate]:
    query = select(TaxRate).order_by(
        TaxRate.country, TaxRate.region, TaxRate.tax_class, TaxRate.valid_from
    )
    if country:
        query = query.where(TaxRate.country == country)
    return list(db.session.scalars(query))


def places_without_rate(places: list[tuple[str, str]], on: date) -> list[tuple[str, str]]:
    """Of the (country, region) places given (where shipping goes), those with no
    standard rate on the day, neither the region's nor the country's."""
    if not places:
        return []
    rows = db.session.execute(
        select(TaxRate.country, TaxRate.region).where(
            TaxRate.tax_class == TaxClass.STANDARD,
            TaxRate.valid_from <= on,
            or_(TaxRate.valid_to.is_(None), TaxRate.valid_to >= on),
            TaxRate.country.in_({country for country, _region in places}),
        )
    ).all()
    covered = {(c, r) for c, r in rows}
    return [(c, r) for c, r in places if (c, "") not in covered and (c, r) not in covered]
