"""The public catalogue pages."""

from flask import Blueprint

bp = Blueprint("storefront", __name__)
