"""The buyer's tax settings: their VAT number and exemption certificates (``/account/tax``)."""

from flask import Blueprint

bp = Blueprint("tax", __name__)
