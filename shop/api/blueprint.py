"""The read-only catalogue API under /api/v1; it owns no business rules."""

from flask import Blueprint, current_app

from shop.extensions import limiter

bp = Blueprint("api", __name__)
# One allowance per client address for the whole blueprint, however it is spread
# over the endpoints (a limit per endpoint would multiply it by their number).
limiter.shared_limit(lambda: current_app.config["API_RATE_LIMIT"], scope="api-v1")(bp)
