"""SIGTERM drains an instance: it keeps serving, /readyz answers 503 so a balancer takes
it out, requests already queued on its socket are served (none is reset), and after
DRAIN_SECONDS it finishes what is in flight and exits."""

from __future__ import annotations

import http.client
import json
import signal
import threading

import pytest

from tests.production.servers import gunicorn, production_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

DRAIN_SECONDS = 4
SLOW_SECONDS = 1


def test_sigterm_marks_the_instance_not_ready_and_serves_every_queued_request(tmp_path, database):
    started = tmp_path / "slow-request-started"
    env = production_env(database, DRAIN_SECONDS=str(DRAIN_SECONDS))
    with gunicorn(tmp_path, env, workers=1, app="tests.production.slow_app:app") as server:
        answers: dict[str, int] = {}
        sent: dict[str, threading.Event] = {}

        def ask(name: str, path: str) -> None:
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            sent[name] = threading.Event()
            try:
                connection.request("GET", path)
                sent[name].set()
                answers[name] = connection.getresponse().status
            except OSError as error:  # a reset: what draining prevents
                answers[name] = repr(error)
            finally:
                connection.close()

        slow = threading.Thread(
            target=ask, args=("slow", f"/_test/slow?seconds={SLOW_SECONDS}&started={started}")
        )
        slow.start()
        assert wait_until(started.exists)  # the one worker is busy with it now
        queued = [
            threading.Thread(target=ask, args=(f"queued-{n}", "/api/v1/brands")) for n in range(3)
        ]
        for thread in queued:
            thread.start()
        # Each has sent its request and waits on the socket behind the slow one.
        assert wait_until(lambda: len(sent) == 4 and all(e.is_set() for e in sent.values()))
        server.process.send_signal(signal.SIGTERM)
        for thread in (slow, *queued):
            thread.join(timeout=30)
        assert answers == {"slow": 200, "queued-0": 200, "queued-1": 200, "queued-2": 200}

        # Still serving while draining, but no longer ready.
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request("GET", "/readyz")
        ready = connection.getresponse()
        assert ready.status == 503
        assert json.loads(ready.read())["status"] == "draining"
        connection.request("GET", "/livez")
        assert connection.getresponse().status == 200
        connection.close()

        assert server.process.wait(timeout=DRAIN_SECONDS + 30) == 0
        log = server.errors()
        assert f"draining: /readyz answers 503 for {DRAIN_SECONDS}s, then stopping" in log
