"""The back office's shipping: methods, the zones they serve, and their rates.

Each change is audited by its service; orders already placed keep the method and
price they were placed with, so nothing here changes them. Every change (and its form)
asks for a fresh log-in (shop.accounts.fresh).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import SelectChoice

from shop.accounts.fresh import fresh_login_required
from shop.admin.blueprint import bp
from shop.catalog.values import price_cents
from shop.extensions import db
from shop.shipping.enums import RateBasis
from shop.shipping.errors import ShippingError, ShippingFieldErrors
from shop.shipping.forms import ShippingMethodForm, ShippingRateForm, ShippingZoneForm
from shop.shipping.models import ShippingMethod, ShippingRate, ShippingZone
from shop.shipping.services import (
    MethodFields,
    RateFields,
    area_text,
    delete_rate,
    delete_zone,
    list_methods,
    list_rates,
    list_zones,
    save_method,
    save_rate,
    save_zone,
)

OVERVIEW = "admin.shipping_overview"


def _saved(form, save, message: str):
    """Run ``save``; commit and go back to the overview, or put its reasons on the form."""
    try:
        save()
    except ShippingFieldErrors as refused:
        db.session.rollback()
        for name, reason in refused.errors.items():
            field = getattr(form, name, None)
            if field is None:
                flash(reason, "error")
            else:
                field.errors = [*field.errors, reason]
        return None
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(OVERVIEW), 303)


@bp.get("/shipping")
def shipping_overview():
    return render_template(
        "admin/shipping/overview.html",
        methods=list_methods(),
        zones=list_zones(),
        rates=list_rates(),
        area_text=area_text,
    )


@bp.route("/shipping/methods/new", methods=["GET", "POST"], endpoint="shipping_method_new")
@bp.route("/shipping/methods/<int:method_id>", methods=["GET", "POST"])
@fresh_login_required
def shipping_method(method_id: int | None = None):
    method = db.get_or_404(ShippingMethod, method_id) if method_id is not None else None
    form = ShippingMethodForm(obj=method)
    if form.validate_on_submit():
        fields = MethodFields(
            code=form.code.data.strip(),
            name=form.name.data,
            carrier=form.carrier.data,
            delivery_estimate=form.delivery_estimate.data,
            cold_chain=form.cold_chain.data,
            is_active=form.is_active.data,
            position=form.position.data,
        )
        done = _saved(
            form,
            lambda: save_method(current_user, fields, method),
            f"Saved the shipping method {fields.name}.",
        )
        if done:
            return done
    return render_template("admin/shipping/method_form.html", form=form, method=method), (
        422 if form.errors else 200
    )


@bp.route("/shipping/zones/new", methods=["GET", "POST"], endpoint="shipping_zone_new")
@bp.route("/shipping/zones/<int:zone_id>", methods=["GET", "POST"])
@fresh_login_required
def shipping_zone(zone_id: int | None = None):
    zone = db.get_or_404(ShippingZone, zone_id) if zone_id is not None else None
    form = ShippingZoneForm(
        data={"name": zone.name, "areas": area_text(zone.areas)} if zone is not None else None
    )
    if form.validate_on_submit():
        done = _saved(
            form,
            lambda: save_zone(current_user, form.name.data, form.areas.data, zone),
            f"Saved the zone {form.name.data.strip()}.",
        )
        if done:
            return done
    return render_template("admin/shipping/zone_form.html", form=form, zone=zone), (
        422 if form.errors else 200
    )


@bp.post("/shipping/zones/<int:zone_id>/delete")
@fresh_login_required(back=OVERVIEW)
def shipping_zone_delete(zone_id: int):
    zone = db.get_or_404(ShippingZone, zone_id)
    name = zone.name
    try:
        delete_zone(current_user, zone)
    except ShippingError as refused:
        db.session.rollback()
        flash(refused.message, "error")
    else:
        db.session.commit()
        flash(f"Deleted the zone {name}.", "success")
    return redirect(url_for(OVERVIEW), 303)


def _rate_form(rate: ShippingRate | None) -> ShippingRateForm:
    data = None
    if rate is not None:
        data = {
            "method_id": rate.method_id,
            "zone_id": rate.zone_id,
            "basis": str(rate.basis),
            "from_amount": rate.from_amount,
            "up_to_amount": rate.up_to_amount,
            "price": f"{rate.price_cents / 100:.2f}",
            "currency": rate.currency,
            "free_from": f"{rate.free_from_cents / 100:.2f}" if rate.free_from_cents else "",
        }
    form = ShippingRateForm(data=data)
    form.method_id.choices = [SelectChoice(m.id, f"{m.name} ({m.code})") for m in list_methods()]
    form.zone_id.choices = [SelectChoice(z.id, z.name) for z in list_zones()]
    return form


@bp.route("/shipping/rates/new", methods=["GET", "POST"], endpoint="shipping_rate_new")
@bp.route("/shipping/rates/<int:rate_id>", methods=["GET", "POST"])
@fresh_login_required
def shipping_rate(rate_id: int | None = None):
    rate = db.get_or_404(ShippingRate, rate_id) if rate_id is not None else None
    form = _rate_form(rate)
    if not form.method_id.choices or not form.zone_id.choices:
        flash("Add a shipping method and a zone before their rates.", "info")
        return redirect(url_for(OVERVIEW), 303)
    if form.validate_on_submit():
        fields = RateFields(
            method_id=form.method_id.data,
            zone_id=form.zone_id.data,
            basis=RateBasis(form.basis.data),
            from_amount=form.from_amount.data,
            up_to_amount=form.up_to_amount.data,
            price_cents=price_cents(form.price.data),
            currency=form.currency.data.strip().upper(),
            free_from_cents=price_cents(form.free_from.data) if form.free_from.data else None,
        )
        done = _saved(form, lambda: save_rate(current_user, fields, rate), "Saved the rate.")
        if done:
            return done
    return render_template("admin/shipping/rate_form.html", form=form, rate=rate), (
        422 if form.errors else 200
    )


@bp.post("/shipping/rates/<int:rate_id>/delete")
@fresh_login_required(back=OVERVIEW)
def shipping_rate_delete(rate_id: int):
    rate = db.get_or_404(ShippingRate, rate_id)
    delete_rate(current_user, rate)
    db.session.commit()
    flash("Deleted the rate.", "success")
    return redirect(url_for(OVERVIEW), 303)
