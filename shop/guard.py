"""What every request must be before any view, service or database sees it.

A URL longer than the app serves answers 414. A path with control characters or
bytes that are not UTF-8 answers 404: no page can have such a name. A query
string with them answers 400. Checked here once, these hold for every route,
present and future, and on every database alike (PostgreSQL refuses NUL in text
with an error; SQLite quietly finds nothing).
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote_to_bytes

from flask import Flask, request
from werkzeug.exceptions import NotFound, RequestURITooLarge

from shop.errors import ShopError

# Longest URL (path and query string, in bytes) the app answers; longer ones get 414.
# The OpenAPI document says so, and gunicorn.conf.py lets such URLs through to the app.
MAX_URL_LENGTH = 8192
# C0 and C1 control characters, DEL included.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# ... and U+FFFD, which stands where some decoder already met bytes that were not UTF-8.
REFUSED_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffd]")


def printable(text: str) -> str:
    """The text with each control character written as an escape, for logs."""
    return CONTROL_CHARACTERS.sub(lambda match: repr(match.group())[1:-1], text)


def _text(wsgi_bytes: str, *, unquote: bool) -> str | None:
    """What a WSGI string (bytes carried as latin-1) says, or None unless clean UTF-8 text."""
    try:
        raw = wsgi_bytes.encode("latin-1")
        text = (unquote_to_bytes(raw) if unquote else raw).decode("utf-8")
    except UnicodeError:
        return None
    return None if REFUSED_CHARACTERS.search(text) else text


def request_target_length(environ: dict) -> int:
    """Length in bytes of the URL's path and query string, as the client sent them."""
    query = environ.get("QUERY_STRING", "")
    path = quote(
        environ.get("PATH_INFO", "").encode("latin-1", "replace"), safe="/:@!$&'()*+,;=-._~"
    )
    # RAW_URI (gunicorn, werkzeug) is exact; servers that give none get the path re-encoded.
    return max(len(environ.get("RAW_URI", "")), len(path) + bool(query) + len(query))


def check_request(_endpoint: str | None, _values: dict | None) -> None:
    environ = request.environ
    if request_target_length(environ) > MAX_URL_LENGTH:
        raise RequestURITooLarge(f"URLs are limited to {MAX_URL_LENGTH} bytes.")
    if _text(environ.get("PATH_INFO", ""), unquote=False) is None:
        raise NotFound()
    if _text(environ.get("QUERY_STRING", ""), unquote=True) is None:
        raise ShopError(
            "invalid_parameter",
            "Query parameters must be UTF-8 text without control characters.",
        )


def register_request_guard(app: Flask) -> None:
    # An app-wide URL value preprocessor runs before anything else Flask runs for a
    # request: before every blueprint's URL value preprocessors and before_request
    # functions, so none of them meets a value that has not been checked.
    app.url_value_preprocessor(check_request)
