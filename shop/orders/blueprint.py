"""The buyer's order pages (``/orders``)."""

from flask import Blueprint

bp = Blueprint("orders", __name__)
