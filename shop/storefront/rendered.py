"""Whole storefront pages, rendered once per state of what they show, with the
visitor's own words left as holes that are filled on every request.

A catalogue page is a function of the URL, the shared page (shop.catalog.pages,
cached under the catalogue token), the live stock it shows, and the audience:
anonymous, or a logged-in user with what the gate says of them as a buyer and
whether they administer the shop. Only three things on it belong to one visitor
alone: their name, their cart count and their CSRF token. So a page is kept, per
process, under the URL, the shared page, the stock and the audience, rendered with
a stand-in visitor whose name, cart count and token are random markers (holes);
each request fills the holes with its own visitor's words, escaped as the
template would have escaped them. The output is the page a direct rendering gives.

What the rendering can see is exactly what the key holds, so a kept page cannot
carry one visitor's parts to another:
- the stand-in user has only ``is_authenticated``, ``is_anonymous``, ``is_admin``
  and ``name`` (a hole); a template that reads anything else fails loudly;
- the buyer's standing is reduced to what the gate's verdicts show
  (``licensing.gate.verdict_standing``): for a verified professional, only the profession, so every
  verified physician shares the physicians' pages;
- a visitor with flashed messages gets a page rendered for them alone, and a
  rendering that touched the session (a template asking for something the
  stand-in does not hold) is not kept.

A kept page is used only with the very shared page it was rendered from, so it goes
when that one leaves the cache (a catalogue change, a clear, an eviction).
Rendering was about a quarter of a logged-in page view's time and a third of an
anonymous one's (README, "Benchmark").
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from shop.checkout.visitor import current_cart_count
from shop.licensing.gate import verdict_standing
from shop.lru import LRU
from shop.storefront.shopper import Shopper

# Pages per process. A listing page is about 65 KB, a product page about 8 KB, and
# each entry holds the shared page it was rendered from: under 10 MB in all.
SIZE = 128

# The holes: random per process, letters and digits only, so escaping leaves them as
# they are and no catalogue text can contain one.
_SALT = secrets.token_hex(8)
NAME = f"hole{_SALT}name"
CART_COUNT = f"hole{_SALT}count"
CSRF_TOKEN = f"hole{_SALT}csrf"
_HOLES = re.compile(f"({NAME}|{CART_COUNT}|{CSRF_TOKEN})")


@dataclass(frozen=True)
class StandIn:
    """The user as a kept page is rendered for: all the layout may read of them."""

    is_authenticated: bool
    is_admin: bool = False
    name: str = NAME

    @property
    def is_anonymous(self) -> bool:
        return not self.is_authenticated


ANONYMOUS_USER = StandIn(False)


@dataclass(frozen=True)
class Kept:
    shared: Any  # the shared page it was rendered from
    pieces: tuple[str, ...]  # text and holes, alternately


def _pages() -> LRU:
    """key -> Kept; one store per app (tests run several in one process)."""
    pages = current_app.extensions.get("storefront_pages")
    if pages is None:
        pages = current_app.extensions.setdefault("storefront_pages", LRU(SIZE))
    return pages


def render_page(template: str, page: Any, shopper: Shopper | None = None) -> str:
    """The page for this request's visitor: ``page`` is the shared page, ``shopper``
    the visitor with the live stock read with it (None on pages without products)."""
    # current_user first: a remember cookie logs the visitor in and fills the session.
    user = ANONYMOUS_USER if current_user.is_anonymous else StandIn(True, current_user.is_admin)
    if "_flashes" in session:  # shown once, to this visitor
        return render_template(template, page=page, shopper=shopper)
    stand_in = None
    audience: tuple = (user,)
    if shopper is not None:
        stand_in = shopper.rendered_as(verdict_standing(shopper.standing), CSRF_TOKEN)
        # Whether prices show follows from the standing and PRICES_VISIBLE_TO, both in the key.
        audience = (user, stand_in.standing)
    key = (
        template,
        request.host,
        request.script_root,
        request.full_path,
        current_app.config["PRICES_VISIBLE_TO"],
        tuple(sorted(shopper.stock.items())) if shopper else (),
        audience,
    )
    pages = _pages()
    kept = pages.get(key)
    if kept is None or kept.shared is not page:
        kept = _render(template, page, user, stand_in)
        if kept is not None:
            pages.put(key, kept)
        else:  # the rendering reached for the visitor's own state: theirs alone
            return render_template(template, page=page, shopper=shopper)
    return _filled(kept, shopper)


def _render(template: str, page: Any, user: StandIn, shopper: Shopper | None) -> Kept | None:
    """The page rendered for the stand-in, or None if that touched the session."""
    modified = session.modified
    session.modified = False
    body = render_template(
        template,
        page=page,
        shopper=shopper,
        current_user=user,
        cart_count=CART_COUNT,
        csrf_token=lambda: CSRF_TOKEN,
    )
    touched = session.modified
    session.modified = modified or touched
    if touched:
        return None
    return Kept(page, tuple(_HOLES.split(body)))


def _filled(kept: Kept, shopper: Shopper | None) -> str:
    """The kept page with this visitor's own words in its holes."""
    pieces = kept.pieces
    if len(pieces) == 1:
        return pieces[0]
    words: dict[str, str] = {}
    filled = list(pieces)
    for at in range(1, len(filled), 2):
        hole = filled[at]
        if hole not in words:
            words[hole] = _word(hole, shopper)
        filled[at] = words[hole]
    return "".join(filled)


def _word(hole: str, shopper: Shopper | None) -> str:
    if hole == NAME:
        return str(escape(current_user.name))
    if hole == CART_COUNT:
        return str(current_cart_count())
    # Made only when a form asks for it: an anonymous page never opens a session.
    return str(escape(shopper.csrf_token if shopper else generate_csrf()))
