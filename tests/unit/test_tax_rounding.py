"""The rounding rule (shop.tax.rounding), checked by Hypothesis: per line in cents,
lines add up to the totals, net + tax = gross for every line and for the order, and
credit notes add up to their invoice."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shop.orders.models import rate_totals
from shop.tax.rounding import RatePart, line_tax, split_credit

RATES = st.sampled_from([Decimal(r) for r in ("0", "4", "5.5", "7.25", "9", "13.5", "20", "23")])
AMOUNTS = st.integers(min_value=0, max_value=5_000_000)
LINES = st.lists(st.tuples(AMOUNTS, RATES), min_size=1, max_size=12)


def test_examples_of_the_rule():
    assert line_tax(14900, Decimal("23"), included=False).tax_cents == 3427
    assert line_tax(1050, Decimal("13.5"), included=False).tax_cents == 142  # 141.75 rounds up
    assert line_tax(10, Decimal("5"), included=False).tax_cents == 1  # 0.5 rounds half up
    gross = line_tax(12300, Decimal("23"), included=True)
    assert (gross.net_cents, gross.tax_cents) == (10000, 2300)
    exempt = line_tax(12300, Decimal("0"), included=True, included_rate=Decimal("23"))
    assert (exempt.net_cents, exempt.tax_cents) == (10000, 0)


@given(AMOUNTS, RATES, st.booleans())
def test_net_plus_tax_is_gross_for_every_line(amount, rate, included):
    line = line_tax(amount, rate, included=included)
    assert line.net_cents + line.tax_cents == line.gross_cents
    assert line.tax_cents >= 0 and line.net_cents >= 0
    if included:
        assert line.gross_cents == amount  # a gross price is what the buyer pays
    else:
        assert line.net_cents == amount
        assert abs(line.tax_cents - amount * rate / 100) <= Decimal("0.5")


@given(LINES, st.booleans())
def test_lines_add_up_to_the_order_and_to_its_rates(lines, included):
    taxed = [(rate, line_tax(amount, rate, included=included)) for amount, rate in lines]
    net = sum(line.net_cents for _rate, line in taxed)
    tax = sum(line.tax_cents for _rate, line in taxed)
    gross = sum(line.gross_cents for _rate, line in taxed)
    assert net + tax == gross
    per_rate = rate_totals("VAT", [(rate, line.net_cents, line.tax_cents) for rate, line in taxed])
    assert sum(part.net_cents for part in per_rate) == net
    assert sum(part.tax_cents for part in per_rate) == tax
    assert len({part.rate for part in per_rate}) == len(per_rate)


@settings(max_examples=200)
@given(LINES, st.lists(st.integers(min_value=1, max_value=10_000_000), max_size=6))
def test_credit_notes_add_up_to_the_invoice(lines, refunds):
    taxed = [(rate, line_tax(amount, rate, included=False)) for amount, rate in lines]
    invoice = [
        RatePart(part.rate, part.net_cents, part.tax_cents)
        for part in rate_totals("VAT", [(r, line.net_cents, line.tax_cents) for r, line in taxed])
    ]
    left = list(invoice)
    credited: dict[Decimal, list[int]] = {}
    for wanted in [*refunds, None]:  # None: the refund of everything left
        total_left = sum(part.gross_cents for part in left)
        if total_left == 0:
            break
        amount = total_left if wanted is None else min(wanted, total_left)
        parts = split_credit(amount, left)
        assert sum(part.gross_cents for part in parts) == amount
        for part in parts:
            assert part.net_cents + part.tax_cents == part.gross_cents
            entry = credited.setdefault(part.rate, [0, 0])
            entry[0] += part.net_cents
            entry[1] += part.tax_cents
        left = [
            RatePart(
                part.rate,
                part.net_cents - sum(p.net_cents for p in parts if p.rate == part.rate),
                part.tax_cents - sum(p.tax_cents for p in parts if p.rate == part.rate),
            )
            for part in left
        ]
        assert all(part.net_cents >= 0 and part.tax_cents >= 0 for part in left)
    for part in invoice:
        assert credited.get(part.rate, [0, 0]) == [part.net_cents, part.tax_cents] or (
            part.gross_cents == 0
        )
