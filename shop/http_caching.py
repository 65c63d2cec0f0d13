"""Who may keep a copy of a response: the ``Cache-Control`` every page and API read gets.

- A response to a visitor who has a session (logged in, remembered, or holding a
  form's CSRF token), or that starts one, is ``private, no-store``: it may carry
  their name, their cart or their data, and no proxy or browser history keeps it.
- A public read (the catalogue's pages and the API) for a visitor without a session
  is ``public`` with a short ``max-age`` (``PUBLIC_MAX_AGE``), so a proxy in front may
  serve it for that long; its ``ETag`` (set by the view) lets a browser or the proxy
  ask again for a 304.
- Anything else keeps what its view set.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session
from flask_login.config import COOKIE_NAME as REMEMBER_COOKIE

PUBLIC_BLUEPRINTS = frozenset(["storefront", "api"])
READS = frozenset(["GET", "HEAD"])


def has_session(response: Response) -> bool:
    """Whether this exchange belongs to one visitor: a session or remember cookie came
    in, or the response starts a session or sets any cookie."""
    config = current_app.config
    cookies = request.cookies
    return bool(
        config["SESSION_COOKIE_NAME"] in cookies
        or config.get("REMEMBER_COOKIE_NAME", REMEMBER_COOKIE) in cookies
        or session
        or response.headers.get("Set-Cookie")
    )


def register_cache_control(app: Flask) -> None:
    @app.after_request
    def _cache_control(response: Response) -> Response:
        if has_session(response):
            response.headers["Cache-Control"] = "private, no-store"
        elif (
            "Cache-Control" not in response.headers
            and request.method in READS
            and request.blueprint in PUBLIC_BLUEPRINTS
            and response.status_code in (200, 301, 304)
        ):
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config["PUBLIC_MAX_AGE"]
        return response
