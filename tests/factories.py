"""Small factories over the real services, so test data obeys the same rules."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import Brand, Indication, Ingredient, Product
from shop.catalog.services import (
    CompositionLine,
    create_brand,
    create_indication,
    create_ingredient,
    create_product,
)
from shop.inventory.services import receive_stock, today

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def make_brand(name: str | None = None, **kw) -> Brand:
    n = _n()
    name = name or f"Brand {n}"
    return create_brand(slug=kw.pop("slug", f"brand-{n}"), name=name, **kw)


def make_ingredient(
    name: str | None = None, kind: IngredientKind = IngredientKind.VITAMIN, **kw
) -> Ingredient:
    n = _n()
    return create_ingredient(
        slug=kw.pop("slug", f"ingredient-{n}"), name=name or f"Ingredient {n}", kind=kind, **kw
    )


def make_indication(
    name: str | None = None, area: TreatmentArea = TreatmentArea.FACE, **kw
) -> Indication:
    n = _n()
    return create_indication(
        slug=kw.pop("slug", f"indication-{n}"), name=name or f"Indication {n}", area=area, **kw
    )


def make_product(
    name: str | None = None,
    *,
    brand: Brand | None = None,
    ingredients: list[Ingredient | tuple[Ingredient, str, str]] = (),
    indications: list[Indication] = (),
    professions: list[Profession] = (Profession.PHYSICIAN, Profession.NURSE),
    price_cents: int = 9900,
    stock: int | None = None,
    **kw,
) -> Product:
    n = _n()
    composition = []
    for entry in ingredients:
        if isinstance(entry, tuple):
            ingredient, value, unit = entry
            composition.append(CompositionLine(ingredient, Decimal(value), unit))
        else:
            composition.append(CompositionLine(entry))
    product = create_product(
        sku=kw.pop("sku", f"TST-{n:05d}"),
        slug=kw.pop("slug", f"product-{n}"),
        name=name or f"Product {n}",
        brand=brand or make_brand(),
        form=kw.pop("form", "vial"),
        volume_ml=kw.pop("volume_ml", Decimal("5")),
        units_per_pack=kw.pop("units_per_pack", 10),
        price_cents=price_cents,
        currency=kw.pop("currency", "EUR"),
        composition=composition,
        indications=list(indications),
        professions=list(professions),
        **kw,
    )
    if stock:
        receive_stock(
            product,
            lot_number=f"L{n:05d}",
            expires_on=today() + timedelta(days=365),
            quantity=stock,
        )
    return product


# Accounts and licences -------------------------------------------------------

DEFAULT_PASSWORD = "correct horse battery staple 42"
# A tiny but real PDF (what the upload check accepts as PDF).
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def make_user(
    *,
    email: str | None = None,
    name: str | None = None,
    password: str = DEFAULT_PASSWORD,
    role=None,
    confirmed: bool = True,
    enabled: bool = True,
):
    from shop.accounts.enums import Role
    from shop.accounts.models import User
    from shop.accounts.services import hash_password, normalise_email
    from shop.database import utcnow
    from shop.extensions import db

    n = _n()
    user = User(
        email=normalise_email(email or f"user{n}@example.org"),
        name=name or f"User {n}",
        password_hash=hash_password(password),
        role=role or Role.CUSTOMER,
        is_enabled=enabled,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_licence(
    user,
    *,
    status=None,
    profession: Profession = Profession.PHYSICIAN,
    expires_in_days: int = 365,
    country: str = "IE",
    region: str = "Dublin",
    npi: str | None = None,
):
    """A licence in the given state, written directly (the state machine is tested elsewhere)."""
    from shop.database import utcnow
    from shop.extensions import db
    from shop.licensing.enums import LicenceStatus
    from shop.licensing.models import Licence, LicenceDocument

    status = status or LicenceStatus.APPROVED
    document = LicenceDocument.of("licence.pdf", "application/pdf", PDF_BYTES)
    licence = Licence(
        user=user,
        profession=profession,
        licence_number=f"MCRN-{_n():06d}",
        country=country,
        region=region,
        expires_on=today() + timedelta(days=expires_in_days),
        npi=npi,
        document=document,
        status=status,
        decided_at=None if status == LicenceStatus.PENDING else utcnow(),
    )
    db.session.add(licence)
    db.session.flush()
    return licence


def make_professional(**kw):
    """A confirmed user with an approved, unexpired licence."""
    profession = kw.pop("profession", Profession.PHYSICIAN)
    user = make_user(**kw)
    make_licence(user, profession=profession)
    return user


# The second factor of the administrators the factories make (base32, as apps take it).
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TEST_TOTP_SECRET, *, at=None) -> str:
    """The code an authenticator app with this secret shows now (or at ``at``)."""
    import pyotp

    from shop.database import utcnow

    return pyotp.TOTP(secret).at(at or utcnow())


def enrol_second_factor(user, secret: str = TEST_TOTP_SECRET):
    """Give the user a confirmed second factor with this secret, as enrolment would."""
    from shop.database import utcnow
    from shop.extensions import db

    user.totp_secret = secret
    user.totp_confirmed_at = utcnow()
    db.session.flush()
    return user


def make_admin(*, second_factor: bool = True, **kw):
    """An administrator, enrolled in the second factor (TEST_TOTP_SECRET) unless told not."""
    from shop.accounts.enums import Role

    user = make_user(role=Role.ADMIN, **kw)
    return enrol_second_factor(user) if second_factor else user


# Orders ------------------------------------------------------------------------


def shipping_address(**changes):
    from dataclasses import replace

    from shop.shipping.addresses import ShippingAddress

    address = ShippingAddress(
        clinic_name="Clinic",
        address_line1="1 Main Street",
        city="Dublin",
        postal_code="D02 X285",
        country="IE",
        phone="+353 1 555 0100",
    )
    return replace(address, **changes)


STANDARD = "standard"
# A street address in each country the tests license professionals in.
ADDRESS_IN = {
    "IE": {},
    "ES": {"address_line1": "Calle Mayor 1", "city": "Madrid", "postal_code": "28013"},
    "GB": {"address_line1": "1 High Street", "city": "London", "postal_code": "SW1A 1AA"},
}


def address_for(user):
    """An address in the country of the user's newest licence (Ireland without one)."""
    from sqlalchemy import select

    from shop.extensions import db
    from shop.licensing.models import Licence

    country = db.session.scalar(
        select(Licence.country)
        .where(Licence.user_id == user.id)
        .order_by(Licence.submitted_at.desc(), Licence.id.desc())
        .limit(1)
    )
    country = country or "IE"
    return shipping_address(country=country, **ADDRESS_IN[country])


