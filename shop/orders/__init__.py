"""Orders: the buyer's pages (``/orders``) over the orders domain."""

from flask import Blueprint

bp = Blueprint("orders", __name__)

from shop.orders import views  # noqa: E402,F401
