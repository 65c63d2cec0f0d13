"""Payments with Stripe: the only package that imports ``stripe``.

``stripe_client`` configures the SDK from the app's settings and wraps the few calls
the shop makes (PaymentIntents, refunds, webhook events).
"""
