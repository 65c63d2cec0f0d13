"""The shop's error type and the handlers that turn errors into pages or JSON.

Services raise a ``ShopError`` subclass with a machine-readable code; views
let it travel. Under ``/api`` and ``/stripe`` (the webhook) every error is
JSON (``{"error": {"code", "message"}}``), never an HTML page.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, jsonify, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, NotFound, ServiceUnavailable

from shop.durations import describe_duration
from shop.extensions import db, limiter, login_manager

log = logging.getLogger(__name__)

API_PREFIX = "/api/"
# Paths that programs call: their errors are JSON too (Stripe reads the webhook's answers).
JSON_PREFIXES = (API_PREFIX, "/stripe/")
# Echoed values are cut to this many characters: a 100 KB slug must not make a 100 KB answer.
ECHO_LIMIT = 40
# A database restart or fail-over takes seconds; a client should not hammer it meanwhile.
RETRY_AFTER_SECONDS = 10
# What the DB-API calls trouble with the database itself, not with the statement: refused or
# lost connections, timeouts (connect, statement, the pool's wait), a missing SQLite file.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


NOT_FOUND_MESSAGE = (
    "There is no page at this address: it may have been mistyped, or the page has moved."
    " Search the catalogue or start again from its first page."
)


def quoted(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr`` of a value for a message, cut to its first ``limit`` characters."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + "…"


class ShopError(Exception):
    """A refusal the user can understand: ``code`` for programs, ``message`` for people."""

    status = 400

    def __init__(self, code: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


def is_api_request() -> bool:
    return request.path.startswith(JSON_PREFIXES)


# Codes for the HTTP errors werkzeug raises, as the API names them.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}


def json_error(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    return response


def _html_error(status: int, title: str, message: str) -> Response:
    template = "errors/404.html" if status == 404 else "errors/error.html"
    if status == 503:
        # Stands alone, not on the layout: the layout may come to read the database
        # (account menu, cart), and the database is what just failed.
        template = "errors/unavailable.html"
    html = render_template(template, status=status, title=title, message=message)
    return Response(html, status=status, mimetype="text/html")


def handle_shop_error(error: ShopError):
    if is_api_request():
        return json_error(error.status, error.code, error.message)
    return _html_error(error.status, "Not found" if error.status == 404 else "Sorry", error.message)


def rate_limited_message() -> str:
    """When to try again, in words; the Retry-After header says it to programs."""
    limit = limiter.current_limit
    wait = describe_duration(limit.reset_at - time.time()) if limit is not None else "a minute"
    return f"Too many requests from your address. Try again in {wait}."


def handle_http_exception(error: HTTPException):
    status = error.code or 500
    message, title = error.description or error.name, error.name
    if status == 404 and message == NotFound.description:  # the shop's words, not werkzeug's
        message, title = NOT_FOUND_MESSAGE, "Not found"
    if status == 429:  # say when to try again, in words as well as in Retry-After
        message, title = rate_limited_message(), "Too many attempts"
    if is_api_request():
        response = json_error(status, HTTP_CODES.get(status, "http_error"), message)
    else:
        response = _html_error(status, title, message)
    # Keep Allow on 405 and Retry-After on 429 and 503.
    original = error.get_response().headers
    for header in ("Allow", "Retry-After"):
        if original.get(header):
            response.headers[header] = original[header]
    return response


def handle_database_unavailable(error: SQLAlchemyError):
    """The database is down, unreachable, hung past its timeouts or not there: 503, not 500."""
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection that failed may fail its rollback too
        db.session.invalidate()
    # Nobody is logged in on this answer: its page must not look the session up again
    # in the database that just failed (Flask-Login's way to set the anonymous user).
    login_manager._update_request_context_with_user(None)
    reason = str(getattr(error, "orig", None) or error).strip().splitlines() or [""]
    log.error("database unavailable on %s %s: %s", request.method, request.path, reason[0])
    return handle_http_exception(
        ServiceUnavailable(
            "The shop is temporarily unavailable. Please try again in a moment.",
            retry_after=RETRY_AFTER_SECONDS,
        )
    )


def handle_unexpected_error(error: Exception):
    # A half-done transaction must not leak into the next request on this connection.
    db.session.rollback()
    log.exception("unhandled error on %s %s", request.method, request.path)
    if is_api_request():
        return json_error(500, "internal_error", "The server failed to answer this request.")
    return _html_error(
        500, "Something went wrong", "The server failed to answer. Nothing was changed; try again."
    )


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(ShopError, handle_shop_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    for error in DATABASE_UNAVAILABLE:
        app.register_error_handler(error, handle_database_unavailable)
    if not app.debug:  # in debug mode the interactive debugger shows the crash instead
        app.register_error_handler(Exception, handle_unexpected_error)
