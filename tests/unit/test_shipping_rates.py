"""Choosing a rate: the cheapest rate that serves the address and applies to the order's
value or weight, and free shipping from a rate's threshold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shop.shipping.enums import RateBasis
from shop.shipping.rates import Parcel, Rate, cheapest_rate, rate_price

COUNTRIES = ("IE", "FR", "US")
REGIONS = ("", "CA", "NY")

areas = st.frozensets(st.tuples(st.sampled_from(COUNTRIES), st.sampled_from(REGIONS)), min_size=1)
amount = st.integers(min_value=0, max_value=5_000)


@st.composite
def rates(draw) -> list[Rate]:
    found = []
    for rate_id in range(1, draw(st.integers(min_value=0, max_value=8)) + 1):
        low = draw(amount)
        high = draw(st.none() | st.integers(min_value=low + 1, max_value=6_000))
        found.append(
            Rate(
                id=rate_id,
                method_id=1,
                basis=draw(st.sampled_from(list(RateBasis))),
                from_amount=low,
                up_to_amount=high,
                price_cents=draw(st.integers(min_value=0, max_value=9_000)),
                currency=draw(st.sampled_from(("EUR", "USD"))),
                free_from_cents=draw(st.none() | st.integers(min_value=1, max_value=6_000)),
                areas=draw(areas),
            )
        )
    return found


parcels = st.builds(
    Parcel,
    country=st.sampled_from(COUNTRIES),
    region=st.sampled_from(REGIONS),
    currency=st.just("EUR"),
    value_cents=amount,
    weight_g=amount,
)


def brute_force(candidates: list[Rate], parcel: Parcel) -> int | None:
    """The lowest price of the rates that serve the parcel, worked out plainly."""
    prices = []
    for rate in candidates:
        if rate.currency != parcel.currency:
            continue
        here = {(parcel.country, ""), (parcel.country, parcel.region)}
        if not here & rate.areas:
            continue
        measure = parcel.weight_g if rate.basis == RateBasis.WEIGHT else parcel.value_cents
        top = rate.up_to_amount if rate.up_to_amount is not None else 10**9
        if not rate.from_amount <= measure < top:
            continue
        free = rate.free_from_cents is not None and parcel.value_cents >= rate.free_from_cents
        prices.append(0 if free else rate.price_cents)
    return min(prices) if prices else None


@given(rates(), parcels)
def test_the_cheapest_rate_that_serves_the_address_is_chosen(candidates, parcel):
    best = cheapest_rate(candidates, parcel)
    expected = brute_force(candidates, parcel)
    if expected is None:
        assert best is None
        return
    rate, price = best
    assert price == expected
    assert rate_price(rate, parcel) == price  # the rate chosen does serve the parcel
    # On a tie the older rate wins, so the choice never flickers between equals.
    assert rate.id == min(r.id for r in candidates if rate_price(r, parcel) == price)


def ireland_rate(**changes) -> Rate:
    fields = dict(
        id=1,
        method_id=1,
        basis=RateBasis.VALUE,
        from_amount=0,
        up_to_amount=None,
        price_cents=1500,
        currency="EUR",
        free_from_cents=30_000,
        areas=frozenset({("IE", "")}),
    )
    return Rate(**{**fields, **changes})


def dublin(value_cents: int, weight_g: int = 500) -> Parcel:
    return Parcel("IE", "Co. Dublin", "EUR", value_cents, weight_g)


def test_shipping_is_free_from_the_threshold_itself_and_charged_below_it():
    rate = ireland_rate()
    assert rate_price(rate, dublin(29_999)) == 1500
    assert rate_price(rate, dublin(30_000)) == 0
    assert rate_price(rate, dublin(45_000)) == 0
    assert rate_price(ireland_rate(free_from_cents=None), dublin(45_000)) == 1500


def test_a_weight_bracket_frees_shipping_by_value_all_the_same():
    heavy = ireland_rate(basis=RateBasis.WEIGHT, from_amount=1000, up_to_amount=None)
    assert rate_price(heavy, dublin(10_000, weight_g=999)) is None  # not its bracket
    assert rate_price(heavy, dublin(10_000, weight_g=1000)) == 1500
    assert rate_price(heavy, dublin(30_000, weight_g=1000)) == 0


def test_a_region_zone_serves_only_that_region_and_a_country_zone_all_of_it():
    california = ireland_rate(areas=frozenset({("US", "CA")}))
    states = ireland_rate(id=2, areas=frozenset({("US", "")}), price_cents=2500)
    sf = Parcel("US", "CA", "EUR", 5_000, 500)
    ny = Parcel("US", "NY", "EUR", 5_000, 500)
    assert cheapest_rate([california, states], sf) == (california, 1500)
    assert cheapest_rate([california, states], ny) == (states, 2500)
    assert cheapest_rate([california], ny) is None
