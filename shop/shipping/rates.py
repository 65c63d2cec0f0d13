"""Which shipping methods serve an order, and at what price.

A zone serves an address when one of its areas is the address's country (all of it)
or the address's region of that country. A rate of a method into a zone applies when
the order's value (or weight, by the rate's basis) falls within its bracket; it costs
nothing from its free-shipping threshold of value up. A method's price for an order is
the cheapest rate that applies (``cheapest_rate``), so overlapping zones (a country and
one of its regions) never charge the dearer one by accident.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select

from shop.extensions import db
from shop.shipping.enums import RateBasis
from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZoneArea


@dataclass(frozen=True)
class Parcel:
    """What is shipped, where to: the order as the rates see it."""

    country: str
    region: str
    currency: str
    value_cents: int  # the subtotal
    weight_g: int
    cold_chain: bool = False  # a product in it must travel cooled


@dataclass(frozen=True)
class Rate:
    """A rate with the areas of its zone: everything ``rate_price`` reads."""

    id: int
    method_id: int
    basis: RateBasis
    from_amount: int
    up_to_amount: int | None
    price_cents: int
    currency: str
    free_from_cents: int | None
    areas: frozenset[tuple[str, str]]  # (country, region); region "" is the whole country


def serves(areas: Iterable[tuple[str, str]], country: str, region: str) -> bool:
    return any(c == country and r in ("", region) for c, r in areas)


def rate_price(rate: Rate, parcel: Parcel) -> int | None:
    """What this rate charges for the parcel, or None when it does not apply."""
    if rate.currency != parcel.currency or not serves(rate.areas, parcel.country, parcel.region):
        return None
    measure = parcel.value_cents if rate.basis == RateBasis.VALUE else parcel.weight_g
    if measure < rate.from_amount or (
        rate.up_to_amount is not None and measure >= rate.up_to_amount
    ):
        return None
    if rate.free_from_cents is not None and parcel.value_cents >= rate.free_from_cents:
        return 0
    return rate.price_cents


def cheapest_rate(rates: Iterable[Rate], parcel: Parcel) -> tuple[Rate, int] | None:
    """The rate that applies at the lowest price (the lower id on a tie), with its price."""
    best: tuple[Rate, int] | None = None
    for rate in rates:
        price = rate_price(rate, parcel)
        if price is None:
            continue
        if best is None or (price, rate.id) < (best[1], best[0].id):
            best = (rate, price)
    return best


@dataclass(frozen=True)
class ShippingOption:
    """A method that serves the order, at its price: what checkout offers and snapshots."""

    method_id: int
    code: str
    name: str
    carrier: str
    delivery_estimate: str
    cold_chain: bool
    price_cents: int
    currency: str
    rate_id: int

    @property
    def free(self) -> bool:
        return self.price_cents == 0


def _rates_serving(country: str, region: str, currency: str) -> list[tuple[ShippingMethod, Rate]]:
    """Every rate of an active method into a zone serving the address: one statement."""
    areas = ShippingZoneArea.__table__.alias("area")
    rows = db.session.execute(
        select(ShippingMethod, ShippingRate, areas.c.country, areas.c.region)
        .join(ShippingRate, ShippingRate.method_id == ShippingMethod.id)
        .join(areas, areas.c.zone_id == ShippingRate.zone_id)
        .where(
            ShippingMethod.is_active,
            ShippingRate.currency == currency,
            areas.c.country == country,
            or_(areas.c.region == "", areas.c.region == region),
        )
        .order_by(ShippingMethod.position, ShippingMethod.id, ShippingRate.id)
    ).all()
    found: dict[int, tuple[ShippingMethod, Rate]] = {}
    for method, rate, area_country, area_region in rows:
        known = found.get(rate.id)
        areas_so_far = known[1].areas if known else frozenset()
        found[rate.id] = (
            method,
            Rate(
                id=rate.id,
                method_id=method.id,
                basis=RateBasis(rate.basis),
                from_amount=rate.from_amount,
                up_to_amount=rate.up_to_amount,
                price_cents=rate.price_cents,
                currency=rate.currency,
                free_from_cents=rate.free_from_cents,
                areas=areas_so_far | {(area_country, area_region)},
            ),
        )
    return list(found.values())


def shipping_options(parcel: Parcel) -> list[ShippingOption]:
    """The methods that serve this parcel, each at its cheapest applying rate, in the
    back office's order; only cold-chain methods when the parcel needs the cold chain."""
    by_method: dict[int, tuple[ShippingMethod, list[Rate]]] = {}
    for method, rate in _rates_serving(parcel.country, parcel.region, parcel.currency):
        if parcel.cold_chain and not method.cold_chain:
            continue
        by_method.setdefault(method.id, (method, []))[1].append(rate)
    options = []
    for method, rates in by_method.values():
        best = cheapest_rate(rates, parcel)
        if best is None:
            continue
        rate, price = best
        options.append(
            ShippingOption(
                method_id=method.id,
                code=method.code,
                name=method.name,
                carrier=method.carrier,
                delivery_estimate=method.delivery_estimate,
                cold_chain=method.cold_chain,
                price_cents=price,
                currency=rate.currency,
                rate_id=rate.id,
            )
        )
    return options
