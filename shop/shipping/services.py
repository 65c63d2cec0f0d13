"""The back office's shipping: methods, zones and rates. Every change is audited; none
touches an order already placed, since orders keep a copy of their method and price.
Services flush and never commit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.extensions import db
from shop.licensing.countries import is_country
from shop.licensing.regions import region_code
from shop.shipping.enums import RateBasis
from shop.shipping.errors import ShippingError, ShippingFieldErrors
from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone, ShippingZoneArea

CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class MethodFields:
    code: str
    name: str
    carrier: str
    delivery_estimate: str
    cold_chain: bool = False
    is_active: bool = True
    position: int = 0


@dataclass(frozen=True)
class RateFields:
    method_id: int
    zone_id: int
    basis: RateBasis
    from_amount: int
    up_to_amount: int | None
    price_cents: int
    currency: str
    free_from_cents: int | None = None


def _facts(obj, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(getattr(obj, name)) for name in names}


def _changes(before: dict[str, str], after: dict[str, str]) -> str:
    changed = [f"{k}: {before[k]} → {after[k]}" for k in after if before.get(k) != after[k]]
    return "; ".join(changed) or "no change"


_METHOD_FACTS = (
    "code",
    "name",
    "carrier",
    "delivery_estimate",
    "cold_chain",
    "is_active",
    "position",
)


def list_methods() -> list[ShippingMethod]:
    return list(
        db.session.scalars(
            select(ShippingMethod).order_by(ShippingMethod.position, ShippingMethod.id)
        )
    )


def list_zones() -> list[ShippingZone]:
    return list(db.session.scalars(select(ShippingZone).order_by(ShippingZone.name)))


def list_rates() -> list[ShippingRate]:
    return list(
        db.session.scalars(
            select(ShippingRate)
            .join(ShippingMethod)
            .join(ShippingZone)
            .order_by(
                ShippingMethod.position,
                ShippingMethod.id,
                ShippingZone.name,
                ShippingRate.from_amount,
            )
        )
    )


def save_method(
    actor: User | None, fields: MethodFields, method: ShippingMethod | None = None
) -> ShippingMethod:
    """Add a method, or change one; ``code`` is unique."""
    errors = {}
    if not CODE.match(fields.code) or len(fields.code) > 40:
        errors["code"] = "A code is lower-case letters, digits and single dashes (at most 40)."
    else:
        taken = db.session.scalar(select(ShippingMethod).where(ShippingMethod.code == fields.code))
        if taken is not None and taken is not method:
            errors["code"] = f"The code {fields.code} belongs to another method."
    for name, limit in (("name", 80), ("carrier", 60), ("delivery_estimate", 80)):
        value = getattr(fields, name).strip()
        if not value or len(value) > limit:
            errors[name] = f"Enter 1 to {limit} characters."
    if errors:
        raise ShippingFieldErrors(ShippingError.INVALID_METHOD, errors)
    before = _facts(method, _METHOD_FACTS) if method is not None else None
    if method is None:
        method = ShippingMethod()
        db.session.add(method)
    method.code = fields.code
    method.name = fields.name.strip()
    method.carrier = fields.carrier.strip()
    method.delivery_estimate = fields.delivery_estimate.strip()
    method.cold_chain = fields.cold_chain
    method.is_active = fields.is_active
    method.position = fields.position
    db.session.flush()
    after = _facts(method, _METHOD_FACTS)
    record_event(
        actor=actor,
        action="shipping_method.create" if before is None else "shipping_method.update",
        subject_type="shipping_method",
        subject_id=method.id,
        to_state="active" if method.is_active else "inactive",
        reason=f"{method.code}: {method.name}" if before is None else _changes(before, after),
    )
    return method


def parse_areas(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``IE, GB, US-CA`` as (country, region) pairs; the entries that are not areas."""
    areas, wrong = [], []
    for entry in re.split(r"[,;\n]+", text):
        entry = entry.strip()
        if not entry:
            continue
        country, _, region = entry.partition("-")
        country = country.strip().upper()
        if not is_country(country):
            wrong.append(entry)
            continue
        if region.strip():
            code = region_code(country, region.strip())
            if not code:
                wrong.append(entry)
                continue
            areas.append((country, code))
        else:
            areas.append((country, ""))
    return sorted(set(areas)), wrong


def area_text(areas) -> str:
    return ", ".join(f"{a.country}-{a.region}" if a.region else a.country for a in areas)


