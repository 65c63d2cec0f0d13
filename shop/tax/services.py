"""What tax applies to a line, for this buyer, shipped to this address, on this day?

``taxes_for`` answers for a set of product tax classes at once (three queries at
most: the destination's rates, the buyer's VAT number, the buyer's certificate for
the destination); ``tax_for`` for one class. The rule, in order:

1. A US buyer's resale or exemption certificate, approved by an administrator and
   unexpired on the day, for the state the order ships to: exempt.
2. EU reverse charge: the seller sells from an EU member state, the order ships to
   another member state, and the buyer's VAT number (valid in form, not refused by
   an administrator) is of a member state other than the seller's: no VAT.
3. The destination's rate for the class on the day: the region's rate where one is
   kept (a US state), else the country's.
4. No rate kept for the destination: no tax, and the order says so (an EU seller's
   export outside the EU, or a place the shop is not registered in). The back
   office's tax page lists the places shipping serves without a rate.

Every figure in cents comes from ``shop.tax.rounding``. Services flush and never commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from flask import current_app
from sqlalchemy import or_, select, update

from shop.accounts.models import User
from shop.catalog.enums import TaxClass
from shop.extensions import db
from shop.licensing.countries import country_name
from shop.licensing.regions import EU_COUNTRIES, region_name
from shop.tax.enums import CertificateStatus, TaxTreatment, VatNumberStatus
from shop.tax.errors import TaxError
from shop.tax.models import ExemptionCertificate, TaxRate, VatNumber
from shop.tax.rounding import LineTax, line_tax
from shop.tax.seller import Seller, seller_of, tax_name
from shop.templating import format_date

# Shipping is taxed as a line of its own, at the destination's standard rate.
SHIPPING_TAX_CLASS = TaxClass.STANDARD
ZERO = Decimal(0)


class Place(Protocol):
    """Where an order goes, as tax asks: an address, a destination, an order."""

    @property
    def country(self) -> str: ...

    @property
    def region(self) -> str: ...


@dataclass(frozen=True)
class TaxDecision:
    """The tax of one product tax class for one buyer, destination and day."""

    tax_class: TaxClass
    treatment: TaxTreatment
    rate: Decimal  # charged, per cent: 0 unless taxed
    base_rate: Decimal  # the destination's rate for the class: what a gross price holds
    rate_id: int | None  # the TaxRate charged (None when none is)
    tax_name: str  # "VAT", "sales tax"
    note: str  # why no tax is charged, as the invoice says it; "" when taxed
    prices_include_tax: bool
    buyer_vat_number: str = ""  # the buyer's (not refused) VAT number, for the invoice

    def on(self, amount_cents: int) -> LineTax:
        """Net and tax of a line of ``amount_cents``, as prices are entered (the rule)."""
        return line_tax(
            amount_cents,
            self.rate,
            included=self.prices_include_tax,
            included_rate=self.base_rate,
        )

    @property
    def label(self) -> str:
        """'VAT 23%', 'sales tax 7.25%': the rate as a total line names it."""
        return rate_label(self.tax_name, self.rate)


def rate_label(name: str, rate: Decimal) -> str:
    shown = format(Decimal(rate).normalize(), "f")
    return f"{name} {shown}%"


def place_name(country: str, region: str = "") -> str:
    """'California, United States', 'France'."""
    name = country_name(country)
    return f"{region_name(country, region)}, {name}" if region else name


@dataclass(frozen=True)
class BuyerTaxFacts:
    """What tax needs to know of a buyer for one destination: read once per answer."""

    vat_number: VatNumber | None
    certificate: ExemptionCertificate | None


def buyer_tax_facts(buyer: User | None, place: Place, on: date) -> BuyerTaxFacts:
    if buyer is None or buyer.is_anonymous:
        return BuyerTaxFacts(None, None)
    vat_number = db.session.scalar(
        select(VatNumber).where(
            VatNumber.user_id == buyer.id, VatNumber.status != VatNumberStatus.REJECTED
        )
    )
    certificate = None
    if place.region:
        certificate = db.session.scalar(
            select(ExemptionCertificate)
            .where(
                ExemptionCertificate.user_id == buyer.id,
                ExemptionCertificate.country == place.country,
                ExemptionCertificate.region == place.region,
                ExemptionCertificate.status == CertificateStatus.APPROVED,
                ExemptionCertificate.expires_on >= on,
            )
            .order_by(ExemptionCertificate.expires_on.desc(), ExemptionCertificate.id)
            .limit(1)
        )
    return BuyerTaxFacts(vat_number, certificate)


def rates_on(place: Place, on: date) -> dict[TaxClass, TaxRate]:
    """The destination's rate of each class on the day: the region's over the country's."""
    rows = db.session.scalars(
        select(TaxRate).where(
            TaxRate.country == place.country,
            TaxRate.region.in_({"", place.region or ""}),
            TaxRate.valid_from <= on,
            or_(TaxRate.valid_to.is_(None), TaxRate.valid_to >= on),
        )
    ).all()
    found: dict[TaxClass, TaxRate] = {}
    for row in sorted(rows, key=lambda r: (r.region != "", r.valid_from, r.id)):
        found[TaxClass(row.tax_class)] = row  # a region's rate comes last and wins
    return found


