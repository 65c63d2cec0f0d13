"""Sentry: off without SENTRY_DSN; with it, errors reach Sentry tagged with the request id
and carrying nothing personal. The events are caught by a transport of the SDK's own
kind (``sentry_sdk.transport.Transport``) in a process of their own: no network, and
the SDK's global set-up never reaches the other tests."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from shop.config import ROOT

EMAIL = "dr.ines.moreau@example.org"
PASSWORD = "Saffron-Lantern-Quay-19"
ADDRESS = "198.51.100.23"
COOKIE = "session=secret-session-value"

# Builds the app with a DSN and a transport that keeps envelopes, makes a request that
# fails and logs an error, and prints the events Sentry would have received.
PROBE = f"""
import json, logging, sys
import sentry_sdk
from sentry_sdk.transport import Transport
from shop import create_app

class Kept(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events = []
    def capture_envelope(self, envelope):
        event = envelope.get_event()
        if event is not None:
            self.events.append(event)

kept = Kept()
app = create_app(
    "testing",
    SQLALCHEMY_DATABASE_URI="sqlite://",
    SENTRY_DSN="https://public@sentry.example/1",
    SENTRY_TRANSPORT=kept,
    PROXY_COUNT=1,
    WTF_CSRF_ENABLED=False,
)

@app.post("/_probe/fail")
def fail():
    logging.getLogger("shop.probe").error("could not notify %s", {EMAIL!r})
    raise RuntimeError(
        "(psycopg.errors.UniqueViolation) duplicate key [SQL: INSERT INTO users (email) "
        "VALUES (%(email)s)] [parameters: {{'email': {EMAIL!r}}}]"
    )

client = app.test_client()
response = client.post(
    "/_probe/fail?email={EMAIL}",
    data={{"email": {EMAIL!r}, "password": {PASSWORD!r}}},
    headers={{
        "X-Request-ID": "probe-1",
        "X-Forwarded-For": {ADDRESS!r},
        "Cookie": {COOKIE!r},
        "User-Agent": "probe",
    }},
)
sentry_sdk.flush()
print(json.dumps({{"status": response.status_code, "events": kept.events}}, default=str))
"""


@pytest.fixture(scope="module")
def probe():
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_an_error_in_a_request_reaches_sentry_tagged_with_the_request_id(probe):
    assert probe["status"] == 500
    crash = next(e for e in probe["events"] if e.get("exception"))
    (value,) = crash["exception"]["values"]
    assert value["type"] == "RuntimeError"
    assert crash["tags"]["request_id"] == "probe-1"
    assert crash["request"]["method"] == "POST"
    assert crash["request"]["url"].endswith("/_probe/fail")
    logged = next(e for e in probe["events"] if not e.get("exception"))
    assert logged["logentry"]["message"].startswith("could not notify")


def test_no_event_carries_personal_data(probe):
    assert len(probe["events"]) >= 2
    for event in probe["events"]:
        text = json.dumps(event)
        for secret in (EMAIL, PASSWORD, ADDRESS, "secret-session-value"):
            assert secret not in text, (secret, event)
        assert "user" not in event
        assert set(event.get("request", {})) <= {"method", "url", "headers"}
        assert set(event.get("request", {}).get("headers", {})) <= {
            "User-Agent",
            "X-Request-Id",
            "X-Request-ID",
            "Content-Type",
            "Content-Length",
        }
    crash = next(e for e in probe["events"] if e.get("exception"))
    (value,) = crash["exception"]["values"]
    assert "[parameters hidden]" in value["value"]
    assert all("vars" not in frame for frame in value["stacktrace"]["frames"])


def test_without_a_dsn_sentry_stays_off():
    check = (
        "import sentry_sdk\n"
        "from shop import create_app\n"
        "create_app('testing', SQLALCHEMY_DATABASE_URI='sqlite://')\n"
        "print(sentry_sdk.get_client().is_active())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "False", result.stderr
