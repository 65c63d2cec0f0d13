"""The back office. Closed by default: one check guards every path under /admin."""

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user

from shop.extensions import login_manager

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_app_request
def _administrators_only():
    """Every path and method under /admin, before routing could answer 404 or 405 with
    ``Allow:``: anonymous visitors are sent to log in; a logged-in customer or
    professional gets a 404 whatever they ask, so the back office tells outsiders
    nothing; an administrator without a second factor is sent to set one up."""
    if request.path != bp.url_prefix and not request.path.startswith(f"{bp.url_prefix}/"):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(404)
    if not current_user.has_second_factor:
        flash(
            "The back office needs a second factor: set up an authenticator app first.",
            "info",
        )
        return redirect(url_for("accounts.two_factor"), 303)
    return None
