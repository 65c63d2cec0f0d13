"""The professional's licence: follow it, submit it, download its document."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from shop.catalog.enums import Profession
from shop.extensions import db, limiter
from shop.licensing.blueprint import bp
from shop.licensing.countries import country_name
from shop.licensing.documents import document_response, format_size, read_licence_upload
from shop.licensing.errors import LicenceError
from shop.licensing.forms import LicenceSubmitForm
from shop.licensing.services import (
    find_licence_for_viewer,
    licence_summary,
    submit_licence,
    utc_today,
)

# For every page, the account page's section above all (7a's view passes only ``user``).
bp.add_app_template_global(licence_summary)
bp.add_app_template_filter(country_name)


def _upload_limit_key() -> str:
    # Per account: an office behind one address does not share one allowance.
    if current_user.is_authenticated:
        return f"licence-upload:user:{current_user.id}"
    return f"licence-upload:addr:{get_remote_address()}"


@bp.errorhandler(RequestEntityTooLarge)
def _upload_too_large(_error):
    # The body was cut off unread, so the form cannot be shown again filled in.
    limit = format_size(current_app.config["LICENCE_MAX_BYTES"])
    return render_template("licensing/upload_too_large.html", limit=limit), 413


@bp.get("/licence")
@login_required
def licence():
    return render_template("licensing/licence.html", summary=licence_summary(current_user))


@bp.route("/licence/new", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["LICENCE_UPLOAD_RATE_LIMIT"],
    key_func=_upload_limit_key,
    methods=["POST"],
)
def new_licence():
    summary = licence_summary(current_user)
    if not current_user.email_confirmed:
        status = 403 if request.method == "POST" else 200
        return render_template("licensing/new_licence.html", summary=summary, form=None), status
    max_bytes = current_app.config["LICENCE_MAX_BYTES"]
    form = LicenceSubmitForm(max_bytes=max_bytes)
    if form.validate_on_submit():
        upload = form.document.data
        try:
            submit_licence(
                current_user,
                profession=Profession(form.profession.data),
                licence_number=form.licence_number.data,
                country=form.country.data,
                region=form.region.data or "",
                expires_on=form.expires_on.data,
                npi=form.npi.data,
                document=read_licence_upload(
                    upload.stream, upload.filename or "", max_bytes=max_bytes
                ),
                today=utc_today(),
            )
            db.session.commit()
        except LicenceError as error:
            db.session.rollback()
            if error.field is None:
                flash(error.message, "error")
                return redirect(url_for("licensing.licence"))
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(
                "Thank you: your licence is submitted. We will e-mail you once we have checked it.",
                "success",
            )
            return redirect(url_for("licensing.licence"))
    status = 400 if any(field.errors for field in form) else 200
    return render_template("licensing/new_licence.html", summary=summary, form=form), status


@bp.get("/licence/<int:licence_id>/document")
@login_required
def download_document(licence_id: int):
    licence = find_licence_for_viewer(licence_id, current_user)
    if licence is None:
        abort(404)
    return document_response(licence.document)
