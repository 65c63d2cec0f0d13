"""Checkout: the cart kept per user, placing an order, and re-ordering."""
