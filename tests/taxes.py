"""Tax rates for the tests, added through the back office's own service."""

from __future__ import annotations

from datetime import date

from shop.catalog.enums import TaxClass
from shop.tax.rates import RateFields, add_rate
from shop.tax.vat_numbers import set_vat_number
from tests.factories import make_admin

A_WHILE_AGO = date(2020, 1, 1)

# (country, region, class, rate)
EU_RATES = (
    ("IE", "", TaxClass.STANDARD, "23"),
    ("IE", "", TaxClass.REDUCED, "13.5"),
    ("IE", "", TaxClass.ZERO, "0"),
    ("FR", "", TaxClass.STANDARD, "20"),
    ("FR", "", TaxClass.REDUCED, "5.5"),
    ("ES", "", TaxClass.STANDARD, "21"),
)
US_RATES = (
    ("US", "CA", TaxClass.STANDARD, "7.25"),
    ("US", "NY", TaxClass.STANDARD, "4"),
)


def add_rates(*rates, since: date = A_WHILE_AGO, actor=None):
    """Add ``rates`` ((country, region, class, per cent) tuples; default: a few EU ones)."""
    actor = actor or make_admin()
    return [
        add_rate(actor, RateFields(country, region, tax_class, rate, since), today=date.today())
        for country, region, tax_class, rate in (rates or EU_RATES)
    ]


def give_vat_number(user, number: str = "FR40303265045"):
    return set_vat_number(user, number)
