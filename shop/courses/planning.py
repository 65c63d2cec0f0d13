"""The course planner: an indication (or a treatment area), a number of patients, sessions
and a first date become, for each product that fits, the volume needed, the packs that
cover it, their cost, and the lots an order placed today would get.

Lots are taken first-expiry-first-out exactly as orders take them
(``shop.inventory.reservations.first_expiry_first_out``), and a plan is flagged when a
lot it would get expires on or before the course's last session. Reads only.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, exists, select

from shop.accounts.models import User
from shop.catalog.enums import Profession, TaxClass, TreatmentArea
from shop.catalog.models import (
    Brand,
    Indication,
    Product,
    ProductProfession,
    ProductProtocol,
    ProtocolVolume,
    product_indications,
)
from shop.catalog.protocols import MAX_SESSIONS
from shop.courses.errors import PlanFieldErrors
from shop.extensions import db
from shop.inventory.reservations import first_expiry_first_out, sellable_lots
from shop.tax.rounding import LineTax
from shop.tax.services import TaxDecision, taxes_for

MAX_PATIENTS = 500
MAX_DAYS_AHEAD = 730  # a first session more than two years ahead is a typing slip
DEFAULT_PER_PAGE = 24
MAX_PER_PAGE = 100
_WHOLE = re.compile(r"^[0-9]{1,6}$")


@dataclass(frozen=True)
class PlanRequest:
    """What the professional asks: ``sessions`` None takes each product's usual most."""

    area: TreatmentArea
    indication: Indication | None
    patients: int
    sessions: int | None
    first_session: date

    @property
    def treated(self) -> str:
        """'Hair loss (androgenetic alopecia)', or 'the scalp' for an area."""
        if self.indication is not None:
            return self.indication.name
        return self.area.label


@dataclass(frozen=True)
class LotShare:
    """Packs of one lot that an order placed now would get."""

    lot_number: str
    expires_on: date
    packs: int
    expires_too_soon: bool  # on or before the course's last session


@dataclass(frozen=True)
class PlanLine:
    """One product's answer to the plan."""

    product_id: int
    sku: str
    slug: str
    name: str
    brand: str
    units_per_pack: int
    unit_volume_ml: Decimal
    currency: str
    professions: tuple[Profession, ...]
    sessions: int
    sessions_min: int
    sessions_max: int
    interval_days: int
    repeat_months: int
    volume_per_session_ml: Decimal
    first_session: date
    volume_needed_ml: Decimal
    packs: int
    pack_price_cents: int
    lots: tuple[LotShare, ...] = ()
    available: int = 0  # packs an order could get now
    tax_class: TaxClass = TaxClass.STANDARD

    @property
    def pack_volume_ml(self) -> Decimal:
        return self.unit_volume_ml * self.units_per_pack

    @property
    def cost_cents(self) -> int:
        return self.packs * self.pack_price_cents

    @property
    def session_dates(self) -> tuple[date, ...]:
        # Worked out when shown: a plan sorts every product that fits, but shows a page.
        return session_dates(self.first_session, self.sessions, self.interval_days)

    @property
    def last_session(self) -> date:
        return self.session_dates[-1]

    @property
    def covered(self) -> bool:
        """The stock holds every pack the plan needs."""
        return self.available >= self.packs

    @property
    def expires_too_soon(self) -> bool:
        return any(share.expires_too_soon for share in self.lots)

    @property
    def usual_sessions(self) -> str:
        if self.sessions_min == self.sessions_max:
            return str(self.sessions_min)
        return f"{self.sessions_min}–{self.sessions_max}"

    @property
    def within_usual_range(self) -> bool:
        return self.sessions_min <= self.sessions <= self.sessions_max


@dataclass(frozen=True)
class CoursePlanResult:
    request: PlanRequest
    lines: list[PlanLine]
    total: int  # products that fit, on every page
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


# Arithmetic ---------------------------------------------------------------------------


def session_dates(first: date, sessions: int, interval_days: int) -> tuple[date, ...]:
    return tuple(first + timedelta(days=interval_days * n) for n in range(sessions))