def save_zone(
    actor: User | None, name: str, areas_text: str, zone: ShippingZone | None = None
) -> ShippingZone:
    """Add a zone, or change one: its name and its areas (``IE, GB, US-CA``)."""
    errors = {}
    name = " ".join(name.split())
    if not name or len(name) > 80:
        errors["name"] = "Enter a name of 1 to 80 characters."
    else:
        taken = db.session.scalar(
            select(ShippingZone).where(func.lower(ShippingZone.name) == name.lower())
        )
        if taken is not None and taken is not zone:
            errors["name"] = f"There is already a zone named {name}."
    areas, wrong = parse_areas(areas_text)
    if wrong:
        errors["areas"] = (
            f"Not a country or region: {', '.join(wrong)}. Write ISO country codes, "
            "a region after a dash (US-CA, CA-ON, AU-NSW), separated by commas."
        )
    elif not areas:
        errors["areas"] = "Name at least one country or region."
    if errors:
        raise ShippingFieldErrors(ShippingError.INVALID_ZONE, errors)
    before = f"{zone.name}: {area_text(zone.areas)}" if zone is not None else None
    if zone is None:
        zone = ShippingZone(name=name)
        db.session.add(zone)
    zone.name = name
    kept = {(a.country, a.region): a for a in zone.areas}
    zone.areas = [
        kept.get(pair) or ShippingZoneArea(country=pair[0], region=pair[1]) for pair in areas
    ]
    db.session.flush()
    after = f"{zone.name}: {area_text(zone.areas)}"
    record_event(
        actor=actor,
        action="shipping_zone.create" if before is None else "shipping_zone.update",
        subject_type="shipping_zone",
        subject_id=zone.id,
        reason=after if before is None else f"{before} → {after}",
    )
    return zone


def delete_zone(actor: User | None, zone: ShippingZone) -> None:
    """Remove a zone that no rate uses."""
    if zone.rates:
        using = "1 rate uses" if len(zone.rates) == 1 else f"{len(zone.rates)} rates use"
        raise ShippingError(
            ShippingError.IN_USE,
            f"{using} the zone {zone.name}: delete or move them first.",
            status=409,
        )
    record_event(
        actor=actor,
        action="shipping_zone.delete",
        subject_type="shipping_zone",
        subject_id=zone.id,
        reason=f"{zone.name}: {area_text(zone.areas)}",
    )
    db.session.delete(zone)
    db.session.flush()


def describe_rate(rate: ShippingRate) -> str:
    unit = "g" if rate.basis == RateBasis.WEIGHT else f"cents {rate.currency}"
    upper = f"below {rate.up_to_amount} {unit}" if rate.up_to_amount is not None else "and up"
    free = f", free from {rate.free_from_cents} cents" if rate.free_from_cents else ""
    return (
        f"{rate.method.code} into {rate.zone.name}, {rate.basis} from {rate.from_amount} {upper}: "
        f"{rate.price_cents} cents {rate.currency}{free}"
    )


def save_rate(
    actor: User | None, fields: RateFields, rate: ShippingRate | None = None
) -> ShippingRate:
    """Add a rate, or change one."""
    errors = {}
    method = db.session.get(ShippingMethod, fields.method_id)
    zone = db.session.get(ShippingZone, fields.zone_id)
    if method is None:
        errors["method_id"] = "Choose a method."
    if zone is None:
        errors["zone_id"] = "Choose a zone."
    if fields.from_amount < 0:
        errors["from_amount"] = "The bracket starts at 0 or more."
    if fields.up_to_amount is not None and fields.up_to_amount <= fields.from_amount:
        errors["up_to_amount"] = (
            "The bracket ends above where it starts (or leave it empty: no limit)."
        )
    if fields.price_cents < 0:
        errors["price"] = "The price is 0 or more."
    if fields.free_from_cents is not None and fields.free_from_cents <= 0:
        errors["free_from"] = "Free shipping starts above 0 (or leave it empty: never free)."
    if not re.fullmatch(r"[A-Z]{3}", fields.currency):
        errors["currency"] = "A currency is a three-letter ISO code such as EUR."
    if errors:
        raise ShippingFieldErrors(ShippingError.INVALID_RATE, errors)
    before = describe_rate(rate) if rate is not None else None
    if rate is None:
        rate = ShippingRate()
        db.session.add(rate)
    rate.method = method
    rate.zone = zone
    rate.basis = fields.basis
    rate.from_amount = fields.from_amount
    rate.up_to_amount = fields.up_to_amount
    rate.price_cents = fields.price_cents
    rate.currency = fields.currency
    rate.free_from_cents = fields.free_from_cents
    db.session.flush()
    after = describe_rate(rate)
    record_event(
        actor=actor,
        action="shipping_rate.create" if before is None else "shipping_rate.update",
        subject_type="shipping_rate",
        subject_id=rate.id,
        reason=after if before is None else f"{before} → {after}",
    )
    return rate


def delete_rate(actor: User | None, rate: ShippingRate) -> None:
    record_event(
        actor=actor,
        action="shipping_rate.delete",
        subject_type="shipping_rate",
        subject_id=rate.id,
        reason=describe_rate(rate),
    )
    db.session.delete(rate)
    db.session.flush()