def make_shipping(
    code: str = STANDARD,
    *,
    areas: str = "IE, ES, GB",
    price_cents: int = 1500,
    free_from_cents: int | None = 30000,
    cold_chain: bool = False,
):
    """A shipping method with one value rate into a zone of ``areas`` (made if missing);
    a method of that code already there is returned as it is."""
    from sqlalchemy import select

    from shop.extensions import db
    from shop.shipping.enums import RateBasis
    from shop.shipping.models import ShippingMethod, ShippingZone
    from shop.shipping.services import MethodFields, RateFields, save_method, save_rate, save_zone

    method = db.session.scalar(select(ShippingMethod).where(ShippingMethod.code == code))
    if method is not None:
        return method
    zone = db.session.scalar(select(ShippingZone).where(ShippingZone.name == f"Zone {areas}"))
    zone = zone or save_zone(None, f"Zone {areas}", areas)
    method = save_method(
        None,
        MethodFields(
            code,
            code.replace("-", " ").title(),
            "An Post",
            "2 to 4 working days",
            cold_chain=cold_chain,
        ),
    )
    save_rate(
        None,
        RateFields(
            method.id, zone.id, RateBasis.VALUE, 0, None, price_cents, "EUR", free_from_cents
        ),
    )
    return method


def make_order(user, *lines, paid: bool = False, address=None, method: str = STANDARD):
    """An order placed through checkout (the cart, the gate, stock held first expiry
    first) for ``(product, quantity)`` lines, shipped by ``method`` (standard: 15.00,
    free from 300.00, made if missing); paid as Stripe's event would when asked."""
    from shop.checkout.placing import place_order
    from shop.checkout.services import add_to_cart
    from shop.database import utcnow
    from shop.orders.services import PaymentFacts, mark_paid

    if method == STANDARD:
        make_shipping()
    for product, quantity in lines:
        add_to_cart(user, product.id, quantity, today=today())
    order = place_order(user, address or address_for(user), method, now=utcnow())
    if paid:
        facts = PaymentFacts(
            payment_intent_id=f"pi_{order.number}",
            status="succeeded",
            amount_cents=order.total_cents,
            currency=order.currency.lower(),
            source="test",
        )
        assert mark_paid(order, facts) == "paid"
    return order


def give_protocol(
    product: Product,
    *,
    sessions: tuple[int, int] = (4, 8),
    interval_days: int = 14,
    repeat_months: int = 12,
    volumes: dict | None = None,
    patient_contraindications: str = "Not for you if you are pregnant.",
) -> Product:
    """A treatment protocol for the product, through the catalogue's own rule."""
    from shop.catalog.enums import TreatmentArea
    from shop.catalog.protocols import ProtocolFields, apply_protocol, check_protocol
    from shop.extensions import db

    fields = ProtocolFields(
        sessions_min=sessions[0],
        sessions_max=sessions[1],
        interval_days=interval_days,
        repeat_months=repeat_months,
        volumes={TreatmentArea(area): Decimal(str(v)) for area, v in (volumes or {}).items()}
        or {TreatmentArea(product.indications[0].area): Decimal("5")},
        patient_contraindications=patient_contraindications,
    )
    problems = check_protocol(fields, product.indications)
    assert not problems, problems
    apply_protocol(product, fields)
    db.session.flush()
    return product
