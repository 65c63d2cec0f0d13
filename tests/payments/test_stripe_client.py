"""shop.payments.stripe_client against the local Stripe server, for real."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import stripe

from shop.payments.errors import PaymentError
from shop.payments.stripe_client import (
    cancel_payment_intent,
    construct_event,
    create_payment_intent,
    refund_payment_intent,
    retrieve_payment_intent,
    stripe_client,
)
from tests.stripe_server import paying_app

pytestmark = pytest.mark.localstripe

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def paying(stripe_app, local_stripe) -> Iterator[None]:
    with stripe_app.app_context():
        yield


def new_intent(order_id: int = 42, amount_cents: int = 12_345) -> stripe.PaymentIntent:
    return create_payment_intent(
        amount_cents=amount_cents,
        currency="EUR",
        metadata={"order_id": str(order_id)},
        idempotency_key=f"order-{order_id}-payment",
    )


def confirm(intent_id: str, payment_method: str) -> stripe.PaymentIntent:
    """What the buyer's card does in the browser, done on the server side."""
    return stripe_client().v1.payment_intents.confirm(intent_id, {"payment_method": payment_method})


def test_a_payment_intent_carries_amount_currency_and_order(paying):
    intent = new_intent(order_id=42)
    assert (intent.amount, intent.currency) == (12_345, "eur")
    assert intent["metadata"]["order_id"] == "42"
    assert intent.status == "requires_payment_method"
    assert intent.client_secret.startswith(f"{intent.id}_secret_")
    again = retrieve_payment_intent(intent.id)
    assert (again.id, again.amount, again["metadata"]["order_id"]) == (intent.id, 12_345, "42")


def test_a_positive_amount_is_required_before_stripe_is_asked(paying):
    with pytest.raises(PaymentError) as refused:
        new_intent(amount_cents=0)
    assert refused.value.code == PaymentError.INVALID_REQUEST


