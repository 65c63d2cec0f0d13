"""PostgreSQL failing under a real gunicorn, through a TCP proxy the test controls.

- Hung: the proxy freezes an open connection (the server's side stays silent, as a
  stopped server or a frozen pooler would be). The request answers 503 instead of
  hanging until gunicorn kills the worker, and its log line names the request.
- Unreachable: the proxy accepts connections and never answers. Eight requests at
  once all answer 503, and only the first request of each worker waits for the
  connect timeout: the others fail at once (the proxy counts the attempts). Once the
  database answers again, requests succeed.
"""

from __future__ import annotations

import http.client
import json
import threading

import pytest
from sqlalchemy.engine import make_url

from tests.production.servers import TcpProxy, gunicorn, production_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

# gunicorn would kill a stuck worker after this long: far beyond the database's bounds,
# so a 503 can only come from them.
WORKER_TIMEOUT = "120"
CLIENT_TIMEOUT = 30  # seconds a test request may take before the test fails


def get(port: int, path: str, request_id: str) -> tuple[int, dict | str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=CLIENT_TIMEOUT)
    try:
        connection.request("GET", path, headers={"X-Request-ID": request_id})
        response = connection.getresponse()
        body = response.read().decode()
        kind = response.getheader("Content-Type", "")
        return response.status, json.loads(body) if kind == "application/json" else body
    finally:
        connection.close()


@pytest.fixture
def proxy(database):
    url = make_url(database)
    tcp = TcpProxy((url.host or "127.0.0.1", url.port or 5432))
    yield tcp
    tcp.close()


def through(database: str, proxy: TcpProxy) -> str:
    return make_url(database).set(host="127.0.0.1", port=proxy.port).render_as_string(False)


def test_a_database_that_stops_answering_gets_a_503_with_the_request_id_logged(
    tmp_path, database, proxy
):
    env = production_env(
        through(database, proxy),
        DATABASE_STATEMENT_TIMEOUT="1000",
        DATABASE_CLIENT_GRACE="1",
        DATABASE_CONNECT_TIMEOUT="2",
    )
    with gunicorn(tmp_path, env, workers=1, extra_args=("--timeout", WORKER_TIMEOUT)) as server:
        assert get(server.port, "/api/v1/brands", "warm-up")[0] == 200  # a pooled connection
        proxy.frozen = True
        status, body = get(server.port, "/api/v1/brands", "hung-db-1")
        assert status == 503
        assert body["error"]["code"] == "unavailable"
        line = wait_until(
            lambda: next((x for x in server.errors().splitlines() if "[hung-db-1]" in x), None)
        )
        assert line, server.errors()
        assert "database unavailable on GET /api/v1/brands" in line
        assert "the database did not answer for 2 s" in line
        assert "WORKER TIMEOUT" not in server.errors()
        # A page, on a new connection the frozen proxy never completes: 503 too.
        status, page = get(server.port, "/products", "hung-db-2")
        assert status == 503 and "temporarily unavailable" in page
        proxy.frozen = False
        assert wait_until(lambda: get(server.port, "/api/v1/brands", "back")[0] == 200)


def test_an_unreachable_database_fails_fast_after_the_first_attempt_and_recovers(
    tmp_path, database, proxy
):
    proxy.black_hole = True
    workers = 2
    env = production_env(
        # A back-off well over the time the eight requests take, even on a loaded machine:
        # a worker whose back-off ran out would try again, a second attempt.
        through(database, proxy),
        DATABASE_CONNECT_TIMEOUT="2",
        DATABASE_CONNECT_BACKOFF="15",
    )
    with gunicorn(
        tmp_path, env, workers=workers, extra_args=("--timeout", WORKER_TIMEOUT)
    ) as server:
        answers: dict[int, tuple[int, object]] = {}

        def ask(n: int) -> None:
            answers[n] = get(server.port, "/api/v1/brands", f"outage-{n}")

        threads = [threading.Thread(target=ask, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=CLIENT_TIMEOUT + 5)
        assert sorted(answers) == list(range(8))
        assert {status for status, _ in answers.values()} == {503}
        # One attempt per worker waited for the connect timeout; the rest were refused
        # at once during the back-off instead of each waiting again.
        assert proxy.accepted <= workers, proxy.accepted
        fast = [
            line for line in server.errors().splitlines() if "not connecting for another" in line
        ]
        assert len(fast) >= 8 - workers, server.errors()
        assert all("[outage-" in line for line in fast)

        proxy.black_hole = False  # the database answers again, once the back-off is over
        assert wait_until(
            lambda: get(server.port, "/api/v1/brands", "recovered")[0] == 200, seconds=45
        )
        assert get(server.port, "/products", "recovered-page")[0] == 200
