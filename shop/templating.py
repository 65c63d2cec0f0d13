"""Template helpers shared by every page: money, pack sizes, the shop's name."""

from __future__ import annotations

from decimal import Decimal

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency
from flask import Flask, current_app, request, url_for

from shop.catalog.enums import ProductForm
from shop.catalog.stencil import hole


def format_money(amount_cents: int, currency: str, locale: str | None = None) -> str:
    """'€149.00' for 14900 EUR: integer cents in, a price for people out."""
    locale = locale or current_app.config.get("SHOP_LOCALE", "en_IE")
    return format_currency(Decimal(amount_cents) / 100, currency, locale=locale)


def format_date(value, locale: str | None = None) -> str:
    """'3 March 2027': a date as a sentence says it."""
    locale = locale or current_app.config.get("SHOP_LOCALE", "en_IE")
    return babel_format_date(value, "d MMMM y", locale=locale)


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


_LAYOUT_LINKS = {
    "home": ("catalog.home", {}),
    "products": ("catalog.product_list", {}),
    "indications": ("catalog.indication_list", {}),
    "ingredients": ("catalog.ingredient_list", {}),
    "css": ("static", {"filename": "css/shop.css"}),
    "js": ("static", {"filename": "js/shop.js"}),
    "favicon": ("static", {"filename": "img/favicon.svg"}),
    "bootstrap_css": ("bootstrap.static", {"filename": "css/bootstrap.min.css"}),
    "popper_js": ("bootstrap.static", {"filename": "umd/popper.min.js"}),
    "bootstrap_js": ("bootstrap.static", {"filename": "js/bootstrap.min.js"}),
}


def layout_links() -> dict[str, str]:
    """The layout's URLs, built once per mount point instead of on every page."""
    built: dict[str, dict[str, str]] = current_app.extensions.setdefault("shop_layout_links", {})
    links = built.get(request.script_root)
    if links is None:
        links = {
            name: url_for(endpoint, **values) for name, (endpoint, values) in _LAYOUT_LINKS.items()
        }
        built[request.script_root] = links
    return links


def register_template_helpers(app: Flask) -> None:
    app.context_processor(lambda: {"links": layout_links()})
    app.jinja_env.globals["shop_name"] = app.config["SHOP_NAME"]
    app.jinja_env.globals["stock_hole"] = hole
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
