"""Helpers shared by every domain and page: money and dates for people, and the
template globals.

Nothing here imports a domain, so any domain may import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency
from flask import Flask, current_app

DEFAULT_LOCALE = "en_IE"


def _locale() -> str:
    return current_app.config.get("SHOP_LOCALE", DEFAULT_LOCALE) if current_app else DEFAULT_LOCALE


def format_money(amount_cents: int, currency: str, locale: str | None = None) -> str:
    """'€149.00' for 14900 EUR: integer cents in, a price for people out."""
    return _formatted_money(amount_cents, currency, locale or _locale())


# A listing formats a hundred prices a page, and Babel takes tens of microseconds each.
@lru_cache(maxsize=4096)
def _formatted_money(amount_cents: int, currency: str, locale: str) -> str:
    return format_currency(Decimal(amount_cents) / 100, currency, locale=locale)


def format_date(value: date, locale: str | None = None) -> str:
    """'3 March 2027': a date as a sentence says it."""
    return babel_format_date(value, "d MMMM y", locale=locale or _locale())


def format_date_time(value: datetime) -> str:
    """'3 Mar 2027, 14:05 UTC': when something happened, in the zone it is stored in."""
    moment = value.astimezone(UTC)
    day = babel_format_date(moment, format="medium", locale=_locale())
    return f"{day}, {moment:%H:%M} UTC"


def rate_percent(rate: Decimal | int | str) -> str:
    """'23%', '13.5%': a tax rate for people."""
    return f"{format(Decimal(rate).normalize(), 'f')}%"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.globals["shop_name"] = app.config["SHOP_NAME"]
    app.jinja_env.globals["format_money"] = format_money
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.globals["rate_percent"] = rate_percent
    app.jinja_env.filters["long_date"] = format_date
    app.jinja_env.filters["date_time"] = format_date_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
