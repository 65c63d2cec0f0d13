"""Request ids, and log lines that carry them and nothing raw from the request.

Every response carries ``X-Request-ID``: the one the client or proxy sent when it
is short and plain, otherwise a new one. Log records made while a request is
served carry the same id (``%(request_id)s``), so one line in the access log
leads to every line the app wrote for that request.
"""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from flask import Flask, Response, has_request_context, request

from shop.guard import printable

REQUEST_ID_HEADER = "X-Request-ID"
# Short and plain, so that it can go into a header and a log line as it is.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")

LOG_FORMAT = "%(asctime)s [%(process)d] %(levelname)s %(name)s [%(request_id)s] %(message)s"
ACCESS_LOG_FORMAT = (
    '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}o)s'
)


def request_id() -> str:
    """This request's id, taken from the incoming header when sane, else made now."""
    # Kept in the WSGI environ, which belongs to this request alone (g may outlive it).
    environ = request.environ
    if "shop.request_id" not in environ:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        sane = SANE_REQUEST_ID.fullmatch(incoming)
        environ["shop.request_id"] = incoming if sane else uuid.uuid4().hex
    return environ["shop.request_id"]


def register_request_id(app: Flask) -> None:
    @app.after_request
    def _send_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id``: the request's, or "-" outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else "-"
        return True


class SafeFormatter(logging.Formatter):
    """Escapes control characters, so a request cannot forge or garble log lines.

    The message is escaped whole; a traceback keeps its line breaks and loses the rest.
    """

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = printable(record.message)
        return super().formatMessage(record)

    def formatException(self, ei: Any) -> str:
        text = super().formatException(ei)
        return "\n".join(printable(line) for line in text.split("\n"))

    def formatStack(self, stack_info: str) -> str:
        return "\n".join(printable(line) for line in stack_info.split("\n"))


def logging_config(level: str = "INFO") -> dict[str, Any]:
    """``logging.config.dictConfig`` for gunicorn and the app: app and gunicorn messages
    on stderr, the access log on stdout, all through SafeFormatter."""
    formatter = {"()": f"{__name__}.SafeFormatter", "format": LOG_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {
            "shop": formatter,
            "access": {"()": f"{__name__}.SafeFormatter", "format": "%(message)s"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "shop",
                "filters": ["request_id"],
            },
            "access": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "access",
            },
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": ["access"], "propagate": False},
        },
    }
