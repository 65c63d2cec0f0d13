"""Stripe events as Stripe would send them about an order, signed with the SDK
(``stripe.WebhookSignature.generate_signature_header``) for the events the local
Stripe server does not emit, or with contents it would never send."""

from __future__ import annotations

import itertools
import json
import time

import stripe
from flask import current_app

from shop.config import shop_id
from shop.orders.models import Order

_ids = itertools.count(1)


def intent_object(
    order: Order,
    status: str = "succeeded",
    *,
    amount: int | None = None,
    currency: str | None = None,
    error: str | None = None,
    intent_id: str | None = None,
) -> dict:
    return {
        "id": intent_id or order.payment_intent_id,
        "object": "payment_intent",
        "amount": order.total_cents if amount is None else amount,
        "currency": (currency or order.currency).lower(),
        "status": status,
        # As the shop writes it (shop.payments.settle.intent_metadata).
        "metadata": {
            "shop": shop_id(current_app.config),
            "order_id": str(order.id),
            "order_number": order.number,
        },
        "last_payment_error": {"code": "card_declined", "message": error} if error else None,
    }


def charge_object(order: Order, amount_refunded: int, *, paid: bool = True) -> dict:
    return {
        "id": f"ch_test_{order.id}",
        "object": "charge",
        "amount": order.total_cents,
        "amount_refunded": amount_refunded,
        "currency": order.currency.lower(),
        "paid": paid,
        "refunded": amount_refunded >= order.total_cents,
        "payment_intent": order.payment_intent_id,
        "metadata": {},
    }


def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_ids)}_{int(time.time() * 1000)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": obj},
    }


def sign(payload: bytes, secret: str, *, timestamp: int | None = None) -> str:
    return stripe.WebhookSignature.generate_signature_header(
        payload.decode(), secret, timestamp=timestamp
    )


def post_event(client, app, body: dict | bytes, *, timestamp: int | None = None, signature=None):
    """POST the event to the shop's webhook as Stripe does: the body signed with the app's
    secret (``signature`` overrides the header, ``timestamp`` dates it)."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    header = signature or sign(payload, app.config["STRIPE_WEBHOOK_SECRET"], timestamp=timestamp)
    return client.post(
        "/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": header},
        content_type="application/json",
    )
