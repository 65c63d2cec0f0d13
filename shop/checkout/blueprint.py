"""The cart and checkout pages."""

from flask import Blueprint

bp = Blueprint("checkout", __name__)
