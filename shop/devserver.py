"""``python -m shop.devserver``: the development server, the worker and the local Stripe
server, started and stopped together (``make run``). Development only; production runs
gunicorn and ``flask shop worker`` as separate services, and pays on Stripe itself.

Each child runs in its own process group, so stopping one stops what it started
too (the server's reloader runs the app in a child process). Ctrl-C or SIGTERM
stops them all; so does any one of them exiting.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time

FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]


def _start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, start_new_session=True)


def _stop(processes: list[subprocess.Popen], timeout: float = 10.0) -> None:
    for process in processes:
        if process.poll() is None:
            # The whole group: the server's reloader and the app it runs. The worker
            # finishes the job under way first.
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", default="5000")
    parser.add_argument("--stripe-port", default="8420", help="the local Stripe server's port")
    args = parser.parse_args(argv)

    # SIGTERM (say, from a process manager) ends the loop below like Ctrl-C does.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    processes = [
        _start([*FLASK, "run", "--debug", "--host", args.host, "--port", str(args.port)]),
        _start([*FLASK, "shop", "worker"]),
        # Bound to 127.0.0.1; it signs its events for the shop's webhook address.
        _start(
            [
                sys.executable,
                "-m",
                "shop.payments.localstripe_server",
                "--port",
                str(args.stripe_port),
                "--webhook-url",
                f"http://{args.host}:{args.port}/stripe/webhook",
            ]
        ),
    ]
    code = 0
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        code = next(process.returncode for process in processes if process.poll() is not None)
        print("devserver: one process ended; stopping the others", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(processes)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
