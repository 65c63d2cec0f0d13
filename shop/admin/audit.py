"""The audit trail's page: read-only, filtered, newest first. No route here changes it."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for

from shop.admin.blueprint import bp
from shop.audit.models import AuditEvent
from shop.audit.services import (
    SYSTEM_ACTOR,
    AuditFilter,
    audit_filter_choices,
    list_audit_events,
)
from shop.extensions import db

EVENTS_PER_PAGE = 50

# Subjects with a back-office page reached by their id: subject type → (endpoint, its
# argument). Orders' and lots' pages are addressed by number and SKU, which the event
# does not carry, so they are not linked.
SUBJECT_PAGES = {
    "licence": ("admin.licence_detail", "licence_id"),
    "user": ("admin.user_detail", "user_id"),
    "product": ("admin.product_edit", "product_id"),
}


def subject_url(event: AuditEvent) -> str | None:
    page = SUBJECT_PAGES.get(event.subject_type)
    if page is None or page[0] not in current_app.view_functions:
        return None
    endpoint, argument = page
    return url_for(endpoint, **{argument: event.subject_id})


def _whole_number(name: str) -> int | None:
    value = request.args.get(name, "")
    if value == "":
        return None
    if not value.isdigit() or len(value) > 18:
        abort(400, description=f"The {name.replace('_', ' ')} must be a whole number.")
    return int(value)


def _audit_filter() -> AuditFilter:
    actor: int | str | None = request.args.get("actor", "")
    if actor == SYSTEM_ACTOR:
        pass
    elif actor:
        actor = _whole_number("actor")
    else:
        actor = None
    return AuditFilter(
        actor=actor,
        subject_type=request.args.get("subject_type", "").strip()[:32],
        subject_id=_whole_number("subject_id"),
        action=request.args.get("action", "").strip()[:64],
    )


@bp.get("/audit")
def audit_list():
    audit_filter = _audit_filter()
    pagination = db.paginate(
        list_audit_events(audit_filter),
        page=request.args.get("page", 1, type=int),
        per_page=EVENTS_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/audit_list.html",
        pagination=pagination,
        audit_filter=audit_filter,
        choices=audit_filter_choices(),
        system_actor=SYSTEM_ACTOR,
        subject_url=subject_url,
    )
