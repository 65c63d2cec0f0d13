"""The back office's tax: the rates table, buyers' VAT numbers and exemption
certificates. Each change is audited by its service; a rate an order used is never
changed (the service refuses, and says to add a new one)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.accounts.fresh import fresh_login_required
from shop.admin.blueprint import bp
from shop.admin.tax_forms import DecisionForm, RefusalForm, TaxRateForm
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.gate import today_at
from shop.shipping.models import ShippingZoneArea
from shop.tax.certificates import (
    approve_certificate,
    list_certificates,
    reject_certificate,
)
from shop.tax.errors import TaxError
from shop.tax.models import TaxRate
from shop.tax.rates import (
    RateFields,
    add_rate,
    change_rate,
    delete_rate,
    list_rates,
    places_without_rate,
)
from shop.tax.seller import seller_of, tax_name
from shop.tax.services import place_name, rate_label
from shop.tax.vat_numbers import list_vat_numbers, reject_vat_number, verify_vat_number
from shop.tax.views import send_certificate

OVERVIEW = "admin.tax_overview"


def _shipping_places() -> list[tuple[str, str]]:
    return sorted(
        set(db.session.execute(select(ShippingZoneArea.country, ShippingZoneArea.region)))
    )


@bp.get("/tax")
def tax_overview():
    today = today_at()
    return render_template(
        "admin/tax/overview.html",
        rates=list_rates(),
        missing=places_without_rate(_shipping_places(), today),
        vat_numbers=list_vat_numbers(),
        certificates=list_certificates(),
        seller=seller_of(current_app.config),
        today=today,
        place_name=place_name,
        rate_label=rate_label,
        tax_name=tax_name,
        refusal_form=RefusalForm(formdata=None),
        decision_form=DecisionForm(formdata=None),
    )


def _fields(form: TaxRateForm) -> RateFields:
    return RateFields(
        country=form.country.data,
        region=form.region.data or "",
        tax_class=form.tax_class.data,
        rate=form.rate.data,
        valid_from=form.valid_from.data,
        valid_to=form.valid_to.data,
    )


def _refused(form: TaxRateForm, error: TaxError) -> None:
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is None:
        flash(error.message, "error")
    else:
        field.errors = [*field.errors, error.message]


@bp.route("/tax/rates/new", methods=["GET", "POST"])
@fresh_login_required
def tax_rate_new():
    form = TaxRateForm()
    if form.validate_on_submit():
        try:
            rate = add_rate(current_user, _fields(form), today=today_at())
        except TaxError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(
                f"Added the rate: {place_name(rate.country, rate.region)}, {rate.rate}%.", "success"
            )
            return redirect(url_for(OVERVIEW), 303)
    return render_template("admin/tax/rate_form.html", form=form, rate=None), (
        422 if form.errors else 200
    )


@bp.route("/tax/rates/<int:rate_id>", methods=["GET", "POST"])
@fresh_login_required
def tax_rate(rate_id: int):
    rate = db.get_or_404(TaxRate, rate_id)
    if rate.used_at is not None:
        flash(
            "Orders were priced at this rate, so it cannot be changed: add a new rate from "
            "the day the change applies (it ends this one the day before).",
            "info",
        )
        return redirect(url_for("admin.tax_rate_new"), 303)
    form = TaxRateForm(
        data={
            "country": rate.country,
            "region": rate.region,
            "tax_class": str(rate.tax_class),
            "rate": format(rate.rate.normalize(), "f"),
            "valid_from": rate.valid_from,
            "valid_to": rate.valid_to,
        }
    )
    if form.validate_on_submit():
        try:
            change_rate(current_user, rate_id, _fields(form), today=today_at())
        except TaxError as error:
            if error.code == TaxError.RATE_IN_USE:
                db.session.rollback()
                flash(error.message, "error")
                return redirect(url_for(OVERVIEW), 303)
            _refused(form, error)
        else:
            db.session.commit()
            flash("Saved the rate.", "success")
            return redirect(url_for(OVERVIEW), 303)
    return render_template("admin/tax/rate_form.html", form=form, rate=rate), (
        422 if form.errors else 200
    )


@bp.post("/tax/rates/<int:rate_id>/delete")
@fresh_login_required(back=OVERVIEW)
def tax_rate_delete(rate_id: int):
    try:
        delete_rate(current_user, rate_id)
    except TaxError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
    else:
        db.session.commit()
        flash("Deleted the rate.", "success")
    return redirect(url_for(OVERVIEW), 303)


def _decided(decide, done: str, *args, **kwargs):
    try:
        decide(current_user, *args, now=utcnow(), **kwargs)
    except TaxError as error:
        db.session.rollback()
        if error.status == 404:
            abort(404)
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for(OVERVIEW), 303)


def _rejected(reject, subject_id: int, *, missing_reason: str, done: str):
    """A refusal, which needs the reason the buyer will read: without one, nothing is
    decided and the overview says so."""
    form = RefusalForm()
    if not form.validate_on_submit():
        flash(missing_reason, "error")
        return redirect(url_for(OVERVIEW), 303)
    return _decided(reject, done, subject_id, reason=form.reason.data)


@bp.post("/tax/vat-numbers/<int:vat_number_id>/verify")
@fresh_login_required(back=OVERVIEW)
def tax_vat_number_verify(vat_number_id: int):
    return _decided(
        verify_vat_number,
        "The VAT number is confirmed; the buyer is told by e-mail.",
        vat_number_id,
    )


@bp.post("/tax/vat-numbers/<int:vat_number_id>/reject")
@fresh_login_required(back=OVERVIEW)
def tax_vat_number_reject(vat_number_id: int):
    return _rejected(
        reject_vat_number,
        vat_number_id,
        missing_reason="Give the reason for refusing the VAT number: the buyer will read it.",
        done="The VAT number is refused; the buyer is told by e-mail.",
    )


@bp.post("/tax/certificates/<int:certificate_id>/approve")
@fresh_login_required(back=OVERVIEW)
def tax_certificate_approve(certificate_id: int):
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    return _decided(
        approve_certificate,
        "The certificate is approved; the buyer is told by e-mail.",
        certificate_id,
        reason=form.reason.data or "",
    )


@bp.post("/tax/certificates/<int:certificate_id>/reject")
@fresh_login_required(back=OVERVIEW)
def tax_certificate_reject(certificate_id: int):
    return _rejected(
        reject_certificate,
        certificate_id,
        missing_reason="Give the reason for rejecting the certificate: the buyer will read it.",
        done="The certificate is rejected; the buyer is told by e-mail.",
    )


@bp.get("/tax/certificates/<int:certificate_id>/document")
def tax_certificate_document(certificate_id: int):
    return send_certificate(certificate_id)
