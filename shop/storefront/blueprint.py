"""The public catalogue pages."""

from flask import Blueprint, session

from shop.database import reads_only

bp = Blueprint("storefront", __name__)


@bp.before_request
def _reads_only() -> None:
    # Every page here only reads. A visitor without a session reads in one statement
    # already (statement_connection); one with a session (logged in) reads the user,
    # the gate's standing, the token and stock on one autocommit connection.
    if session:
        reads_only()
