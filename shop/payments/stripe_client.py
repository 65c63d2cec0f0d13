"""The Stripe SDK, configured from the app's settings, and the calls the shop makes.

Each app gets its own ``stripe.StripeClient`` (its key, its API base) instead of
setting ``stripe.api_key`` and ``stripe.api_base`` globally: an app pointed at the
local Stripe server and one pointed at Stripe can live in one process (the tests do
that), and nothing outside this module depends on the SDK's global state.

Stripe's errors are turned into ``PaymentError`` here, so that no other package
needs to import ``stripe`` to handle them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import stripe
from flask import Flask, current_app

from shop.payments.errors import PaymentError

EXTENSION_KEY = "shop.payments.stripe_client"


@dataclass(frozen=True)
class StripeSettings:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str
    js_url: str
    max_network_retries: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> StripeSettings:
        return cls(
            secret_key=config["STRIPE_SECRET_KEY"],
            publishable_key=config["STRIPE_PUBLISHABLE_KEY"],
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            api_base=config["STRIPE_API_BASE"].rstrip("/"),
            js_url=config["STRIPE_JS_URL"],
            max_network_retries=config["STRIPE_MAX_NETWORK_RETRIES"],
        )


def stripe_settings(app: Flask | None = None) -> StripeSettings:
    return StripeSettings.from_config((app or current_app).config)


def stripe_client(app: Flask | None = None) -> stripe.StripeClient:
    """The app's client, built on first use (it keeps a pool of HTTP connections)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    client = app.extensions.get(EXTENSION_KEY)
    if client is None:
        settings = stripe_settings(app)
        client = stripe.StripeClient(
            settings.secret_key,
            base_addresses={"api": settings.api_base},
            max_network_retries=settings.max_network_retries,
        )
        client = app.extensions.setdefault(EXTENSION_KEY, client)
    return client


@contextmanager
def _translated_errors() -> Iterator[None]:
    try:
        yield
    except stripe.CardError as exc:
        raise PaymentError(
            PaymentError.CARD_DECLINED, exc.user_message or "The card was declined.", status=402
        ) from exc
    except stripe.APIConnectionError as exc:
        raise PaymentError(
            PaymentError.PROVIDER_UNAVAILABLE,
            "The payment service cannot be reached just now; please try again in a moment.",
            status=503,
        ) from exc
    except stripe.InvalidRequestError as exc:
        raise PaymentError(
            PaymentError.INVALID_REQUEST, exc.user_message or "Stripe refused the request."
        ) from exc
    except stripe.StripeError as exc:
        raise PaymentError(
            PaymentError.PROVIDER_ERROR,
            exc.user_message or "The payment service failed to answer.",
            status=502,
        ) from exc


def create_payment_intent(
    *,
    amount_cents: int,
    currency: str,
    metadata: Mapping[str, str],
    idempotency_key: str,
) -> stripe.PaymentIntent:
    """A PaymentIntent for an order; the same idempotency key gives the same intent back."""
    if amount_cents <= 0:
        raise PaymentError(PaymentError.INVALID_REQUEST, "A payment must be for a positive amount.")
    with _translated_errors():
        return stripe_client().v1.payment_intents.create(
            {
                "amount": amount_cents,
                "currency": currency.lower(),  # Stripe's codes are lower case
                "metadata": dict(metadata),
                "payment_method_types": ["card"],
            },
            {"idempotency_key": idempotency_key},
        )


def cancel_payment_intent(payment_intent_id: str) -> dict:
    """Cancel a PaymentIntent, so that no payment can succeed on it any more. Returns the
    intent as Stripe has it afterwards: ``canceled``, or ``succeeded`` (or ``processing``)
    when the payment came first and it can no longer be cancelled; status ``not_found``
    for an intent Stripe does not know, which nobody can pay either."""
    with _translated_errors():
        try:
            intent = stripe_client().v1.payment_intents.cancel(payment_intent_id)
        except stripe.InvalidRequestError as exc:
            if exc.http_status == 404:
                return {"id": payment_intent_id, "status": "not_found"}
            # Already canceled, or succeeded: Stripe refuses; its current state answers.
            intent = stripe_client().v1.payment_intents.retrieve(payment_intent_id)
        return intent.to_dict()


def retrieve_payment_intent(payment_intent_id: str) -> stripe.PaymentIntent:
    with _translated_errors():
        return stripe_client().v1.payment_intents.retrieve(payment_intent_id)


def refund_payment_intent(
    payment_intent_id: str, *, idempotency_key: str, amount_cents: int | None = None
) -> stripe.Refund:
    """Refund all of a payment, or ``amount_cents`` of it."""
    params: dict[str, Any] = {"payment_intent": payment_intent_id}
    if amount_cents is not None:
        params["amount"] = amount_cents
    with _translated_errors():
        return stripe_client().v1.refunds.create(params, {"idempotency_key": idempotency_key})


def construct_event(payload: bytes, signature_header: str | None) -> stripe.Event:
    """Verify a webhook's signature against the configured secret and parse the event.

    With stripe-python 16, ``event["data"]["object"]`` is a ``StripeObject``: index
    it, or call ``.to_dict()``; it has no ``.get()``.
    """
    try:
        # The client's construct_event is stripe.Webhook.construct_event, bound to this
        # app's client rather than to the SDK's global key.
        return stripe_client().construct_event(
            payload, signature_header, stripe_settings().webhook_secret
        )
    except (stripe.SignatureVerificationError, ValueError) as exc:
        # ValueError: a body that is not JSON, after a signature that matched.
        raise PaymentError(
            PaymentError.INVALID_SIGNATURE, "The event's signature is not valid."
        ) from exc


def retrieve_charge(charge_id: str) -> stripe.Charge:
    with _translated_errors():
        return stripe_client().v1.charges.retrieve(charge_id)
