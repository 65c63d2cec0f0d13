"""Catalogue values as people type them: a price as money, a volume or concentration
as a decimal, a slug made from a name. The back office's forms and the CSV import
read them the same way, and the export writes them so they read back unchanged."""

from __future__ import annotations

import re
from decimal import Decimal

from shop.catalog.search import normalise

MONEY = re.compile(r"^[0-9]{1,7}(?:\.[0-9]{1,2})?$")
# A concentration: the database keeps four decimals.
DECIMAL = re.compile(r"^[0-9]{1,6}(?:\.[0-9]{1,4})?$")
# A volume in ml: the database keeps two decimals.
VOLUME = re.compile(r"^[0-9]{1,5}(?:\.[0-9]{1,2})?$")


def price_cents(text: str) -> int:
    """'149', '149.5', '149.50' -> 14950; ValueError for anything else."""
    text = (text or "").strip().replace(",", "")
    if not MONEY.match(text):
        raise ValueError(text)
    return int(Decimal(text) * 100)


def format_price(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def decimal_text(value: Decimal | None) -> str:
    return "" if value is None else format(Decimal(value).normalize(), "f")


def slug_from(name: str) -> str:
    """A slug made from a name: 'Acide hyaluronique 2 %' -> 'acide-hyaluronique-2'."""
    return "-".join(normalise(name).split())[:80].strip("-")
