"""The seller, as configured (SELLER_* and PRICES_ENTERED), and what a price includes.

These are configuration, not rows: every invoice prints them (and keeps them, since its
PDF never changes), and the label beside a price ("excl. VAT", "incl. VAT", "plus sales
tax") is a function of this configuration and, at most, of the buyer's country, so a
catalogue page costs no query for it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from shop.licensing.regions import EU_COUNTRIES

# Where the tax on a sale is a sales tax added at the till rather than a VAT.
SALES_TAX_COUNTRIES = frozenset({"US", "CA"})
GST_COUNTRIES = frozenset({"AU", "NZ", "SG", "IN", "MY"})


@dataclass(frozen=True)
class Seller:
    legal_name: str
    address: str  # lines separated by newlines
    country: str  # ISO 3166-1 alpha-2: the country it sells from
    vat_number: str
    prices_include_tax: bool  # PRICES_ENTERED = "gross"

    @property
    def address_lines(self) -> list[str]:
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    @property
    def in_eu(self) -> bool:
        return self.country in EU_COUNTRIES


def seller_of(config: Mapping[str, object]) -> Seller:
    return Seller(
        legal_name=str(config.get("SELLER_LEGAL_NAME") or ""),
        address=str(config.get("SELLER_ADDRESS") or "").replace("\\n", "\n"),
        country=str(config.get("SELLER_COUNTRY") or "IE"),
        vat_number=str(config.get("SELLER_VAT_NUMBER") or ""),
        prices_include_tax=config.get("PRICES_ENTERED") == "gross",
    )


def tax_name(country: str) -> str:
    """What the tax on a sale is called there: "VAT", "sales tax", "GST"."""
    if country in SALES_TAX_COUNTRIES:
        return "sales tax"
    if country in GST_COUNTRIES:
        return "GST"
    return "VAT"


@lru_cache(maxsize=64)
def _label(prices_include_tax: bool, name: str) -> str:
    if prices_include_tax:
        return f"incl. {name}"
    return "plus sales tax" if name == "sales tax" else f"excl. {name}"


def price_label(config: Mapping[str, object], buyer_country: str | None = None) -> str:
    """What a catalogue price includes, said to a buyer of ``buyer_country`` (None: the
    seller's own country, for anonymous visitors and the API)."""
    country = buyer_country or str(config.get("SELLER_COUNTRY") or "IE")
    return _label(config.get("PRICES_ENTERED") == "gross", tax_name(country))
