"""A professional's licence pages."""

from flask import Blueprint

bp = Blueprint("licensing", __name__)
