"""The local Stripe server: what our launcher adds to localstripe, spoken to as Stripe.js
and the SDK do, and its command line as `make run` starts it."""

from __future__ import annotations

import re
import selectors
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import stripe

from devtools.localstripe import STAND_IN, WRAPPER, LocalStripeServer, reset
from shop.payments.stripe_client import create_payment_intent
from tests.stripe_server import WebhookReceiver, card_fields, post_as_stripe_js

pytestmark = pytest.mark.localstripe

ROOT = Path(__file__).resolve().parents[2]
PK = "pk_test_local"


@pytest.fixture
def intent(stripe_app, local_stripe):
    with stripe_app.app_context():
        return create_payment_intent(
            amount_cents=4_990,
            currency="EUR",
            metadata={"order_id": "1"},
            idempotency_key="order-1-payment",
        )


def confirm_as_stripe_js(server, intent, number: str, **card) -> tuple[int, dict]:
    fields = {"key": PK, "client_secret": intent.client_secret, **card_fields(number, **card)}
    return post_as_stripe_js(server.api_base, f"/v1/payment_intents/{intent.id}/confirm", fields)


def authenticate(server, intent, success: bool) -> tuple[int, dict]:
    fields = {"key": PK, "client_secret": intent.client_secret, "success": str(success).lower()}
    return post_as_stripe_js(
        server.api_base, f"/v1/payment_intents/{intent.id}/_authenticate", fields
    )


def sdk(api_base: str) -> stripe.StripeClient:
    return stripe.StripeClient("sk_test_local", base_addresses={"api": api_base})


def status_of(server, intent) -> str:
    return sdk(server.api_base).v1.payment_intents.retrieve(intent.id).status


