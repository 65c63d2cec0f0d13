"""Error tracking with Sentry, on only when ``SENTRY_DSN`` is set, and with no personal data.

An unhandled error in a request, the worker or a command, and any line logged at
ERROR, become a Sentry event tagged with the request id. Nothing about the person
leaves the shop: the SDK's own collection of personal data is off, and every event
passes through ``scrub`` before it is sent, which keeps of a request only its method,
path and a few plain headers (no body, cookies, query string or address), drops the
user, local variables and SQL parameters, and masks e-mail addresses in whatever
text remains (messages, exception values, breadcrumbs).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, has_request_context

from shop.logs import request_id

# Request headers that say nothing about who is asking.
KEPT_HEADERS = frozenset(["accept", "content-type", "content-length", "x-request-id", "user-agent"])
EMAIL = re.compile(r"[^\s@<>()\[\]{}'\",;:]+@[^\s@<>()\[\]{}'\",;:]+\.[A-Za-z]{2,}")
# SQLAlchemy appends the statement's values to its errors: they may be anyone's data.
SQL_PARAMETERS = re.compile(r"\[parameters: .*?\](?=\s*(\(Background|$))", re.DOTALL)


def init_error_tracking(app: Flask) -> None:
    dsn = app.config.get("SENTRY_DSN")
    if not dsn:
        return
    import sentry_sdk
    from sentry_sdk.integrations.flask import FlaskIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=app.config.get("SENTRY_ENVIRONMENT") or app.config["SHOP_ENV"],
        release=app.config.get("SENTRY_RELEASE"),
        traces_sample_rate=app.config["SENTRY_TRACES_SAMPLE_RATE"],
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        integrations=[FlaskIntegration()],
        before_send=scrub,
        before_breadcrumb=scrub_breadcrumb,
        # Tests hand in a transport that keeps the events (no network).
        transport=app.config.get("SENTRY_TRANSPORT"),
    )


def scrub(event: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    """The event with nothing personal left in it."""
    event.pop("user", None)
    (event.get("extra") or {}).pop("sys.argv", None)  # a command's arguments: an address
    request = event.get("request")
    if isinstance(request, dict):
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": str(request.get("url") or "").split("?", 1)[0],
            "headers": {k: v for k, v in headers.items() if k.lower() in KEPT_HEADERS},
        }
    if has_request_context():
        event.setdefault("tags", {})["request_id"] = request_id()
    for exception in (event.get("exception") or {}).get("values") or []:
        if isinstance(exception.get("value"), str):
            exception["value"] = _clean(exception["value"])
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        for key in ("message", "formatted"):
            if isinstance(logentry.get(key), str):
                logentry[key] = _clean(logentry[key])
        logentry.pop("params", None)
    if isinstance(event.get("message"), str):
        event["message"] = _clean(event["message"])
    breadcrumbs = event.get("breadcrumbs")
    if isinstance(breadcrumbs, dict):
        breadcrumbs["values"] = [scrub_breadcrumb(b, {}) for b in breadcrumbs.get("values") or []]
    return event


def scrub_breadcrumb(crumb: dict[str, Any], _hint: dict[str, Any]) -> dict[str, Any]:
    if isinstance(crumb.get("message"), str):
        crumb["message"] = _clean(crumb["message"])
    data = crumb.get("data")
    if isinstance(data, dict):
        crumb["data"] = {
            key: _clean(value) if isinstance(value, str) else value
            for key, value in data.items()
            if "param" not in key.lower() and key != "http.query"  # SQL values, query strings
        }
        if isinstance(crumb["data"].get("url"), str):
            crumb["data"]["url"] = crumb["data"]["url"].split("?", 1)[0]
    return crumb


def _clean(text: str) -> str:
    return EMAIL.sub("[email]", SQL_PARAMETERS.sub("[parameters hidden]", text))
