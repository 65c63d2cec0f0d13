"""The gate's standing of the visitor of the current request, read once per request.

Views and templates ask here; the gate itself (shop.licensing.gate) takes explicit
arguments and never reads the request.
"""

from __future__ import annotations

from flask import g
from flask_login import current_user

from shop.licensing.gate import BuyerStanding, buyer_standing, today_at

_KEY = "buyer_standing"


def current_standing() -> BuyerStanding:
    standing = g.get(_KEY)
    if standing is None:
        user = None if current_user.is_anonymous else current_user
        standing = remember_standing(buyer_standing(user, today_at()))
    return standing


def remember_standing(standing: BuyerStanding) -> BuyerStanding:
    """For a caller that read the standing together with something else (checkout.visitor)."""
    setattr(g, _KEY, standing)
    return standing


def forget_standing() -> None:
    """After a change to the visitor's licence or account within the request."""
    g.pop(_KEY, None)
