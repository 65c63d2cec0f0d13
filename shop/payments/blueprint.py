"""Paying an order, coming back from paying, and Stripe's webhook."""

from flask import Blueprint

bp = Blueprint("payments", __name__)
