"""The back office. Closed by default: one check guards every route of the blueprint."""

from flask import Blueprint, abort
from flask_login import current_user

from shop.extensions import login_manager

bp = Blueprint("admin", __name__)


@bp.before_request
def _administrators_only():
    # Anonymous visitors are sent to log in; a logged-in customer or professional
    # gets a 404, so the back office does not tell outsiders what it holds.
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_admin:
        abort(404)
    return None
