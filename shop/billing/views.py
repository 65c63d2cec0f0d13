"""Downloading an order's invoice and credit notes: the stored PDF, the same bytes
from every server (rendered and stored first if the worker has not yet done it). Only
the order's buyer and administrators get them; anyone else gets the same 404 as for
a document that does not exist.
"""

from __future__ import annotations

from flask import Response, abort
from flask_login import current_user, login_required

from shop.billing.blueprint import bp
from shop.billing.models import CreditNote, Invoice
from shop.billing.services import (
    find_credit_note_for_viewer,
    find_invoice_for_viewer,
    rendered_pdf,
)


def pdf_response(document: Invoice | CreditNote) -> Response:
    pdf = rendered_pdf(document)  # stored (and committed) first if not yet rendered
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{document.filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Content-SHA256"] = document.sha256  # what the database keeps
    # A buyer's papers: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/orders/<number>/invoice")
@login_required
def invoice(number: str):
    document = find_invoice_for_viewer(number, current_user)
    if document is None:
        abort(404)
    return pdf_response(document)


@bp.get("/orders/<number>/credit-notes/<note_number>")
@login_required
def credit_note(number: str, note_number: str):
    document = find_credit_note_for_viewer(number, note_number, current_user)
    if document is None:
        abort(404)
    return pdf_response(document)
