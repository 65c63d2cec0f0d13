"""What an administrator does to stock: receive a lot, adjust it with a reason, write off
an expired one, and set a product's low-stock threshold.

Each change locks the lot's row (``SELECT ... FOR UPDATE``), re-reads its figures
from the locked row, writes one ledger movement with its author and one audit
event. Services flush and never commit: the view is the transaction.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from shop.accounts.models import User
from shop.audit.services import record_event
from shop.catalog.models import Product
from shop.database import lock_row
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot, StockMovement
from shop.inventory.services import receive_stock, today

WRITE_OFF_REASON = "written off: expired"
MAX_PACKS = 1_000_000  # a receipt or an adjustment beyond this is a typing slip


def _on_hand(quantity: int) -> str:
    return f"{quantity} on hand"


def lock_lot(lot_id: int) -> StockLot:
    """The lot, locked for this transaction, with the locked row's figures."""
    lot = lock_row(StockLot, lot_id)
    if lot is None:
        raise InventoryError(InventoryError.LOT_NOT_FOUND, "There is no such lot.", status=404)
    return lot


def _audit(lot: StockLot, action: str, *, actor: User, before: int, reason: str) -> None:
    record_event(
        actor=actor,
        action=action,
        subject_type="stock_lot",
        subject_id=lot.id,
        from_state=_on_hand(before),
        to_state=_on_hand(lot.quantity_on_hand),
        reason=reason,
    )


def _book(lot: StockLot, kind: MovementKind, change: int, *, actor: User, note: str) -> None:
    lot.quantity_on_hand += change
    db.session.add(
        StockMovement(
            lot=lot,
            kind=kind,
            quantity=change,
            on_hand_after=lot.quantity_on_hand,
            reserved=0,
            reserved_after=lot.quantity_reserved,
            actor_id=actor.id,
            note=note,
        )
    )


def receive_lot(
    product: Product,
    *,
    lot_number: str,
    expires_on: date,
    quantity: int,
    actor: User,
    note: str = "",
    on: date | None = None,
) -> StockLot:
    """Book a receipt by ``actor`` (a known lot is topped up), with its audit event."""
    if quantity > MAX_PACKS:
        raise InventoryError(
            InventoryError.INVALID_QUANTITY, f"a receipt adds at most {MAX_PACKS:,} packs"
        )
    existing = db.session.scalar(
        select(StockLot.quantity_on_hand).where(
            StockLot.product_id == product.id, StockLot.lot_number == lot_number.strip()
        )
    )
    lot = receive_stock(
        product,
        lot_number=lot_number,
        expires_on=expires_on,
        quantity=quantity,
        note=note,
        on=on,
        actor_id=actor.id,
    )
    _audit(
        lot,
        "stock.receive",
        actor=actor,
        before=existing or 0,
        reason=f"{quantity} pack(s) of {product.sku} lot {lot.lot_number}, expiring {lot.expires_on}"
        + (f": {note}" if note else ""),
    )
    return lot


def adjust_lot(lot_id: int, *, change: int, reason: str, actor: User) -> StockLot:
    """Add or take ``change`` packs (signed) for a stated reason: a count, a breakage.

    Refused when it would leave fewer packs on hand than orders hold, or below zero.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InventoryError(
            InventoryError.REASON_REQUIRED, "Say why the stock changes: it goes in the ledger."
        )
    if change == 0:
        raise InventoryError(
            InventoryError.INVALID_QUANTITY, "An adjustment adds or takes at least one pack."
        )
    if abs(change) > MAX_PACKS:
        raise InventoryError(
            InventoryError.INVALID_QUANTITY, f"An adjustment moves at most {MAX_PACKS:,} packs."
        )
    lot = lock_lot(lot_id)
    after = lot.quantity_on_hand + change
    if after < 0:
        raise InventoryError(
            InventoryError.BELOW_RESERVED,
            f"Lot {lot.lot_number} has {lot.quantity_on_hand} pack(s) on hand: "
            f"taking {-change} would leave fewer than none.",
            status=409,
        )
    if after < lot.quantity_reserved:
        raise InventoryError(
            InventoryError.BELOW_RESERVED,
            f"Lot {lot.lot_number} has {lot.quantity_on_hand} pack(s) on hand, of which "
            f"{lot.quantity_reserved} are held for unpaid orders: at most {lot.quantity_free} "
            "can be taken.",
            status=409,
        )
    before = lot.quantity_on_hand
    _book(lot, MovementKind.ADJUSTMENT, change, actor=actor, note=reason)
    _audit(lot, "stock.adjust", actor=actor, before=before, reason=f"{change:+d}: {reason}")
    db.session.flush()
    return lot


def write_off_expired_lot(lot_id: int, *, actor: User, on: date | None = None) -> int:
    """Take every free pack of an expired lot off the shelves; returns how many.

    Packs held for orders stay: the order's cancellation or payment settles them.
    """
    lot = lock_lot(lot_id)
    on = on or today()
    if not lot.is_expired(on):
        raise InventoryError(
            InventoryError.NOT_EXPIRED,
            f"Lot {lot.lot_number} expires on {lot.expires_on}: only an expired lot is written off.",
            status=409,
        )
    packs = lot.quantity_free
    if packs <= 0:
        raise InventoryError(
            InventoryError.NOTHING_TO_WRITE_OFF,
            f"Lot {lot.lot_number} has no free packs left to write off.",
            status=409,
        )
    before = lot.quantity_on_hand
    _book(lot, MovementKind.ADJUSTMENT, -packs, actor=actor, note=WRITE_OFF_REASON)
    _audit(
        lot,
        "stock.write_off",
        actor=actor,
        before=before,
        reason=f"{packs} pack(s) {WRITE_OFF_REASON} on {lot.expires_on}",
    )
    db.session.flush()
    return packs


def set_low_stock_threshold(product_id: int, threshold: int, *, actor: User) -> Product:
    """The product is reported as low on stock below ``threshold`` sellable packs (0: never)."""
    if threshold < 0 or threshold > MAX_PACKS:
        raise InventoryError(
            InventoryError.INVALID_QUANTITY,
            f"A threshold is a number of packs from 0 to {MAX_PACKS:,}.",
        )
    product = lock_row(Product, product_id)
    if product is None:
        raise InventoryError(
            InventoryError.PRODUCT_NOT_FOUND, "There is no such product.", status=404
        )
    before = product.low_stock_threshold
    if before == threshold:
        return product
    product.low_stock_threshold = threshold
    record_event(
        actor=actor,
        action="product.low_stock_threshold",
        subject_type="product",
        subject_id=product.id,
        from_state=str(before),
        to_state=str(threshold),
        reason=f"low-stock threshold of {product.sku}",
    )
    db.session.flush()
    return product
