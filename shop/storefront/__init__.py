"""The public pages: the catalogue as a visitor sees it, with live stock, prices where
they may see them, the purchase gate's verdict and the cart's forms.

It sits on top of the domains, as the API and the back office do: it imports the
catalogue (shared, cached facts), inventory (stock), licensing (the gate) and
checkout (the cart), which the catalogue itself may not. The blueprint keeps the
name ``catalog``: its endpoints (``catalog.home``, ``catalog.product_list``, ...)
are what every template and blueprint links to, and its templates live in
``templates/catalog/``.
"""

from flask import Blueprint, session

from shop.database import reads_only

bp = Blueprint("catalog", __name__)


@bp.before_request
def _reads_only() -> None:
    # Every page here only reads. A visitor without a session reads in one statement
    # already (statement_connection); one with a session (logged in) reads the user,
    # the gate's standing, the token and stock on one autocommit connection.
    if session:
        reads_only()


from shop.storefront import views  # noqa: E402,F401
