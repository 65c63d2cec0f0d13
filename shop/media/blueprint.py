"""Media files at their content-hash URLs."""

from flask import Blueprint

bp = Blueprint("media", __name__)
