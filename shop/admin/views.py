"""Back-office routes; every one is guarded by the blueprint's check."""

from __future__ import annotations

from flask import render_template

from shop.admin import bp


@bp.get("/")
def dashboard():
    return render_template("admin/dashboard.html")
