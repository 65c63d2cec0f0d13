"""Removing a product from the catalogue: deleted if nothing refers to it, hidden otherwise.

It lives here, above the catalogue, because the rule reads orders and the stock
ledger: a product that was ordered stays for its orders (their lines, recalls and
refunds point at it), and one with stock lots stays for the append-only ledger.
Those are deactivated instead, which hides them from the catalogue.
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import exists, select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.editing import set_product_active
from shop.catalog.models import Product
from shop.extensions import db
from shop.inventory.models import StockLot
from shop.orders.models import OrderLine


class Removal(StrEnum):
    DELETED = "deleted"
    DEACTIVATED = "deactivated"
    ALREADY_INACTIVE = "already_inactive"


def why_product_is_kept(product: Product) -> str | None:
    """Why the product cannot be deleted, in a sentence; None when it may be."""
    if db.session.scalar(select(exists().where(OrderLine.product_id == product.id))):
        return "It has been ordered, so it stays for its orders: it can only be deactivated."
    if db.session.scalar(select(exists().where(StockLot.product_id == product.id))):
        return "It has stock lots in the ledger, so it stays: it can only be deactivated."
    return None


def remove_product(actor: User, product: Product) -> Removal:
    """Delete the product, or deactivate it when orders or stock refer to it."""
    # Locked, so that an order placed meanwhile either sees it gone or is seen here.
    db.session.scalars(select(Product.id).where(Product.id == product.id).with_for_update()).all()
    kept_because = why_product_is_kept(product)
    if kept_because is not None:
        if set_product_active(actor, product, False, reason=kept_because):
            return Removal.DEACTIVATED
        return Removal.ALREADY_INACTIVE
    record_event(
        actor=actor,
        action="product.delete",
        subject_type="product",
        subject_id=product.id,
        from_state="active" if product.is_active else "inactive",
        to_state="deleted",
        reason=f"{product.sku} {product.name}",
    )
    db.session.delete(product)
    db.session.flush()
    return Removal.DELETED