def test_stripe_js_is_the_stand_in_followed_by_our_wrapper(local_stripe):
    with urllib.request.urlopen(local_stripe.js_url, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("application/javascript")
        script = response.read().decode()
    stand_in = STAND_IN.read_text(encoding="utf-8")
    wrapper = WRAPPER.read_text(encoding="utf-8")
    # In one function scope, so the stand-in's `class Element` stays out of the page's globals.
    assert script.startswith("(function () {\n" + stand_in)
    assert script.rstrip().endswith(wrapper + "\n})();")
    assert local_stripe.js_url.endswith("/js.stripe.com/v3/")  # where the stand-in finds its API


def outward_address() -> str | None:
    """This machine's address towards the outside, if it has a route there (a UDP
    "connect" sends nothing: it only picks the source address)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))  # TEST-NET-3, never routed anywhere real
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


def test_it_listens_on_loopback_only(local_stripe_server):
    assert local_stripe_server.address == ("127.0.0.1", local_stripe_server.port)
    address = outward_address()
    if address is not None:  # a machine with no network has nothing else to try
        with pytest.raises(OSError):
            socket.create_connection((address, local_stripe_server.port), timeout=2).close()


def test_only_one_server_runs_in_a_process(local_stripe_server):
    with pytest.raises(RuntimeError, match="already runs in this process"):
        LocalStripeServer().start()


def test_reset_forgets_every_object(local_stripe, intent):
    reset(local_stripe.api_base)
    with pytest.raises(stripe.InvalidRequestError):
        status_of(local_stripe, intent)


def test_stripe_js_pays_with_the_card_it_sends(local_stripe, intent):
    status, body = confirm_as_stripe_js(local_stripe, intent, "4242424242424242")
    assert (status, body["status"], body["id"]) == (200, "succeeded", intent.id)
    assert status_of(local_stripe, intent) == "succeeded"


def test_a_decline_is_a_402_card_error_and_a_good_card_then_pays(local_stripe, intent):
    status, body = confirm_as_stripe_js(local_stripe, intent, "4000000000000341")
    assert status == 402
    error = body["error"]
    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    assert error["message"] == "Your card was declined."
    assert error["payment_intent"]["id"] == intent.id
    assert error["payment_intent"]["status"] == "requires_payment_method"
    status, body = confirm_as_stripe_js(local_stripe, intent, "4242424242424242")
    assert (status, body["status"]) == (200, "succeeded")


def test_the_client_secret_must_match_and_the_publishable_key_be_given(local_stripe, intent):
    fields = {
        "key": PK,
        "client_secret": f"{intent.id}_secret_forged",
        **card_fields("4242424242424242"),
    }
    path = f"/v1/payment_intents/{intent.id}/confirm"
    status, body = post_as_stripe_js(local_stripe.api_base, path, fields)
    assert (status, body["error"]["code"]) == (400, "payment_intent_invalid_parameter")
    status, _ = post_as_stripe_js(
        local_stripe.api_base, path, {**fields, "key": "", "client_secret": intent.client_secret}
    )
    assert status == 401
    assert status_of(local_stripe, intent) == "requires_payment_method"


@pytest.mark.parametrize(
    ("card", "code", "message"),
    [
        ({"number": "4242424242424241"}, "incorrect_number", "Your card number is incorrect."),
        ({"number": "424242424242"}, "incorrect_number", "Your card number is incorrect."),
        (
            {"number": "4242424242424242", "exp_month": "13"},
            "invalid_expiry_month",
            "Your card's expiration month is invalid.",
        ),
        (
            {"number": "4242424242424242", "exp_year": "2020"},
            "expired_card",
            "Your card has expired.",
        ),
    ],
)
def test_a_card_stripe_would_refuse_gets_stripes_message(local_stripe, intent, card, code, message):
    number = card.pop("number")
    status, body = confirm_as_stripe_js(local_stripe, intent, number, **card)
    assert status == 402
    assert (body["error"]["type"], body["error"]["code"]) == ("card_error", code)
    assert body["error"]["message"] == message
    assert status_of(local_stripe, intent) == "requires_payment_method"


def test_three_d_secure_completed_pays(local_stripe, intent):
    status, body = confirm_as_stripe_js(local_stripe, intent, "4000002500003155")
    assert (status, body["status"]) == (200, "requires_action")
    status, body = authenticate(local_stripe, intent, success=True)
    assert (status, body["status"]) == (200, "succeeded")


def test_three_d_secure_failed_is_reported_like_stripe(local_stripe, intent, webhook_receiver):
    confirm_as_stripe_js(local_stripe, intent, "4000002500003155")
    status, body = authenticate(local_stripe, intent, success=False)
    assert (status, body["status"]) == (200, "requires_payment_method")
    assert body["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    failed = webhook_receiver.wait_for("payment_intent.payment_failed", intent.id).event
    assert failed["data"]["object"]["last_payment_error"]["code"] == (
        "payment_intent_authentication_failure"
    )
    # The buyer may then pay with another card.
    status, body = confirm_as_stripe_js(local_stripe, intent, "4242424242424242")
    assert (status, body["status"]) == (200, "succeeded")


def test_a_decline_sends_payment_failed_with_the_reason(local_stripe, intent, webhook_receiver):
    confirm_as_stripe_js(local_stripe, intent, "4000000000000341")
    failed = webhook_receiver.wait_for("payment_intent.payment_failed", intent.id).event
    assert failed["data"]["object"]["last_payment_error"]["message"] == "Your card was declined."


class CommandLineServer:
    """`python -m devtools.localstripe ...` in a process of its own."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "devtools.localstripe", *args],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def first_line(self, timeout: float = 60) -> str:
        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                self.process.kill()
                raise AssertionError(f"no output within {timeout}s")
        return self.process.stdout.readline()

    def api_base(self) -> str:
        line = self.first_line()
        match = re.search(
            r"serving (http://127\.0\.0\.1:\d+) \(Stripe\.js \1/js\.stripe\.com/v3/\)", line
        )
        assert match, line
        return match.group(1)

    def stop(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.stdout.close()


def test_the_command_line_registers_the_webhook_and_keeps_its_data(tmp_path):
    state = tmp_path / "localstripe.pickle"
    receiver = WebhookReceiver()
    first = CommandLineServer(
        "--port", "0", "--state-file", str(state),
        "--webhook-url", receiver.url, "--webhook-secret", "whsec_cli_test",
    )  # fmt: skip
    try:
        api_base = first.api_base()
        client = sdk(api_base)
        intent = client.v1.payment_intents.create({"amount": 700, "currency": "eur"})
        client.v1.payment_intents.confirm(intent.id, {"payment_method": "pm_card_visa"})
        delivery = receiver.wait_for("payment_intent.succeeded", intent.id)
        event = stripe.Webhook.construct_event(
            delivery.payload, delivery.signature, "whsec_cli_test"
        )
        assert event["data"]["object"]["amount"] == 700

        port = api_base.rsplit(":", 1)[1]
        busy = CommandLineServer("--port", port, "--state-file", str(tmp_path / "other.pickle"))
        assert busy.process.wait(timeout=60) == 1
        assert f"cannot listen on 127.0.0.1:{port}" in busy.first_line()
        busy.process.stdout.close()
    finally:
        assert first.stop() == 0
        receiver.close()
    assert state.exists()

    again = CommandLineServer("--port", "0", "--state-file", str(state))
    try:
        client = sdk(again.api_base())
        assert client.v1.payment_intents.retrieve(intent.id).status == "succeeded"
    finally:
        assert again.stop() == 0
