"""The back office's users: the searchable list, a page per user, and the decisions."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from shop.accounts.administration import (
    SEARCH_LIMIT,
    deactivate_user,
    demote_user,
    list_user_events,
    list_users,
    promote_user,
    reactivate_user,
    reset_second_factor,
)
from shop.accounts.errors import AccountError
from shop.accounts.fresh import fresh_login_required
from shop.accounts.models import User
from shop.admin.blueprint import bp
from shop.admin.forms import (
    UserDeactivateForm,
    UserDemoteForm,
    UserPromoteForm,
    UserReactivateForm,
    UserSecondFactorResetForm,
)
from shop.extensions import db
from shop.licensing.services import latest_licence_statuses, licence_summary, utc_today

USERS_PER_PAGE = 25

# Each decision: its form, its service, and what the message says happened.
DECISIONS: dict[str, tuple[type, Callable, str]] = {
    "deactivate": (UserDeactivateForm, deactivate_user, "deactivated: their sessions ended"),
    "reactivate": (UserReactivateForm, reactivate_user, "reactivated: they may log in again"),
    "promote": (UserPromoteForm, promote_user, "made an administrator"),
    "demote": (UserDemoteForm, demote_user, "made a customer"),
    "second_factor": (
        UserSecondFactorResetForm,
        reset_second_factor,
        "left without a second factor: their sessions ended, and they set one up again "
        "at their next log-in",
    ),
}


@bp.get("/users")
def user_list():
    search = request.args.get("q", "").strip()[:SEARCH_LIMIT]
    pagination = db.paginate(
        list_users(search),
        page=request.args.get("page", 1, type=int),
        per_page=USERS_PER_PAGE,
        error_out=False,
    )
    today = utc_today()
    return render_template(
        "admin/user_list.html",
        pagination=pagination,
        search=search,
        licence_statuses=latest_licence_statuses([user.id for user in pagination.items], today),
    )


def _detail_page(user: User, *, status: int = 200, **forms):
    for name, (form_class, _, _) in DECISIONS.items():
        forms.setdefault(f"{name}_form", form_class(formdata=None))
    html = render_template(
        "admin/user_detail.html",
        user=user,
        is_self=user.id == current_user.id,
        summary=licence_summary(user),
        events=list_user_events(user),
        **forms,
    )
    return html, status


@bp.get("/users/<int:user_id>")
def user_detail(user_id: int):
    return _detail_page(db.get_or_404(User, user_id))


def _decide(user_id: int, name: str):
    """Validate the decision's form, make the decision, commit; or say why not."""
    form_class, decide, done = DECISIONS[name]
    form = form_class()
    if form.validate_on_submit():
        try:
            user = decide(current_user, user_id, reason=form.reason.data or "")
            db.session.commit()
        except AccountError as error:
            db.session.rollback()
            if error.code == AccountError.NOT_FOUND:
                raise
            if error.field is None:
                # Their own account, or another administrator decided first: change nothing.
                flash(error.message, "error")
                return redirect(url_for("admin.user_detail", user_id=user_id))
            getattr(form, error.field).errors.append(error.message)
        else:
            flash(f"{user.name} ({user.email}) was {done}.", "success")
            return redirect(url_for("admin.user_detail", user_id=user_id))
    return _detail_page(db.get_or_404(User, user_id), status=400, **{f"{name}_form": form})


@bp.post("/users/<int:user_id>/deactivate")
@fresh_login_required(back="admin.user_detail")
def user_deactivate(user_id: int):
    return _decide(user_id, "deactivate")


@bp.post("/users/<int:user_id>/reactivate")
@fresh_login_required(back="admin.user_detail")
def user_reactivate(user_id: int):
    return _decide(user_id, "reactivate")


@bp.post("/users/<int:user_id>/promote")
@fresh_login_required(back="admin.user_detail")
def user_promote(user_id: int):
    return _decide(user_id, "promote")


@bp.post("/users/<int:user_id>/demote")
@fresh_login_required(back="admin.user_detail")
def user_demote(user_id: int):
    return _decide(user_id, "demote")


@bp.post("/users/<int:user_id>/second-factor/reset")
@fresh_login_required(back="admin.user_detail")
def user_second_factor_reset(user_id: int):
    return _decide(user_id, "second_factor")
