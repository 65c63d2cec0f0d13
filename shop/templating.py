"""Helpers shared by every domain and page: money, dates, the layout's links, and the
Jinja environment for what is cached and shown to every visitor alike.

Nothing here imports a domain, so any domain may import it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from urllib.parse import urlencode

from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency
from flask import Flask, current_app, has_request_context, request, url_for
from jinja2 import Environment, StrictUndefined
from jinja2.defaults import DEFAULT_NAMESPACE
from markupsafe import Markup

DEFAULT_LOCALE = "en_IE"


def _locale() -> str:
    return current_app.config.get("SHOP_LOCALE", DEFAULT_LOCALE) if current_app else DEFAULT_LOCALE


def format_money(amount_cents: int, currency: str, locale: str | None = None) -> str:
    """'€149.00' for 14900 EUR: integer cents in, a price for people out."""
    return format_currency(Decimal(amount_cents) / 100, currency, locale=locale or _locale())


def format_date(value: date, locale: str | None = None) -> str:
    """'3 March 2027': a date as a sentence says it."""
    return babel_format_date(value, "d MMMM y", locale=locale or _locale())


def format_date_time(value: datetime) -> str:
    """'3 Mar 2027, 14:05 UTC': when something happened, in the zone it is stored in."""
    moment = value.astimezone(UTC)
    day = babel_format_date(moment, format="medium", locale=_locale())
    return f"{day}, {moment:%H:%M} UTC"


_LAYOUT_LINKS = {
    "home": ("storefront.home", {}),
    "products": ("storefront.product_list", {}),
    "indications": ("storefront.indication_list", {}),
    "ingredients": ("storefront.ingredient_list", {}),
    "css": ("static", {"filename": "css/shop.css"}),
    "js": ("static", {"filename": "js/shop.js"}),
    "favicon": ("static", {"filename": "img/favicon.svg"}),
    "bootstrap_css": ("bootstrap.static", {"filename": "css/bootstrap.min.css"}),
    "popper_js": ("bootstrap.static", {"filename": "umd/popper.min.js"}),
    "bootstrap_js": ("bootstrap.static", {"filename": "js/bootstrap.min.js"}),
}


def _built_urls(name: str) -> dict[str, str]:
    """This app's URLs already built for this request's mount point, under ``name``:
    url_for costs more than the rest of a small fragment, and these never change."""
    built: dict[str, dict[str, dict[str, str]]] = current_app.extensions.setdefault(
        "shop_built_urls", {}
    )
    return built.setdefault(name, {}).setdefault(request.script_root, {})


def layout_links() -> dict[str, str]:
    """The layout's URLs, built once per mount point instead of on every page."""
    links = _built_urls("layout")
    if not links:
        links.update(
            (name, url_for(endpoint, **values))
            for name, (endpoint, values) in _LAYOUT_LINKS.items()
        )
    return links


# What url_for leaves unescaped in a query string (werkzeug's choice), so that link()
# writes the same URLs as url_for.
_QUERY_SAFE = "!$'()*,/:;?@"


def link(endpoint: str, **query: str) -> str:
    """``url_for(endpoint, **query)`` for a route without path arguments: the route's URL
    is built once per mount point, since the account menu and the buy box ask for the
    same few on every page; only the query string, if any, is written per call."""
    urls = _built_urls("endpoints")
    url = urls.get(endpoint)
    if url is None:
        url = urls[endpoint] = url_for(endpoint)
    return f"{url}?{urlencode(query, safe=_QUERY_SAFE)}" if query else url


# Shared fragments ------------------------------------------------------------
#
# Parts of a page that every visitor sees alike are rendered once and cached under
# the catalogue token. They are rendered in an environment that has no way to reach
# the visitor: no request, session, g, flashes, CSRF token or current_user (Flask-Login
# adds it through a context processor, which these renders never run), and a name it
# does not know is an error instead of an empty string. So a shared template that tried
# to show a visitor's name or token fails when it is built instead of leaking.
SHARED_GLOBALS = ("url_for", "shop_name")


def shared_environment(app: Flask) -> Environment:
    env = app.extensions.get("shop.shared_jinja")
    if env is None:
        # Its own template cache: a template compiled here is bound to these globals.
        env = app.jinja_env.overlay(undefined=StrictUndefined, cache_size=200)
        env.globals = {
            **DEFAULT_NAMESPACE,
            **{name: app.jinja_env.globals[name] for name in SHARED_GLOBALS},
        }
        app.extensions["shop.shared_jinja"] = env
    return env


def shared_macro(template: str, macro: str):
    """A macro of a shared template, rendered without any visitor context."""
    module = shared_environment(current_app._get_current_object()).get_template(template).module
    return getattr(module, macro)


def render_shared(template: str, macro: str, /, **context) -> Markup:
    return Markup(shared_macro(template, macro)(**context))


def register_template_helpers(app: Flask) -> None:
    # Mail rendered by the worker or a CLI command has no request and needs no links.
    app.context_processor(lambda: {"links": layout_links()} if has_request_context() else {})
    app.jinja_env.globals["shop_name"] = app.config["SHOP_NAME"]
    app.jinja_env.globals["link"] = link
    app.jinja_env.globals["format_money"] = format_money
    app.jinja_env.globals["format_date"] = format_date
    app.jinja_env.filters["long_date"] = format_date
    app.jinja_env.filters["date_time"] = format_date_time
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
