"""The buyer's tax settings: the VAT number (checked in form at once, confirmed by the
shop later) and US resale or exemption certificates (reviewed like licences)."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, send_file, url_for
from flask_login import current_user, login_required

from shop.database import utcnow
from shop.extensions import db
from shop.licensing.documents import read_licence_upload
from shop.licensing.errors import DocumentError
from shop.licensing.gate import today_at
from shop.tax.blueprint import bp
from shop.tax.certificates import (
    certificates_of,
    find_certificate_for_viewer,
    submit_certificate,
)
from shop.tax.errors import TaxError
from shop.tax.forms import CertificateSubmitForm, VatNumberForm
from shop.tax.vat_numbers import find_vat_number, remove_vat_number, set_vat_number


def _page(vat_form=None, certificate_form=None, status: int = 200):
    max_bytes = current_app.config["LICENCE_MAX_BYTES"]
    vat_number = find_vat_number(current_user)
    if vat_form is None:
        vat_form = VatNumberForm(formdata=None)
        vat_form.vat_number.data = vat_number.number if vat_number else ""
    return render_template(
        "tax/settings.html",
        vat_number=vat_number,
        vat_form=vat_form,
        certificate_form=certificate_form
        or CertificateSubmitForm(formdata=None, max_bytes=max_bytes),
        certificates=certificates_of(current_user),
        today=today_at(),
    ), status


@bp.get("/account/tax")
@login_required
def settings():
    return _page()


@bp.post("/account/tax/vat-number")
@login_required
def save_vat_number():
    form = VatNumberForm()
    if form.validate_on_submit():
        try:
            row = set_vat_number(current_user, form.vat_number.data, now=utcnow())
            db.session.commit()
        except TaxError as error:
            db.session.rollback()
            form.vat_number.errors.append(error.message)
        else:
            flash(
                f"Your VAT number {row.number} is saved. The shop will confirm it; meanwhile "
                "your orders to another EU member state are invoiced under the reverse charge.",
                "success",
            )
            return redirect(url_for("tax.settings"), 303)
    return _page(vat_form=form, status=400)


@bp.post("/account/tax/vat-number/remove")
@login_required
def delete_vat_number():
    try:
        remove_vat_number(current_user)
    except TaxError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("Your VAT number is removed: orders are charged VAT.", "success")
    return redirect(url_for("tax.settings"), 303)


@bp.post("/account/tax/certificates")
@login_required
def new_certificate():
    max_bytes = current_app.config["LICENCE_MAX_BYTES"]
    form = CertificateSubmitForm(max_bytes=max_bytes)
    if form.validate_on_submit():
        upload = form.document.data
        try:
            submit_certificate(
                current_user,
                kind=form.kind.data,
                region=form.region.data,
                number=form.number.data,
                expires_on=form.expires_on.data,
                document=read_licence_upload(
                    upload.stream,
                    upload.filename or "",
                    max_bytes=max_bytes,
                    what="the certificate",
                ),
                today=today_at(),
            )
            db.session.commit()
        except (TaxError, DocumentError) as error:
            db.session.rollback()
            getattr(form, error.field or "document").errors.append(error.message)
        else:
            flash(
                "Thank you: the certificate is submitted. We will e-mail you once we have checked it.",
                "success",
            )
            return redirect(url_for("tax.settings"), 303)
    return _page(certificate_form=form, status=400)


@bp.get("/account/tax/certificates/<int:certificate_id>/document")
@login_required
def certificate_document(certificate_id: int):
    return send_certificate(certificate_id)


def send_certificate(certificate_id: int):
    """The certificate's file, to its buyer or an administrator (404 to anyone else): a
    download, never shown inline, never kept by a cache (the admin page serves it too)."""
    certificate = find_certificate_for_viewer(certificate_id, current_user)
    if certificate is None:
        abort(404)
    response = send_file(
        io.BytesIO(certificate.data),
        mimetype=certificate.content_type,
        as_attachment=True,
        download_name=certificate.filename,
        conditional=False,
        etag=False,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
