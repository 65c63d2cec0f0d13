"""The patient leaflet's words: one text for every leaflet, edited here, each save audited."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from shop.admin.blueprint import bp
from shop.audit.models import AuditEvent
from shop.courses.errors import PlanFieldErrors
from shop.courses.leaflet import SECTIONS, current_leaflet_text, edit_leaflet_text, render_markdown
from shop.extensions import db

HISTORY_LENGTH = 20


def _page(texts: dict[str, str], errors: dict[str, str], status: int = 200):
    history = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_type == "leaflet")
        .order_by(AuditEvent.id.desc())
        .limit(HISTORY_LENGTH)
    ).all()
    return render_template(
        "admin/leaflet_edit.html",
        sections=SECTIONS,
        texts=texts,
        previews={name: render_markdown(text) for name, text in texts.items()},
        errors=errors,
        history=history,
    ), status


@bp.get("/leaflet")
def leaflet_edit():
    text = current_leaflet_text()
    return _page({section.name: getattr(text, section.name) for section in SECTIONS}, {})


@bp.post("/leaflet")
def leaflet_save():
    texts = {section.name: request.form.get(section.name, "") for section in SECTIONS}
    try:
        edit_leaflet_text(current_user, texts)
    except PlanFieldErrors as error:
        db.session.rollback()
        return _page(texts, error.errors, 400)
    db.session.commit()
    flash("The patient leaflet's text is saved: every leaflet prints it from now on.", "success")
    return redirect(url_for("admin.leaflet_edit"), 303)
