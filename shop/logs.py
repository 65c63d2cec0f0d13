"""Request ids, and log lines that carry them and nothing raw from the request.

Every response carries ``X-Request-ID``: the one the client or proxy sent when it
is short and plain, otherwise a new one. Log records made while a request is
served carry the same id (``%(request_id)s``), so one line in the access log
leads to every line the app wrote for that request.

Lines are plain text by default. With ``LOG_FORMAT=json`` each is one JSON object:
``timestamp``, ``level``, ``logger``, ``message``, and where known ``request_id``,
``user_id`` (a logged-in visitor's), ``method``, ``path``, the worker's ``job``, and
``exception``; the access log's lines add ``status``, ``duration_ms`` and the client's
``remote_addr``. JSON escapes every control character, so no line can be forged.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect

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


USER_ID_ENVIRON = "shop.user_id"  # gunicorn's access log reads it as %({shop.user_id}e)s

# The requests this process is serving, by thread: gunicorn's worker_abort hook names
# them when it kills a worker that overran its timeout (gunicorn.conf.py).
IN_FLIGHT: dict[int, tuple[str, str, str]] = {}


def logged_in_user_id() -> str | None:
    """The id of the user this request has loaded and authenticated, if any.

    Never loads one: a log line must not query the database (it may be what failed).
    """
    user = g.get("_login_user")  # Flask-Login keeps the loaded user here
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    state = inspect(user, raiseerr=False)
    identity = state.identity if state is not None else None  # read without a load
    return str(identity[0]) if identity else None


def register_request_id(app: Flask) -> None:
    @app.before_request
    def _in_flight() -> None:
        IN_FLIGHT[threading.get_ident()] = (request_id(), request.method, request.path)

    @app.after_request
    def _send_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        user_id = logged_in_user_id()
        if user_id is not None:
            request.environ[USER_ID_ENVIRON] = user_id
        return response

    @app.teardown_request
    def _done(_error: BaseException | None) -> None:
        IN_FLIGHT.pop(threading.get_ident(), None)


class RequestIdFilter(logging.Filter):
    """Gives every record a ``request_id`` (the request's, or "-" outside one) and, inside a
    request, its ``method``, ``path`` and logged-in ``user_id``."""

    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.request_id = request_id()
            record.method = request.method
            record.path = request.path
            record.user_id = logged_in_user_id()
        elif not hasattr(record, "request_id"):  # one given as `extra` stays
            record.request_id = "-"
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


# What a JSON line may carry beyond the four every line has, in this order.
_CONTEXT_FIELDS = ("request_id", "user_id", "method", "path", "job")


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per line for the app's and gunicorn's messages and the worker's."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in _CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value not in (None, "", "-"):
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


class JsonAccessFormatter(logging.Formatter):
    """gunicorn's access log as JSON, from the values gunicorn gives each line."""

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args if isinstance(record.args, dict) else {}

        def atom(name: str) -> Any:
            value = atoms.get(name, "-")
            return None if value in ("-", "", None) else value

        status = atom("s")
        duration = atom("D")  # microseconds
        entry = {
            "timestamp": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": atom("{x-request-id}o"),
            "user_id": atom(f"{{{USER_ID_ENVIRON}}}e"),
            "method": atom("m"),
            "path": atom("U"),
            "query": atom("q"),
            "status": int(status) if status is not None else None,
            "duration_ms": round(duration / 1000, 3) if duration is not None else None,
            "remote_addr": atom("h"),
            "bytes": atom("B"),
            "user_agent": atom("a"),
        }
        return json.dumps({key: value for key, value in entry.items() if value is not None})


def logging_config(level: str = "INFO", log_format: str = "text") -> dict[str, Any]:
    """``logging.config.dictConfig`` for gunicorn and the app: app and gunicorn messages
    on stderr, the access log on stdout; plain text through SafeFormatter, or JSON."""
    if log_format == "json":
        formatter: dict[str, Any] = {"()": f"{__name__}.JsonFormatter"}
        access: dict[str, Any] = {"()": f"{__name__}.JsonAccessFormatter"}
    else:
        formatter = {"()": f"{__name__}.SafeFormatter", "format": LOG_FORMAT}
        access = {"()": f"{__name__}.SafeFormatter", "format": "%(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"shop": formatter, "access": access},
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


def configure_process_logging(app: Flask, level: str = "INFO", log_format: str = "text") -> None:
    """Log lines with time, level and context on stderr, for a process gunicorn does not
    configure (the worker). Left alone where the host configured logging already (tests)."""
    if logging.getLogger().handlers:
        return
    logging.config.dictConfig(logging_config(level, log_format))
    app.logger.removeHandler(default_handler)  # Flask's own, which would print lines twice
