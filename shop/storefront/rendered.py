"""Whole pages for visitors without a session, rendered once per state of what they show.

A visitor with no session (no cookie: a first visit, a crawler, most of the
catalogue's traffic) sees nothing of their own: no name, cart, CSRF token, flash
or verdict but "Log in". Their page is a function of the URL, the shared page
(shop.catalog.pages, cached under the catalogue token) and the live stock it
shows, so it is kept, per process, under exactly those; any other visitor's page
is rendered per request. A kept page is used only with the very shared page it
was rendered from, so it goes when that one leaves the cache (a catalogue
change, a clear, an eviction). A page whose rendering touched the session (a CSRF
token, a flash) is not kept: it would be someone's. Rendering was about a third of
a cached page view's time on PostgreSQL (README, "Benchmark").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app, render_template, request, session
from flask_login import current_user

from shop.lru import LRU

# Pages per process. A listing page is about 65 KB, a product page about 8 KB, and
# each entry holds the shared page it was rendered from: a few MB at most.
SIZE = 64


def _pages() -> LRU:
    """key -> (the shared page it was rendered from, the page's text); one per app
    (tests run several in one process)."""
    pages = current_app.extensions.get("storefront_pages")
    if pages is None:
        pages = current_app.extensions.setdefault("storefront_pages", LRU(SIZE))
    return pages


def render_page(template: str, page: Any, live: Mapping | None = None, **context) -> str:
    """The page, from the kept ones when the visitor has no session and nothing it
    shows has changed (``page``: the shared page; ``live``: the figures read with it)."""
    # The storefront's routes are all GET (and HEAD): the method needs no check.
    # current_user first: a remember cookie logs the visitor in and fills the session.
    if not current_user.is_anonymous or session:
        return render_template(template, page=page, **context)
    figures = tuple(sorted(live.items())) if live else ()
    key = (
        template,
        request.host,
        request.script_root,
        request.full_path,
        current_app.config["PRICES_VISIBLE_TO"],
        figures,
    )
    pages = _pages()
    kept = pages.get(key)
    if kept is not None and kept[0] is page:
        return kept[1]
    body = render_template(template, page=page, **context)
    if not session and not session.modified:
        pages.put(key, (page, body))
    return body