def volume_needed(patients: int, sessions: int, volume_per_session_ml: Decimal) -> Decimal:
    return patients * sessions * Decimal(volume_per_session_ml)


def packs_to_cover(needed_ml: Decimal, unit_volume_ml: Decimal, units_per_pack: int) -> int:
    """The fewest whole packs whose volume reaches ``needed_ml``."""
    # In hundredths of a millilitre, the precision the catalogue keeps: exact integers.
    needed = int(Decimal(needed_ml) * 100)
    per_pack = int(Decimal(unit_volume_ml) * 100) * units_per_pack
    return -(-needed // per_pack)


def price_per_pack(price_cents: int, currency: str) -> int:
    """What one pack costs the buyer in a plan, in cents of ``currency``: the catalogue's
    price, as prices are entered (net or gross). The tax on a plan's cost is the tax
    service's (``plan_taxes``), as for an order shipped to the buyer's clinic."""
    return price_cents


def plan_taxes(
    lines: Sequence[PlanLine], buyer: User, place, today: date
) -> dict[int, tuple[TaxDecision, LineTax]]:
    """Each line's tax decision and its cost's net and tax, for ``buyer`` shipping to
    ``place`` (their default clinic address) on ``today``: the tax service's answer."""
    if not lines:
        return {}
    decisions = taxes_for({line.tax_class for line in lines}, buyer, place, today)
    return {
        line.product_id: (
            decisions[line.tax_class],
            decisions[line.tax_class].on(line.cost_cents),
        )
        for line in lines
    }


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# Reading what is asked --------------------------------------------------------------


def _whole(value: object, name: str, what: str, low: int, high: int, errors: dict) -> int | None:
    text = str(value if value is not None else "").strip()
    if not _WHOLE.match(text) or not low <= int(text) <= high:
        errors[name] = f"{what} is a whole number from {low} to {high}."
        return None
    return int(text)


def read_plan_request(args: Mapping[str, str], *, today: date) -> PlanRequest:
    """The plan asked for by these parameters (``indication`` slug or ``area``,
    ``patients``, ``sessions`` (may be empty), ``start`` as YYYY-MM-DD); every problem
    at once in PlanFieldErrors, by parameter."""
    errors: dict[str, str] = {}
    indication_slug = (args.get("indication") or "").strip()
    area_value = (args.get("area") or "").strip()
    indication = None
    area = None
    if indication_slug:
        indication = db.session.scalar(select(Indication).where(Indication.slug == indication_slug))
        if indication is None:
            errors["indication"] = f"There is no indication {indication_slug[:80]!r}."
        else:
            area = TreatmentArea(indication.area)
            if area_value and area_value != area.value:
                errors["area"] = f"{indication.name} is treated on the {area.label.lower()}."
    elif area_value:
        try:
            area = TreatmentArea(area_value)
        except ValueError:
            errors["area"] = f"Choose a treatment area: one of {', '.join(TreatmentArea)}."
    else:
        errors["indication"] = "Choose what you treat: an indication or a treatment area."
    patients = _whole(
        args.get("patients"), "patients", "The number of patients", 1, MAX_PATIENTS, errors
    )
    sessions = None
    if (args.get("sessions") or "").strip():
        sessions = _whole(
            args.get("sessions"), "sessions", "Sessions per course", 1, MAX_SESSIONS, errors
        )
    start_text = (args.get("start") or "").strip()
    first_session = None
    try:
        first_session = date.fromisoformat(start_text) if len(start_text) == 10 else None
    except ValueError:
        first_session = None
    if first_session is None:
        errors["start"] = "Give the first session's date as YYYY-MM-DD."
    elif first_session < today:
        errors["start"] = "The first session cannot be in the past."
    elif first_session > today + timedelta(days=MAX_DAYS_AHEAD):
        errors["start"] = "The first session is more than two years ahead: check the year."
    if errors:
        raise PlanFieldErrors(errors)
    return PlanRequest(area, indication, patients, sessions, first_session)


# Planning -----------------------------------------------------------------------------


def _fitting_products(request: PlanRequest, product_ids: Sequence[int] | None):
    statement = (
        select(
            Product.id,
            Product.sku,
            Product.slug,
            Product.name,
            Brand.name,
            Product.units_per_pack,
            Product.volume_ml,
            Product.price_cents,
            Product.currency,
            Product.tax_class,
            ProductProtocol.sessions_min,
            ProductProtocol.sessions_max,
            ProductProtocol.interval_days,
            ProductProtocol.repeat_months,
            ProtocolVolume.volume_ml,
        )
        .join(Brand, Brand.id == Product.brand_id)
        .join(ProductProtocol, ProductProtocol.product_id == Product.id)
        .join(
            ProtocolVolume,
            and_(
                ProtocolVolume.product_id == Product.id,
                ProtocolVolume.area == request.area.value,
            ),
        )
        .where(Product.is_active)
    )
    if request.indication is not None:
        statement = statement.where(
            exists().where(
                product_indications.c.product_id == Product.id,
                product_indications.c.indication_id == request.indication.id,
            )
        )
    if product_ids is not None:
        statement = statement.where(Product.id.in_(list(product_ids)))
    return db.session.execute(statement).all()


def _line(request: PlanRequest, row) -> PlanLine:
    (pid, sku, slug, name, brand, units, unit_volume, price, currency, tax_class) = row[:10]
    (sessions_min, sessions_max, interval, repeat, per_session) = row[10:]
    sessions = request.sessions or sessions_max
    needed = volume_needed(request.patients, sessions, per_session)
    return PlanLine(
        product_id=pid,
        sku=sku,
        slug=slug,
        name=name,
        brand=brand,
        units_per_pack=units,
        unit_volume_ml=Decimal(unit_volume),
        currency=currency,
        professions=(),
        sessions=sessions,
        sessions_min=sessions_min,
        sessions_max=sessions_max,
        interval_days=interval,
        repeat_months=repeat,
        volume_per_session_ml=Decimal(per_session),
        first_session=request.first_session,
        volume_needed_ml=needed,
        packs=packs_to_cover(needed, unit_volume, units),
        pack_price_cents=price_per_pack(price, currency),
        tax_class=TaxClass(tax_class),
    )


def _with_stock(lines: list[PlanLine], today: date) -> list[PlanLine]:
    """Each line with the lots an order placed today would take, FEFO, and its professions."""
    ids = [line.product_id for line in lines]
    lots = sellable_lots(ids, today)
    professions: dict[int, list[Profession]] = {}
    if ids:
        for product_id, profession in db.session.execute(
            select(ProductProfession.product_id, ProductProfession.profession).where(
                ProductProfession.product_id.in_(ids)
            )
        ):
            professions.setdefault(product_id, []).append(Profession(profession))
    result = []
    for line in lines:
        product_lots = lots.get(line.product_id, [])
        free = {lot.id: lot.quantity_free for lot in product_lots}
        taken, _short = first_expiry_first_out(product_lots, line.packs, dict(free))
        shares = tuple(
            LotShare(lot.lot_number, lot.expires_on, packs, lot.expires_on <= line.last_session)
            for lot, packs in taken
        )
        result.append(
            replace(
                line,
                lots=shares,
                available=sum(free.values()),
                professions=tuple(
                    p for p in Profession if p in professions.get(line.product_id, [])
                ),
            )
        )
    return result


def plan_course(
    request: PlanRequest,
    *,
    today: date,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    product_ids: Sequence[int] | None = None,
) -> CoursePlanResult:
    """Every active product with a protocol for the area (and the indication, if one is
    asked), cheapest course first; the page's lines with their stock and lots.
    ``product_ids`` keeps only those products (all of them on one page)."""
    lines = sorted(
        (_line(request, row) for row in _fitting_products(request, product_ids)),
        key=lambda line: (line.currency, line.cost_cents, line.name, line.product_id),
    )
    if product_ids is not None:
        page, per_page = 1, max(1, len(lines))
    start = (page - 1) * per_page
    shown = _with_stock(lines[start : start + per_page], today)
    return CoursePlanResult(request, shown, len(lines), page, per_page)
