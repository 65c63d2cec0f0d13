"""The address book's pages (the back office's shipping pages live in admin)."""

from flask import Blueprint

bp = Blueprint("shipping", __name__)
