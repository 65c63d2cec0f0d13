"""A product's treatment protocol as the back office and the CSV edit it.

A protocol is all or nothing: sessions per course (a range), days between sessions,
how often the course is usually repeated, and the volume per session for at least
one treatment area, each an area the product's indications serve. The patient's
wording of the contraindications goes with it, for the patient leaflet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from shop.catalog.enums import TreatmentArea
from shop.catalog.models import Indication, Product, ProductProtocol, ProtocolVolume
from shop.catalog.values import decimal_text

MAX_SESSIONS = 60
MAX_INTERVAL_DAYS = 365
MAX_REPEAT_MONTHS = 60
MAX_VOLUME_PER_SESSION_ML = Decimal("500")
# A volume per session in ml: the database keeps two decimals.
VOLUME_PER_SESSION = re.compile(r"^[0-9]{1,3}(?:\.[0-9]{1,2})?$")
SESSIONS = re.compile(r"^\s*([0-9]{1,3})\s*(?:(?:-|–|to)\s*([0-9]{1,3}))?\s*$")
AREA_SEPARATOR = ":"  # 'scalp:2.5' in a CSV cell; entries are separated as other lists are


@dataclass
class ProtocolFields:
    sessions_min: int
    sessions_max: int
    interval_days: int
    repeat_months: int
    volumes: Mapping[TreatmentArea, Decimal] = field(default_factory=dict)
    patient_contraindications: str = ""


def protocol_fields_of(product: Product) -> ProtocolFields | None:
    protocol = product.protocol
    if protocol is None:
        return None
    return ProtocolFields(
        sessions_min=protocol.sessions_min,
        sessions_max=protocol.sessions_max,
        interval_days=protocol.interval_days,
        repeat_months=protocol.repeat_months,
        volumes=protocol.volume_by_area,
        patient_contraindications=protocol.patient_contraindications,
    )


def served_areas(indications: Iterable[Indication]) -> set[TreatmentArea]:
    return {TreatmentArea(indication.area) for indication in indications}


def check_protocol(
    fields: ProtocolFields | None, indications: Iterable[Indication]
) -> dict[str, str]:
    """Each problem of a protocol by field name (``protocol-<field>``, volumes as
    ``protocol-volume-<area>``); none for no protocol at all."""
    if fields is None:
        return {}
    errors: dict[str, str] = {}
    if not 1 <= fields.sessions_min <= MAX_SESSIONS:
        errors["protocol-sessions_min"] = f"A course has 1 to {MAX_SESSIONS} sessions."
    if not 1 <= fields.sessions_max <= MAX_SESSIONS:
        errors["protocol-sessions_max"] = f"A course has 1 to {MAX_SESSIONS} sessions."
    elif fields.sessions_max < fields.sessions_min:
        errors["protocol-sessions_max"] = "The most sessions cannot be fewer than the fewest."
    if not 1 <= fields.interval_days <= MAX_INTERVAL_DAYS:
        errors["protocol-interval_days"] = (
            f"Sessions are 1 to {MAX_INTERVAL_DAYS} days apart (14 for every two weeks)."
        )
    if not 1 <= fields.repeat_months <= MAX_REPEAT_MONTHS:
        errors["protocol-repeat_months"] = (
            f"A course is repeated every 1 to {MAX_REPEAT_MONTHS} months (12 for once a year)."
        )
    served = served_areas(indications)
    if not fields.volumes:
        errors["protocol-volumes"] = "Give the volume per session for at least one area it treats."
    for area, volume in fields.volumes.items():
        name = f"protocol-volume-{TreatmentArea(area).value}"
        if area not in served:
            errors[name] = (
                f"None of the product's indications is on the {TreatmentArea(area).label.lower()}"
                ": leave it empty, or add such an indication."
            )
        elif not Decimal(0) < volume <= MAX_VOLUME_PER_SESSION_ML:
            errors[name] = (
                f"A volume per session is above 0 and at most {MAX_VOLUME_PER_SESSION_ML} ml."
            )
    return errors


def apply_protocol(product: Product, fields: ProtocolFields | None) -> None:
    """Give the product this protocol (None: none), keeping the rows that stay."""
    if fields is None:
        product.protocol = None
        return
    protocol = product.protocol
    if protocol is None:
        protocol = product.protocol = ProductProtocol()
    protocol.sessions_min = fields.sessions_min
    protocol.sessions_max = fields.sessions_max
    protocol.interval_days = fields.interval_days
    protocol.repeat_months = fields.repeat_months
    protocol.patient_contraindications = fields.patient_contraindications.strip()
    current = {TreatmentArea(volume.area): volume for volume in protocol.volumes}
    wanted = []
    for area in TreatmentArea:
        if area not in fields.volumes:
            continue
        volume = current.get(area) or ProtocolVolume(area=area.value)
        volume.volume_ml = Decimal(fields.volumes[area])
        wanted.append(volume)
    protocol.volumes = wanted


def sessions_text(fields: ProtocolFields) -> str:
    """'8-12', or '4' when the range is one number."""
    if fields.sessions_min == fields.sessions_max:
        return str(fields.sessions_min)
    return f"{fields.sessions_min}-{fields.sessions_max}"


def parse_sessions(text: str) -> tuple[int, int]:
    """'8-12', '8 to 12' or '4' -> (8, 12), (8, 12), (4, 4); ValueError otherwise."""
    match = SESSIONS.match(text or "")
    if match is None:
        raise ValueError(text)
    low = int(match[1])
    return low, int(match[2]) if match[2] else low


def volumes_text(volumes: Mapping[TreatmentArea, Decimal], separator: str) -> str:
    """'face:3|scalp:2.5', areas in their usual order."""
    return separator.join(
        f"{area.value}{AREA_SEPARATOR}{decimal_text(volumes[area])}"
        for area in TreatmentArea
        if area in volumes
    )


def protocol_facts(fields: ProtocolFields | None) -> str:
    """One line for an audit event's before and after."""
    if fields is None:
        return "none"
    return (
        f"{sessions_text(fields)} sessions every {fields.interval_days} days,"
        f" repeated every {fields.repeat_months} months, {volumes_text(fields.volumes, ', ')},"
        f" patient wording {len(fields.patient_contraindications.strip())} characters"
    )
