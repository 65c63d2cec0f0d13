"""``@fresh_login_required``: a sensitive action asks for the password (and the second
factor, when the user has one) again if they were last given too long ago.

It guards refunds and cancellations, role changes, deactivation and reactivation,
licence decisions, resetting someone's second factor, and every change of the shipping
tables; the tax tables use it the same way. Freshness is the session record's
``authenticated_at`` (shop.accounts.sessions), within ``FRESH_LOGIN_MINUTES``: a log-in
with the password, or the confirmation page (``accounts.reauthenticate``), sets it; a
session a remember cookie started is never fresh.

When it is not fresh, nothing of the view runs. A GET goes to the confirmation page
and then back to itself, and so does a POST to a route that also shows its form. Any
other POST cannot be repeated by a redirect, so it goes to the confirmation page and
then back to ``back``, the page the form was on (an endpoint, built with those of the
view's arguments it takes), to be sent again::

    @bp.post("/tax/rates/<int:rate_id>/delete")
    @fresh_login_required(back="admin.tax_overview")
    def tax_rate_delete(rate_id: int): ...

    @bp.route("/tax/rates/<int:rate_id>", methods=["GET", "POST"])
    @fresh_login_required
    def tax_rate(rate_id: int): ...   # the form's own page: back to it

Under ``/admin`` the blueprint's guard has already sent anyone but an enrolled
administrator away; elsewhere an anonymous visitor is sent to log in first.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user

from shop.accounts.sessions import current_session, is_fresh
from shop.database import utcnow
from shop.extensions import login_manager


def _page_to_come_back_to(back: str | None, view_args: dict[str, Any]) -> str | None:
    shows_a_page = request.url_rule is not None and "GET" in (request.url_rule.methods or ())
    if request.method in ("GET", "HEAD") or (back is None and shows_a_page):
        return request.full_path.rstrip("?")  # the form's own page
    if back is None:
        return None
    takes = set().union(*(rule.arguments for rule in current_app.url_map.iter_rules(back)))
    return url_for(back, **{name: value for name, value in view_args.items() if name in takes})


def fresh_login_required(view: Callable | None = None, *, back: str | None = None):
    """Run the view only in a session whose log-in is fresh (see the module's doc)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if is_fresh(current_session(), now=utcnow()):
                return view(*args, **kwargs)
            what = "your password and a code" if current_user.has_second_factor else "your password"
            flash(f"To do this, confirm it is you with {what}. Nothing was changed yet.", "info")
            return redirect(
                url_for("accounts.reauthenticate", next=_page_to_come_back_to(back, kwargs)), 303
            )

        return guarded

    return decorate(view) if view is not None else decorate
