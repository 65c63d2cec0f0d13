"""The production command, for real: gunicorn with gunicorn.conf.py in front of the app."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shop.guard import MAX_URL_LENGTH
from tests.conftest import PRODUCTION_SETTINGS
from tests.dbs import create_sqlite_file
from tests.migration_cli import flask

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    url = create_sqlite_file(folder / "shop.sqlite3")
    assert flask(url, "db", "upgrade").returncode == 0
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "RATELIMIT_"))},
        **PRODUCTION_SETTINGS,
        "SHOP_ENV": "production",
        "SHOP_BASE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": url,
    }
    out, err = folder / "access.log", folder / "error.log"
    with out.open("w") as stdout, err.open("w") as stderr:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, err.read_text()
                time.sleep(0.1)
        yield port, out, err
    finally:
        process.terminate()
        process.wait(timeout=30)


def get(port: int, target: str, headers: dict[str, str] | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("GET", target, skip_accept_encoding=True)
    for name, value in (headers or {}).items():
        connection.putheader(name, value)
    connection.endheaders()
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_an_api_url_far_over_the_limit_gets_the_apps_json_414(server):
    port, _, _ = server
    response, body = get(port, "/api/v1/products/" + "a" * (16 * MAX_URL_LENGTH))
    assert response.status == 414
    assert response.getheader("Content-Type") == "application/json"
    assert b'"code":"uri_too_long"' in body
    assert response.getheader("Content-Security-Policy")
    assert response.getheader("X-Request-ID")


def test_a_nul_in_the_path_is_a_json_404(server):
    port, _, _ = server
    response, body = get(port, "/api/v1/products/%00")
    assert response.status == 404 and b'"code":"not_found"' in body


def test_production_headers_and_the_request_id_reach_the_access_log(server):
    port, access_log, _ = server
    response, _ = get(port, "/healthz", {"X-Request-ID": "deploy-check-42"})
    assert response.status == 200
    assert response.getheader("X-Request-ID") == "deploy-check-42"
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert response.getheader("Cross-Origin-Opener-Policy") == "same-origin"
    assert "camera=()" in response.getheader("Permissions-Policy")
    for _ in range(50):  # the worker writes its access line after the answer
        if "request_id=deploy-check-42" in access_log.read_text():
            break
        time.sleep(0.1)
    assert '"GET /healthz HTTP/1.1" 200' in access_log.read_text()
    assert "request_id=deploy-check-42" in access_log.read_text()


def test_two_workers_with_rate_limits_in_memory_warn_at_start(server):
    _, _, error_log = server
    assert "rate limits are counted in memory by each of the 2 workers" in error_log.read_text()
