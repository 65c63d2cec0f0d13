"""The rounding rule, written once; everything that needs tax in cents comes here.

Tax is worked out **per line**, in the smallest unit of the currency (cents),
rounding halves away from zero (``ROUND_HALF_UP``). A line is a product line (unit
price × quantity) or the shipping.

- Prices entered net: ``tax = round(net × rate / 100)``, ``gross = net + tax``.
- Prices entered gross: ``net = gross − round(gross × r / (100 + r))``, where ``r`` is
  the destination's rate for the class; ``tax = gross − net`` when that rate is
  charged, and 0 when it is not (reverse charge, exemption): the buyer then pays net.

An order's net, tax and gross are the sums of its lines'; its tax per rate is the sum
of the tax of its lines at that rate. So the lines add up to the totals, and
net + tax = gross for every line and for the order.

A refund is credited at the invoice's rates: its amount is split over the rates in
proportion to what is left to credit at each (the odd cents go to the largest
remainders), and each part's tax is worked out from its gross as above. A refund that
leaves nothing to credit takes exactly what is left at each rate, so an order's credit
notes add up to its invoice, line by line of the breakdown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)


def round_cents(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class LineTax:
    net_cents: int
    tax_cents: int

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.tax_cents


def line_tax(
    amount_cents: int, rate: Decimal, *, included: bool, included_rate: Decimal | None = None
) -> LineTax:
    """Net and tax of one line of ``amount_cents`` (as entered) at ``rate`` per cent.

    ``included``: the amount is gross, with ``included_rate`` (default: ``rate``) in it.
    """
    rate = Decimal(rate)
    if not included:
        return LineTax(amount_cents, round_cents(amount_cents * rate / HUNDRED))
    inside = Decimal(rate if included_rate is None else included_rate)
    net = amount_cents - round_cents(amount_cents * inside / (HUNDRED + inside))
    if rate == inside:
        return LineTax(net, amount_cents - net)
    return LineTax(net, round_cents(net * rate / HUNDRED))


@dataclass(frozen=True)
class RatePart:
    """What an invoice or a credit note holds at one rate."""

    rate: Decimal
    net_cents: int
    tax_cents: int

    @property
    def gross_cents(self) -> int:
        return self.net_cents + self.tax_cents


def split_credit(amount_cents: int, left: Sequence[RatePart]) -> list[RatePart]:
    """``amount_cents`` (gross) credited over what is ``left`` to credit at each rate.

    Raises ValueError when the amount is more than what is left.
    """
    total_left = sum(part.gross_cents for part in left)
    if amount_cents > total_left or amount_cents < 0:
        raise ValueError(f"cannot credit {amount_cents} of {total_left}")
    if amount_cents == total_left:
        return [part for part in left if part.gross_cents or part.net_cents]
    shares = [amount_cents * part.gross_cents // total_left for part in left]
    remainders = sorted(
        range(len(left)),
        key=lambda i: (-(amount_cents * left[i].gross_cents % total_left), i),
    )
    for index in remainders[: amount_cents - sum(shares)]:
        shares[index] += 1
    parts = []
    for part, gross in zip(left, shares, strict=True):
        if not gross:
            continue
        tax = min(part.tax_cents, round_cents(gross * part.rate / (HUNDRED + part.rate)))
        parts.append(RatePart(part.rate, gross - tax, tax))
    return parts
