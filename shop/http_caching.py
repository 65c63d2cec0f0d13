"""Who may keep a copy of a response: the ``Cache-Control`` every page and API read gets.

- A response to a visitor who has a session (logged in, remembered, or holding a
  form's CSRF token), or that starts one, is ``private, no-store``: it may carry
  their name, their cart or their data, and no proxy or browser history keeps it.
- A public read (the catalogue's pages and the API) for a visitor without a session
  is ``public`` with a short ``max-age`` (``PUBLIC_MAX_AGE``), so a proxy in front may
  serve it for that long; its ``ETag`` (set by the view) lets a browser or the proxy
  ask again for a 304.
- A media file at its content-hash URL (shop.media) keeps the ``public, immutable``
  its view set, whoever asks: its bytes are the same for everyone, forever.
- Anything else keeps what its view set.

A public read's ETag is made of what it shows that can change: the catalogue token,
the stock figures, the price setting and the release of the code that renders it.
The view computes it before the costly part, and a conditional GET whose copy is
current gets a 304 at once (``unchanged``). A private response drops its ETag: it
shows more than those.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import Flask, Response, current_app, request, session

from shop.config import ROOT

PUBLIC_BLUEPRINTS = frozenset(["storefront", "api"])
IMMUTABLE_BLUEPRINTS = frozenset(["media"])
READS = frozenset(["GET", "HEAD"])


def has_session(response: Response) -> bool:
    """Whether this exchange belongs to one visitor: a session or remember cookie came
    in, or the response starts a session or sets any cookie."""
    return bool(_has_session_cookie() or session or response.headers.get("Set-Cookie"))


@cache
def release() -> str:
    """A fingerprint of the code and templates this process serves pages from, so that a
    deploy that changes a page changes its ETag too."""
    digest = hashlib.blake2b(digest_size=16)
    for folder, pattern in ((ROOT / "shop", "*.py"), (ROOT / "templates", "*.html")):
        for path in sorted(folder.rglob(pattern)):
            digest.update(path.relative_to(ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def public_etag(token: str, stock: Mapping[int, Any] | None = None) -> str:
    """The ETag of a public read showing the catalogue at ``token`` and this stock."""
    parts = (
        release(),
        current_app.config["PRICES_VISIBLE_TO"],
        token,
        sorted((stock or {}).items()),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def unchanged(etag: str) -> Response | None:
    """A 304 when a visitor without a session already holds this version, else None."""
    if etag not in request.if_none_match or _has_session_cookie():
        return None
    response = current_app.response_class(status=304)
    response.set_etag(etag)
    return response


def with_etag(response: Response, etag: str) -> Response:
    response.set_etag(etag)
    return response


def _has_session_cookie() -> bool:
    config = current_app.config
    cookies = request.cookies
    return (
        config["SESSION_COOKIE_NAME"] in cookies or config["REMEMBER_DEVICE_COOKIE_NAME"] in cookies
    )


def register_cache_control(app: Flask) -> None:
    @app.after_request
    def _cache_control(response: Response) -> Response:
        if (
            request.blueprint in IMMUTABLE_BLUEPRINTS
            and response.status_code in (200, 304)
            and not response.headers.get("Set-Cookie")
        ):
            return response
        if has_session(response):
            response.headers["Cache-Control"] = "private, no-store"
            response.headers.pop("ETag", None)
        elif (
            "Cache-Control" not in response.headers
            and request.method in READS
            and request.blueprint in PUBLIC_BLUEPRINTS
            and response.status_code in (200, 301, 304)
        ):
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE"]
        return response
