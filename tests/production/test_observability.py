"""An instance with LOG_FORMAT=json and METRICS_TOKEN, as an operator runs it: metrics added
up over gunicorn's workers, and JSON lines from gunicorn, the app and the worker."""

from __future__ import annotations

import http.client
import json
import re

import pytest

from shop.extensions import db
from shop.mail.models import OutboxMessage
from tests.conftest import make_app
from tests.factories import DEFAULT_PASSWORD, make_user
from tests.functional.test_metrics import TOKEN, samples
from tests.migration_cli import flask
from tests.production.servers import gunicorn, production_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")
EMAIL = "json@example.org"


@pytest.fixture
def instance(tmp_path, database):
    env = production_env(database, LOG_FORMAT="json", METRICS_TOKEN=TOKEN)
    with gunicorn(tmp_path, env, workers=2) as server:
        yield server, database


def request(port: int, method: str, path: str, headers=None, body: bytes | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(
            method, path, body=body, headers={"User-Agent": "smoke/1", **(headers or {})}
        )
        response = connection.getresponse()
        return response, response.read().decode()
    finally:
        connection.close()


def test_metrics_add_up_every_workers_requests(instance):
    server, _ = instance
    for _ in range(24):
        assert request(server.port, "GET", "/api/v1/brands")[0].status == 200
    response, text = request(server.port, "GET", "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 200
    found = samples(text)
    key = (
        "shop_http_request_duration_seconds_count",
        (("endpoint", "api.brand_list"), ("method", "GET")),
    )
    assert found[key] == 24
    assert found[("shop_metrics_database_up", ())] == 1
    # Each worker wrote its own file; the scrape read both.
    pids = {
        re.search(r"_(\d+)\.db$", path.name)[1]
        for path in (server.access_log.parent / "metrics").glob("histogram_*.db")
    }
    assert len(pids) == 2, pids


def test_access_and_error_lines_are_json_with_the_request_and_the_user(instance):
    server, database = instance
    user_id, cookie = log_in(server.port, database)
    response, _ = request(
        server.port, "GET", "/account", {"Cookie": cookie, "X-Request-ID": "json-2"}
    )
    assert response.status == 200
    line = wait_until(lambda: access_line(server, "json-2"))
    assert line, server.access_log.read_text()
    assert TIMESTAMP.fullmatch(line.pop("timestamp"))
    assert line.pop("duration_ms") >= 0
    assert line.pop("bytes") > 0
    assert line == {
        "level": "INFO",
        "logger": "gunicorn.access",
        "request_id": "json-2",
        "user_id": user_id,
        "method": "GET",
        "path": "/account",
        "status": 200,
        "remote_addr": "127.0.0.1",
        "user_agent": "smoke/1",
    }
    errors = [json.loads(text) for text in server.errors().splitlines()]
    assert any(
        entry["logger"] == "gunicorn.error" and "Booting worker" in entry["message"]
        for entry in errors
    )


def test_the_workers_lines_are_json_with_the_jobs_name(tmp_path, database):
    app = make_app(database)
    with app.app_context():
        db.session.add(OutboxMessage(to_address="a@example.org", subject="s", body_text="b\n"))
        db.session.commit()
        db.engine.dispose()
    worker = flask(
        database,
        "shop",
        "worker",
        "--once",
        env={"LOG_FORMAT": "json", "MAIL_BACKEND": "file", "MAIL_FILE_DIR": str(tmp_path)},
    )
    assert worker.returncode == 0, worker.stderr
    lines = [json.loads(text) for text in worker.stderr.splitlines()]
    delivered = next(line for line in lines if line.get("job") == "deliver-mail")
    assert TIMESTAMP.fullmatch(delivered["timestamp"])
    assert (delivered["level"], delivered["logger"]) == ("INFO", "shop.worker")
    assert delivered["message"] == "deliver-mail: sent 1, will retry 0, failed 0"


def access_line(server, request_id: str) -> dict | None:
    for text in server.access_lines():
        line = json.loads(text)
        if line.get("request_id") == request_id:
            return line
    return None


def log_in(port: int, database: str) -> tuple[str, str]:
    """Make a user and log in as them over http; their id and the session cookie."""
    app = make_app(database)
    with app.app_context():
        user = make_user(email=EMAIL)
        db.session.commit()
        user_id = str(user.id)
        db.engine.dispose()
    form, page = request(port, "GET", "/login")
    start = form.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]
    body = f"csrf_token={token}&email={EMAIL}&password={DEFAULT_PASSWORD.replace(' ', '+')}"
    response, _ = request(
        port,
        "POST",
        "/login",
        {"Cookie": start, "Content-Type": "application/x-www-form-urlencoded"},
        body.encode(),
    )
    assert response.status == 302, response.status
    return user_id, response.getheader("Set-Cookie").split(";", 1)[0]
