from flask import Blueprint

bp = Blueprint("licensing", __name__)

from shop.licensing import views  # noqa: E402,F401
