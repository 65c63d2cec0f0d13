"""LOG_FORMAT=json: one JSON object per line, from the app, gunicorn and the worker."""

from __future__ import annotations

import json
import logging
import re

from flask_login import login_user

from shop.logs import JsonFormatter, RequestIdFilter
from tests.factories import make_user

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def formatted(record: logging.LogRecord) -> dict:
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def record(message: str, *args, level=logging.WARNING, **extra) -> logging.LogRecord:
    made = logging.LogRecord("shop.checkout", level, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def test_a_line_inside_a_request_names_the_request_and_the_logged_in_user(app):
    user = make_user()
    with app.test_request_context(
        "/cart?x=1", method="POST", headers={"X-Request-ID": "req-json-1"}
    ):
        login_user(user)
        line = formatted(record("cart refused %s", "line\n2"))
    assert TIMESTAMP.fullmatch(line.pop("timestamp"))
    assert line == {
        "level": "WARNING",
        "logger": "shop.checkout",
        "message": "cart refused line\n2",
        "request_id": "req-json-1",
        "user_id": str(user.id),
        "method": "POST",
        "path": "/cart",
    }


def test_a_line_outside_a_request_has_what_it_knows_and_an_exception(app):
    try:
        raise ValueError("bad")
    except ValueError:
        made = record("job failed", level=logging.ERROR, job="expire-licences")
        made.exc_info = __import__("sys").exc_info()
    line = formatted(made)
    assert line["job"] == "expire-licences"
    assert "request_id" not in line and "user_id" not in line
    assert line["exception"].startswith("Traceback") and "ValueError: bad" in line["exception"]
