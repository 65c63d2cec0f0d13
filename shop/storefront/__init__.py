"""The public pages: the catalogue as a visitor sees it, with live stock, prices where
they may see them, the purchase gate's verdict and the cart's forms.

It sits on top of the domains, as the API and the back office do: it imports the
catalogue (shared, cached facts), inventory (stock), licensing (the gate) and
checkout (the cart), which the catalogue itself may not. The blueprint keeps the
name ``catalog``: its endpoints (``catalog.home``, ``catalog.product_list``, ...)
are what every template and blueprint links to, and its templates live in
``templates/catalog/``.
"""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from shop.storefront import views  # noqa: E402,F401
