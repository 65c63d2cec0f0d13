"""The accounts pages: log-in, registration, confirmation, password reset, the account."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