def _reverse_charge(seller: Seller, place: Place, vat_number: VatNumber | None) -> bool:
    return bool(
        seller.in_eu
        and place.country in EU_COUNTRIES
        and place.country != seller.country
        and vat_number is not None
        and vat_number.country in EU_COUNTRIES
        and vat_number.country != seller.country
    )


def _decide(
    tax_class: TaxClass,
    rate: TaxRate | None,
    place: Place,
    facts: BuyerTaxFacts,
    seller: Seller,
) -> TaxDecision:
    name = tax_name(place.country)
    base = Decimal(rate.rate) if rate is not None else ZERO
    vat_number = facts.vat_number.number if facts.vat_number is not None else ""
    untaxed = TaxDecision(
        tax_class,
        TaxTreatment.NO_RATE,
        ZERO,
        base,
        None,
        name,
        "",
        seller.prices_include_tax,
        vat_number,
    )
    certificate = facts.certificate
    if certificate is not None:
        return _replace(
            untaxed,
            treatment=TaxTreatment.EXEMPT,
            note=(
                f"Exempt from {place_name(place.country, place.region)} {name}: "
                f"{certificate.kind.label.lower()} {certificate.number}, "
                f"valid until {format_date(certificate.expires_on)}."
            ),
        )
    if _reverse_charge(seller, place, facts.vat_number):
        assert facts.vat_number is not None
        return _replace(
            untaxed,
            treatment=TaxTreatment.REVERSE_CHARGE,
            note=(
                "Reverse charge: VAT to be accounted for by the recipient "
                "(Article 196, Council Directive 2006/112/EC). "
                f"Buyer's VAT number {facts.vat_number.number}."
            ),
        )
    if rate is None:
        if seller.in_eu and place.country not in EU_COUNTRIES:
            note = (
                "Export outside the European Union: no VAT charged "
                "(Article 146, Council Directive 2006/112/EC)."
            )
        else:
            note = f"No {name} charged: the shop collects none for {place_name(place.country, place.region)}."
        return _replace(untaxed, note=note)
    return _replace(untaxed, treatment=TaxTreatment.TAXED, rate=base, rate_id=rate.id)


def _replace(decision: TaxDecision, **changes) -> TaxDecision:
    return replace(decision, **changes)


def taxes_for(
    tax_classes: Iterable[TaxClass], buyer: User | None, place: Place, on: date
) -> dict[TaxClass, TaxDecision]:
    """The decision for each of ``tax_classes`` (and the shipping's), for ``buyer``
    shipping to ``place`` on ``on``."""
    seller = seller_of(current_app.config)
    facts = buyer_tax_facts(buyer, place, on)
    rates = rates_on(place, on)
    classes = {TaxClass(c) for c in tax_classes} | {SHIPPING_TAX_CLASS}
    return {c: _decide(c, rates.get(c), place, facts, seller) for c in sorted(classes)}


def tax_for(tax_class: TaxClass, buyer: User | None, place: Place, on: date) -> TaxDecision:
    """What tax applies to a line of ``tax_class``, for ``buyer``, shipped to ``place``,
    on ``on``."""
    return taxes_for([tax_class], buyer, place, on)[TaxClass(tax_class)]


def record_use(decisions: Iterable[TaxDecision], now: datetime) -> None:
    """Mark the rates an order is taking as used (never to change again), checking that
    each still says what the order was priced at; ``TaxError`` (409) when an
    administrator changed one meanwhile."""
    for decision in {d.rate_id: d for d in decisions if d.rate_id is not None}.values():
        changed = db.session.execute(
            update(TaxRate)
            .where(TaxRate.id == decision.rate_id, TaxRate.rate == decision.rate)
            .values(used_at=db.func.coalesce(TaxRate.used_at, now))
            .execution_options(synchronize_session=False)
        ).rowcount
        if not changed:
            raise TaxError(
                TaxError.RATE_CHANGED,
                "A tax rate changed while you were checking out: check the order again.",
                status=409,
            )
