"""The professional's licence: submit, follow, download."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from shop.licensing import bp
from shop.licensing.visitor import current_standing


# A minimal page for the gate's links ("Submit your licence", "Upload the renewal"),
# until the licence form and its history take its place.
@bp.get("/licence")
@login_required
def licence():
    return render_template("licensing/licence.html", standing=current_standing())