def test_the_idempotency_key_the_key_and_the_order_reach_the_api():
    """localstripe ignores idempotency keys, so a recording server checks they are sent."""
    requests: list[tuple[dict, dict]] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            requests.append((dict(self.headers), urllib.parse.parse_qs(body.decode())))
            answer = json.dumps({"id": "pi_recorded", "object": "payment_intent"}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app = paying_app(STRIPE_API_BASE=f"http://127.0.0.1:{server.server_port}")
    try:
        with app.app_context():
            assert new_intent(order_id=7, amount_cents=990).id == "pi_recorded"
    finally:
        server.shutdown()
        server.server_close()
    [(headers, form)] = requests
    assert headers["Idempotency-Key"] == "order-7-payment"
    assert headers["Authorization"] == "Bearer sk_test_local"
    assert form["amount"] == ["990"] and form["currency"] == ["eur"]
    assert form["metadata[order_id]"] == ["7"]


def test_a_good_card_pays(paying):
    intent = new_intent()
    assert confirm(intent.id, "pm_card_visa").status == "succeeded"
    assert retrieve_payment_intent(intent.id).status == "succeeded"


def test_a_declined_card_gives_stripes_message_and_the_intent_can_be_paid_again(paying):
    intent = new_intent()
    with pytest.raises(stripe.CardError) as declined:
        confirm(intent.id, "pm_card_chargeCustomerFail")
    assert declined.value.user_message == "Your card was declined."
    assert declined.value.code == "card_declined"
    assert retrieve_payment_intent(intent.id).status == "requires_payment_method"
    assert confirm(intent.id, "pm_card_visa").status == "succeeded"


def test_a_paid_intent_cannot_be_confirmed_twice(paying):
    intent = new_intent()
    confirm(intent.id, "pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError, match="status of succeeded"):
        confirm(intent.id, "pm_card_visa")


def test_a_refund_in_part_then_the_rest(paying):
    intent = new_intent(amount_cents=10_000)
    confirm(intent.id, "pm_card_visa")
    part = refund_payment_intent(intent.id, idempotency_key="refund-1", amount_cents=2_500)
    assert (part.status, part.amount, part.currency) == ("succeeded", 2_500, "eur")
    rest = refund_payment_intent(intent.id, idempotency_key="refund-2")
    assert (rest.status, rest.amount) == ("succeeded", 10_000)
    refunds = stripe_client().v1.refunds.list({"payment_intent": intent.id})
    assert sorted(refund.amount for refund in refunds.data) == [2_500, 10_000]


def test_an_unpaid_intent_cannot_be_refunded(paying):
    intent = new_intent()
    with pytest.raises(PaymentError) as refused:
        refund_payment_intent(intent.id, idempotency_key="refund-unpaid")
    assert refused.value.code == PaymentError.INVALID_REQUEST


def test_cancelling_an_intent_leaves_it_unpayable_and_says_how_it_stands(paying):
    waiting = new_intent(order_id=7)
    assert cancel_payment_intent(waiting.id)["status"] == "canceled"
    assert cancel_payment_intent(waiting.id)["status"] == "canceled"  # again: as it stands
    with pytest.raises(stripe.InvalidRequestError):
        confirm(waiting.id, "pm_card_visa")
    paid = new_intent(order_id=8)
    confirm(paid.id, "pm_card_visa")
    assert cancel_payment_intent(paid.id)["status"] == "succeeded"  # the payment came first
    assert cancel_payment_intent("pi_doesnotexist") == {
        "id": "pi_doesnotexist",
        "status": "not_found",
    }


def test_an_unknown_intent_is_a_payment_error(paying):
    with pytest.raises(PaymentError) as missing:
        retrieve_payment_intent("pi_doesnotexist")
    assert missing.value.code == PaymentError.INVALID_REQUEST


def test_an_unreachable_stripe_is_a_payment_error_the_buyer_can_read():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = paying_app(STRIPE_API_BASE=f"http://127.0.0.1:{port}")
    with app.app_context(), pytest.raises(PaymentError) as down:
        new_intent()
    assert (down.value.code, down.value.status) == (PaymentError.PROVIDER_UNAVAILABLE, 503)
    assert "try again" in down.value.message


def test_each_app_has_its_own_client_and_the_sdk_globals_stay_untouched(stripe_app, local_stripe):
    other = paying_app()
    with stripe_app.app_context():
        ours = stripe_client()
        assert stripe_client() is ours
    with other.app_context():
        assert stripe_client() is not ours
    assert stripe.api_key is None
    assert stripe.api_base == "https://api.stripe.com"


def test_a_payment_sends_a_signed_event_that_verifies(paying, webhook_receiver):
    intent = new_intent(order_id=7)
    confirm(intent.id, "pm_card_visa")
    delivery = webhook_receiver.wait_for("payment_intent.succeeded", intent.id)
    event = construct_event(delivery.payload, delivery.signature)
    assert event.type == "payment_intent.succeeded"
    paid = event["data"]["object"]  # a StripeObject with stripe-python 16: index it
    assert (paid["id"], paid["amount"], paid["currency"]) == (intent.id, 12_345, "eur")
    assert paid["metadata"]["order_id"] == "7"
    assert paid.to_dict()["status"] == "succeeded"


def test_a_tampered_stale_or_foreign_event_is_refused(paying, webhook_receiver, stripe_app):
    intent = new_intent()
    confirm(intent.id, "pm_card_visa")
    delivery = webhook_receiver.wait_for("payment_intent.succeeded", intent.id)
    tampered = delivery.payload.replace(b'"amount": 12345', b'"amount": 1')
    assert tampered != delivery.payload
    foreign = stripe.WebhookSignature.generate_signature_header(
        delivery.payload.decode(), "whsec_someone_else"
    )
    stale = stripe.WebhookSignature.generate_signature_header(
        delivery.payload.decode(),
        stripe_app.config["STRIPE_WEBHOOK_SECRET"],
        timestamp=int(time.time()) - 3600,
    )
    for payload, signature in [
        (tampered, delivery.signature),
        (delivery.payload, foreign),
        (delivery.payload, stale),
        (delivery.payload, None),
    ]:
        with pytest.raises(PaymentError) as refused:
            construct_event(payload, signature)
        assert refused.value.code == PaymentError.INVALID_SIGNATURE


def test_the_app_never_imports_the_local_stripe_server():
    """A production install has no localstripe: only `python -m` and the tests load it."""
    check = (
        "import sys; from shop import create_app; app = create_app('testing');"
        "import shop.payments.stripe_client;"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'localstripe'"
        " or m == 'devtools.localstripe');"
        "print(loaded); raise SystemExit(1 if loaded else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
