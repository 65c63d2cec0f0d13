"""SIGTERM drains an instance: it keeps serving, /readyz answers 503 so a balancer takes
it out, requests already waiting on its socket are served (none is reset), and after
DRAIN_SECONDS it finishes what is in flight and exits."""

from __future__ import annotations

import http.client
import json
import signal
import threading
from pathlib import Path

import pytest

from tests.production.servers import Gunicorn, gunicorn, production_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]

DRAIN_SECONDS = 4
SLOW_SECONDS = 1
SLOW_APP = "tests.production.slow_app:app"


def sigterm_with_requests_waiting(server: Gunicorn, folder: Path) -> dict[str, int | str]:
    """Keep the one worker busy with a slow request, queue three more behind it on the
    socket, send SIGTERM, and return what each request got."""
    started = folder / "slow-request-started"
    answers: dict[str, int | str] = {}
    sent: dict[str, threading.Event] = {}

    def ask(name: str, path: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        sent[name] = threading.Event()
        try:
            connection.request("GET", path)
            sent[name].set()
            answers[name] = connection.getresponse().status
        except OSError as error:  # a reset: what the shop's worker prevents
            answers[name] = repr(error)
        finally:
            connection.close()

    slow_path = f"/_test/slow?seconds={SLOW_SECONDS}&started={started}"
    threads = [threading.Thread(target=ask, args=("slow", slow_path))]
    threads[0].start()
    assert wait_until(started.exists)  # the one worker is busy with it now
    for n in range(3):
        threads.append(threading.Thread(target=ask, args=(f"queued-{n}", "/api/v1/brands")))
        threads[-1].start()
    # Each has sent its request and waits on the socket behind the slow one.
    assert wait_until(lambda: len(sent) == 4 and all(e.is_set() for e in sent.values()))
    server.process.send_signal(signal.SIGTERM)
    for thread in threads:
        thread.join(timeout=30)
    return answers


EVERY_ONE_SERVED = {"slow": 200, "queued-0": 200, "queued-1": 200, "queued-2": 200}


def test_sigterm_marks_the_instance_not_ready_and_serves_every_queued_request(tmp_path, database):
    env = production_env(database, DRAIN_SECONDS=str(DRAIN_SECONDS))
    with gunicorn(tmp_path, env, workers=1, app=SLOW_APP) as server:
        assert sigterm_with_requests_waiting(server, tmp_path) == EVERY_ONE_SERVED
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
        assert f"draining: /readyz answers 503 for {DRAIN_SECONDS}s, then stopping" in (
            server.errors()
        )


def test_without_a_drain_the_requests_waiting_on_the_socket_are_still_served(tmp_path, database):
    """gunicorn's own sync worker resets them (shop.gunicorn_worker)."""
    env = production_env(database, DRAIN_SECONDS="0")
    with gunicorn(tmp_path, env, workers=1, app=SLOW_APP) as server:
        assert sigterm_with_requests_waiting(server, tmp_path) == EVERY_ONE_SERVED
        assert server.process.wait(timeout=30) == 0
        with pytest.raises(ConnectionRefusedError):
            http.client.HTTPConnection("127.0.0.1", server.port, timeout=5).connect()
