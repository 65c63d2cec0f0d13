"""Payments with Stripe: the only package that imports ``stripe``.

``stripe_client`` configures the SDK from the app's settings and wraps the few calls
the shop makes (PaymentIntents, refunds, webhook events); ``localstripe_server`` is
the local Stripe server for development and tests.
"""

from flask import Blueprint

bp = Blueprint("payments", __name__)

from shop.payments import views  # noqa: E402,F401
