"""The read-only catalogue API under /api/v1; it owns no business rules."""

from flask import Blueprint, current_app

from shop.extensions import limiter

bp = Blueprint("api", __name__)
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"])(bp)

from shop.api import views  # noqa: E402,F401
