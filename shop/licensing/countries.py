"""Issuing countries: ISO 3166-1 alpha-2 codes with their English names, from babel (CLDR)."""

from __future__ import annotations

from functools import cache

import babel

# CLDR's two-letter territories that ISO 3166-1 does not assign to a country:
# groupings (EU, EZ, UN), the unknown region (ZZ), outlying Oceania (QO), pseudo
# locales (XA, XB), user-assigned Kosovo (XK) and the exceptionally reserved codes.
_NOT_ISO_COUNTRIES = frozenset(
    {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK", "AC", "CP", "CQ", "DG", "EA", "IC", "TA"}
)


@cache
def country_names() -> dict[str, str]:
    """Code to English name, sorted by name (the order a select shows them in)."""
    territories = babel.Locale("en").territories
    codes = [
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_ISO_COUNTRIES
    ]
    return {code: territories[code] for code in sorted(codes, key=lambda c: territories[c])}


def is_country(code: str) -> bool:
    return code in country_names()


def country_name(code: str) -> str:
    return country_names().get(code, code)
