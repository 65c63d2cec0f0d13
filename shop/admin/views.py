"""Back-office routes; every one is guarded by the blueprint's check."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from shop.accounts.fresh import fresh_login_required
from shop.admin.blueprint import bp
from shop.admin.forms import LicenceApproveForm, LicenceRejectForm, LicenceRevokeForm
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.reports import expiring_lots, low_stock_products
from shop.licensing.documents import document_response
from shop.licensing.enums import LicenceStatus
from shop.licensing.errors import LicenceError
from shop.licensing.models import Licence
from shop.licensing.services import (
    approve_licence,
    count_licences_by_status,
    find_licence_for_viewer,
    licence_history,
    licence_queue,
    list_licence_events,
    reject_licence,
    revoke_licence,
    utc_today,
)
from shop.orders.queries import count_flagged_orders, count_orders_to_ship, revenue_by_day
from shop.security import content_security_policy

LICENCES_PER_PAGE = 25


@bp.get("/")
def dashboard():
    revenue = revenue_by_day(utc_today())
    return render_template(
        "admin/dashboard.html",
        counts=count_licences_by_status(),
        to_ship=count_orders_to_ship(),
        flagged=count_flagged_orders(),
        low_stock=len(low_stock_products()),
        expiring=len(expiring_lots()),
        revenue=revenue,
        revenue_max=max((day.cents for day in revenue), default=0),
        revenue_total=sum(day.cents for day in revenue),
        currency=current_app.config["DEFAULT_CURRENCY"],
    )


@bp.get("/licences")
def licence_list():
    status_value = request.args.get("status", "")
    try:
        status = LicenceStatus(status_value) if status_value else None
    except ValueError:
        abort(400, description=f"There is no licence status {status_value!r}.")
    pagination = db.paginate(
        licence_queue(status),
        page=request.args.get("page", 1, type=int),
        per_page=LICENCES_PER_PAGE,
        error_out=False,
    )
    return render_template(
        "admin/licence_list.html",
        pagination=pagination,
        status=status,
        counts=count_licences_by_status(),
        today=utc_today(),
    )


def _detail_page(licence: Licence, *, status: int = 200, **forms):
    forms.setdefault("approve_form", LicenceApproveForm(formdata=None))
    forms.setdefault("reject_form", LicenceRejectForm(formdata=None))
    forms.setdefault("revoke_form", LicenceRevokeForm(formdata=None))
    html = render_template(
        "admin/licence_detail.html",
        licence=licence,
        earlier=[other for other in licence_history(licence.user) if other.id != licence.id],
        events=list_licence_events(licence),
        today=utc_today(),
        **forms,
    )
    response = make_response(html, status)
    # This page alone frames the document's preview (a PDF in an iframe).
    response.headers["Content-Security-Policy"] = content_security_policy(
        current_app.config, frame_src="'self'"
    )
    return response


@bp.get("/licences/<int:licence_id>")
def licence_detail(licence_id: int):
    return _detail_page(db.get_or_404(Licence, licence_id))


@bp.get("/licences/<int:licence_id>/preview")
def licence_document_preview(licence_id: int):
    licence = find_licence_for_viewer(licence_id, current_user)
    if licence is None:
        abort(404)
    return document_response(licence.document, inline=True)


def _decide(licence_id: int, form, form_name: str, decide: Callable, done: str):
    """Validate the decision's form, make the decision, commit; or say why not."""
    if form.validate_on_submit():
        reason = form.reason.data if hasattr(form, "reason") else ""
        try:
            licence = decide(current_user, licence_id, reason=reason, now=utcnow())
            db.session.commit()
        except LicenceError as error:
            db.session.rollback()
            if error.code == LicenceError.NOT_FOUND:
                raise
            if error.field is None:
                # Typically another administrator decided first: say so, change nothing.
                flash(error.message, "error")
                return redirect(url_for("admin.licence_detail", licence_id=licence_id))
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(
                f"Licence {licence.licence_number} {done}. The professional is told by e-mail.",
                "success",
            )
            return redirect(url_for("admin.licence_detail", licence_id=licence_id))
    return _detail_page(db.get_or_404(Licence, licence_id), status=400, **{form_name: form})


@bp.post("/licences/<int:licence_id>/approve")
@fresh_login_required(back="admin.licence_detail")
def licence_approve(licence_id: int):
    return _decide(licence_id, LicenceApproveForm(), "approve_form", approve_licence, "approved")


@bp.post("/licences/<int:licence_id>/reject")
@fresh_login_required(back="admin.licence_detail")
def licence_reject(licence_id: int):
    return _decide(licence_id, LicenceRejectForm(), "reject_form", reject_licence, "rejected")


@bp.post("/licences/<int:licence_id>/revoke")
@fresh_login_required(back="admin.licence_detail")
def licence_revoke(licence_id: int):
    return _decide(licence_id, LicenceRevokeForm(), "revoke_form", revoke_licence, "revoked")
