"""Invoices and credit notes for their buyer (and administrators): ``/orders/<number>/...``."""

from flask import Blueprint

bp = Blueprint("billing", __name__)
