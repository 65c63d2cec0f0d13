"""``make run`` (``shop.devserver``): the local Stripe server it starts posts its events,
signed with the development secret, to the development server's own webhook."""

from __future__ import annotations

import signal

from shop import devserver


class Finished:
    """A child process that has already exited."""

    pid = 0
    returncode = 0

    def poll(self) -> int:
        return 0


def test_make_run_registers_the_development_webhook(monkeypatch):
    started: list[list[str]] = []
    monkeypatch.setattr(devserver, "_start", lambda command: started.append(command) or Finished())
    monkeypatch.setattr(devserver, "_stop", lambda processes: None)
    previous = signal.getsignal(signal.SIGTERM)
    try:
        assert devserver.main(["--port", "5050", "--stripe-port", "8431"]) == 0
    finally:
        signal.signal(signal.SIGTERM, previous)
    [stripe] = [command for command in started if "shop.payments.localstripe_server" in command]
    assert stripe[stripe.index("--port") + 1] == "8431"
    assert stripe[stripe.index("--webhook-url") + 1] == "http://127.0.0.1:5050/stripe/webhook"
    # Without --webhook-secret the launcher signs with LOCAL_STRIPE_WEBHOOK_SECRET, the
    # secret a development app without Stripe keys of its own verifies with.
    assert "--webhook-secret" not in stripe
