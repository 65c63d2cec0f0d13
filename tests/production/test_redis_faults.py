"""Redis hung or gone, under a real gunicorn: pages and the API keep serving, rate limits
are counted in memory (and still hold), the log says so, and /readyz reports Redis as
degraded without taking the instance out. The Redis is the test's own."""

from __future__ import annotations

import http.client
import json

import pytest

from tests.production.servers import (
    gunicorn,
    production_env,
    redis_missing_reason,
    redis_server,
    skip_or_fail_without,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]

API_LIMIT = 8  # per minute


def get(port: int, path: str, request_id: str = "") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("GET", path, headers={"X-Request-ID": request_id} if request_id else {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def readiness(port: int) -> tuple[int, dict]:
    status, body = get(port, "/readyz")
    return status, json.loads(body)


def test_pages_and_the_api_keep_serving_while_redis_hangs_or_is_gone(tmp_path, database):
    skip_or_fail_without(redis_missing_reason())
    with redis_server(tmp_path) as redis:
        env = production_env(
            database, RATELIMIT_STORAGE_URI=redis.url, API_RATE_LIMIT=f"{API_LIMIT} per minute"
        )
        with gunicorn(tmp_path, env, workers=1) as server:
            assert readiness(server.port) == (
                200,
                {"status": "ok", "database": "ok", "redis": "ok"},
            )
            assert get(server.port, "/api/v1/brands")[0] == 200
            assert redis.url  # counters are in Redis now
            # Hung: the connection stays open and nothing comes back.
            redis.pause()
            assert get(server.port, "/products", "hung-page")[0] == 200
            assert get(server.port, "/api/v1/products", "hung-api")[0] == 200
            assert readiness(server.port) == (
                200,
                {"status": "ok", "database": "ok", "redis": "degraded"},
            )
            warned = "rate limits: the shared storage (RATELIMIT_STORAGE_URI) is unreachable"
            assert wait_until(lambda: warned in server.errors()), server.errors()
            redis.resume()
            assert wait_until(lambda: readiness(server.port)[1].get("redis") == "ok")

            # Gone: the port refuses.
            redis.stop()
            assert get(server.port, "/products")[0] == 200
            statuses = [get(server.port, "/api/v1/brands")[0] for _ in range(API_LIMIT + 2)]
            # Counted in this process's memory from the fall-back on, and still enforced.
            assert 429 in statuses, statuses
            assert set(statuses[: statuses.index(429)]) == {200}
            status, body = readiness(server.port)
            assert (status, body["redis"]) == (200, "degraded")
            # Once a minute, not once a request.
            assert server.errors().count(warned) <= 2
            assert "Traceback" not in server.errors()
