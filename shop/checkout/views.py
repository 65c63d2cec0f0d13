"""The cart."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from shop.checkout import bp


@bp.get("/cart")
@login_required
def cart():
    return render_template("checkout/cart.html")
