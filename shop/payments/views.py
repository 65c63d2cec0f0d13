"""``POST /stripe/webhook``: Stripe's signed events about payments and refunds.

Exempt from CSRF (Stripe signs the body instead) and answered in JSON, errors
included (``shop.errors`` treats ``/stripe/`` as a path for programs). A body
whose signature does not verify, or whose timestamp is stale, gets 400 and
changes nothing; Stripe retries anything but a 2xx, so a database fault answers
503 (``shop.errors``) and the event comes again.
"""

from __future__ import annotations

import logging

from flask import jsonify, request

from shop.errors import json_error
from shop.extensions import csrf, db
from shop.payments import bp
from shop.payments.errors import PaymentError
from shop.payments.settle import MalformedEvent, handle_event
from shop.payments.stripe_client import construct_event

log = logging.getLogger(__name__)


@bp.post("/stripe/webhook")
@csrf.exempt
def stripe_webhook():
    payload = request.get_data(cache=False)
    try:
        event = construct_event(payload, request.headers.get("Stripe-Signature"))
    except PaymentError as error:
        log.warning("stripe webhook refused: %s", error.message)
        return json_error(400, error.code, error.message)
    try:
        outcome = handle_event(event)
        db.session.commit()
    except MalformedEvent as error:
        db.session.rollback()
        log.warning("stripe event refused: %s", error.message)
        return json_error(400, error.code, error.message)
    except BaseException:
        db.session.rollback()
        raise
    log.info("stripe event %s (%s): %s", event["id"], event["type"], outcome)
    return jsonify(received=True, outcome=outcome)
