from flask import Blueprint

bp = Blueprint("catalog", __name__)

from shop.catalog import cache, views  # noqa: E402,F401  (routes and the cache hook)
