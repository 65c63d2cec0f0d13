"""The local Stripe server for the tests, and what they need around it.

One server per test session, on a free loopback port with its data in memory, so the
SQLite and PostgreSQL passes (and anyone's ``make run``) never share a port or a
state file. Each test that pays gets it emptied first (``local_stripe``).
"""

from __future__ import annotations

import json
import queue
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from flask import Flask

from devtools.localstripe import (
    LocalStripeServer,
    register_webhook,
    reset,
    unregister_webhook,
)
from shop import create_app


@pytest.fixture(scope="session")
def local_stripe_server() -> Iterator[LocalStripeServer]:
    with LocalStripeServer() as server:
        yield server


@pytest.fixture
def local_stripe(local_stripe_server: LocalStripeServer) -> LocalStripeServer:
    """The session's local Stripe server, emptied of every object for this test."""
    reset(local_stripe_server.api_base)
    return local_stripe_server


def paying_app(**overrides: str) -> Flask:
    """A shop app for payment tests, which need no database; Stripe settings as given."""
    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)


@pytest.fixture(scope="session")
def stripe_app(local_stripe_server: LocalStripeServer) -> Flask:
    """A shop app that pays on the local Stripe server."""
    return paying_app(**local_stripe_server.app_config)


@dataclass(frozen=True)
class Delivery:
    payload: bytes
    signature: str | None

    @property
    def event(self) -> dict:
        return json.loads(self.payload)


class WebhookReceiver:
    """A loopback HTTP endpoint that keeps every event posted to it."""

    def __init__(self) -> None:
        deliveries: queue.Queue[Delivery] = queue.Queue()
        self.deliveries = deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                deliveries.put(Delivery(body, self.headers.get("Stripe-Signature")))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_port}/stripe/webhook"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def wait_for(self, event_type: str, object_id: str, timeout: float = 15) -> Delivery:
        """The delivery of ``event_type`` about ``object_id``. Others are skipped: localstripe
        sends each event about a second after it happens, to whoever is registered then,
        so events of an earlier test may still arrive."""
        seen: list[str] = []
        deadline = time.monotonic() + timeout
        while True:
            try:
                delivery = self.deliveries.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(
                    f"no {event_type} for {object_id} within {timeout}s; got {seen}"
                ) from None
            event = delivery.event
            if event["type"] == event_type and event["data"]["object"]["id"] == object_id:
                return delivery
            seen.append(event["type"])

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@pytest.fixture
def webhook_receiver(
    local_stripe: LocalStripeServer, stripe_app: Flask
) -> Iterator[WebhookReceiver]:
    """Events of the local Stripe server, signed with the app's webhook secret."""
    receiver = WebhookReceiver()
    register_webhook(
        local_stripe.api_base, receiver.url, stripe_app.config["STRIPE_WEBHOOK_SECRET"]
    )
    try:
        yield receiver
    finally:
        unregister_webhook(local_stripe.api_base)
        receiver.close()


def card_fields(number: str, exp_month: str = "12", exp_year: str = "2034") -> dict[str, str]:
    """``payment_method_data`` as the Stripe.js wrapper sends it for the card element."""
    return {
        "payment_method_data[type]": "card",
        "payment_method_data[card][number]": number,
        "payment_method_data[card][exp_month]": exp_month,
        "payment_method_data[card][exp_year]": exp_year,
        "payment_method_data[card][cvc]": "123",
        "payment_method_data[billing_details][address][postal_code]": "75001",
    }


def post_as_stripe_js(api_base: str, path: str, fields: dict[str, str]) -> tuple[int, dict]:
    """A form-encoded POST without Authorization, as the page's Stripe.js makes it."""
    request = urllib.request.Request(
        f"{api_base}{path}",
        data=urllib.parse.urlencode(fields).encode(),
        method="POST",
        headers={"Origin": "http://127.0.0.1:5000"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())
