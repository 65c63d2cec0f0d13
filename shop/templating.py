"""Template helpers shared by every page: money, pack sizes, the shop's name."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from flask import Flask, current_app

from shop.catalog.enums import ProductForm


def format_money(amount_cents: int, currency: str, locale: str | None = None) -> str:
    """'€149.00' for 14900 EUR: integer cents in, a price for people out."""
    locale = locale or current_app.config.get("SHOP_LOCALE", "en_IE")
    return format_currency(Decimal(amount_cents) / 100, currency, locale=locale)


def format_volume(volume_ml: Decimal) -> str:
    text = format(volume_ml.normalize(), "f")
    return f"{text} ml"


_PLURALS = {
    ProductForm.VIAL: ("vial", "vials"),
    ProductForm.AMPOULE: ("ampoule", "ampoules"),
    ProductForm.PREFILLED_SYRINGE: ("prefilled syringe", "prefilled syringes"),
}


def format_pack(units_per_pack: int, volume_ml: Decimal, form: str) -> str:
    """'10 × 5 ml vials', '1 × 2 ml prefilled syringe'."""
    singular, plural = _PLURALS.get(ProductForm(form), (form, form))
    noun = singular if units_per_pack == 1 else plural
    return f"{units_per_pack} × {format_volume(volume_ml)} {noun}"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["money"] = format_money
    app.jinja_env.globals["shop_name"] = app.config["SHOP_NAME"]
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
