"""The professional's address book: clinic addresses to ship to, one of them the default.

Every change is a POST with the CSRF token; a refused one shows the field's reason and
keeps what was typed. ``?then=checkout`` on the add page comes back to the checkout,
with the new address chosen.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from shop.extensions import db
from shop.shipping.addresses import (
    address_of,
    delete_address,
    get_address,
    list_addresses,
    save_address,
    set_default_address,
)
from shop.shipping.blueprint import bp
from shop.shipping.errors import ShippingError, ShippingFieldErrors
from shop.shipping.forms import AddressForm


def _owned(address_id: int):
    try:
        return get_address(current_user, address_id)
    except ShippingError:
        abort(404)


def _save(form: AddressForm, address_id: int | None):
    """Save the form's address, or put the service's reasons on the form's fields."""
    try:
        row = save_address(
            current_user,
            form.address(),
            address_id=address_id,
            make_default=form.make_default.data,
        )
    except ShippingFieldErrors as refused:
        db.session.rollback()
        for name, message in refused.errors.items():
            getattr(form, name).errors = [*getattr(form, name).errors, message]
        return None
    except ShippingError as refused:
        db.session.rollback()
        flash(refused.message, "error")
        return None
    db.session.commit()
    return row


@bp.get("/account/addresses")
@login_required
def addresses():
    return render_template("shipping/addresses.html", addresses=list_addresses(current_user))


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def new_address():
    then_checkout = request.args.get("then") == "checkout"
    form = AddressForm()
    if form.validate_on_submit():
        row = _save(form, None)
        if row is not None:
            flash(f"Saved {row.clinic_name}, {row.city}.", "success")
            if then_checkout:
                return redirect(url_for("checkout.checkout", address=row.id), 303)
            return redirect(url_for("shipping.addresses"), 303)
    return render_template(
        "shipping/address_form.html", form=form, editing=None, then_checkout=then_checkout
    ), (422 if form.errors else 200)


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    row = _owned(address_id)
    form = AddressForm(data={**asdict(address_of(row)), "make_default": row.is_default})
    if form.validate_on_submit():
        saved = _save(form, address_id)
        if saved is not None:
            flash(
                f"Saved {saved.clinic_name}, {saved.city}. Orders placed before keep the address they went to.",
                "success",
            )
            return redirect(url_for("shipping.addresses"), 303)
    return render_template(
        "shipping/address_form.html", form=form, editing=row, then_checkout=False
    ), (422 if form.errors else 200)


@bp.post("/account/addresses/<int:address_id>/default")
@login_required
def make_default_address(address_id: int):
    row = _owned(address_id)
    set_default_address(current_user, row.id)
    db.session.commit()
    flash(f"{row.clinic_name}, {row.city} is your default address.", "success")
    return redirect(url_for("shipping.addresses"), 303)


@bp.post("/account/addresses/<int:address_id>/delete")
@login_required
def remove_address(address_id: int):
    row = _owned(address_id)
    label = f"{row.clinic_name}, {row.city}"
    delete_address(current_user, row.id)
    db.session.commit()
    flash(f"Deleted {label}. Orders placed to it keep their own copy.", "success")
    return redirect(url_for("shipping.addresses"), 303)
