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

import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from flask import current_app, render_template, request, session
from flask_login import current_user

# Pages per process. A listing page is about 65 KB, a product page about 8 KB, and
# each entry holds the shared page it was rendered from: a few MB at most.
SIZE = 64


class _Pages:
    """A small LRU of rendered pages, one per app (tests run several in one process)."""

    def __init__(self, size: int) -> None:
        self.size = size
        # key -> (the shared page it was rendered from, the page's text)
        self.entries: OrderedDict[Hashable, tuple[Any, str]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable, shared: Any) -> str | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] is not shared:
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def put(self, key: Hashable, shared: Any, body: str) -> None:
        with self.lock:
            self.entries[key] = (shared, body)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def _pages() -> _Pages:
    pages = current_app.extensions.get("storefront_pages")
    if pages is None:
        pages = current_app.extensions.setdefault("storefront_pages", _Pages(SIZE))
    return pages


def _sessionless() -> bool:
    # current_user first: a remember cookie logs the visitor in and fills the session.
    return request.method in ("GET", "HEAD") and current_user.is_anonymous and not session


def render_page(template: str, page: Any, live: Mapping | None = None, **context) -> str:
    """The page, from the kept ones when the visitor has no session and nothing it
    shows has changed (``page``: the shared page; ``live``: the figures read with it)."""
    if not _sessionless():
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
    body = pages.get(key, page)
    if body is None:
        body = render_template(template, page=page, **context)
        if not session and not session.modified:
            pages.put(key, page, body)
    return body
