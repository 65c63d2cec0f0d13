"""Holding stock for orders, lot by lot, and turning what is held into sales or back.

Every function here locks the lots it changes with ``SELECT ... FOR UPDATE`` in
primary-key order, so concurrent checkouts, payments and expiries never deadlock
and never promise the same pack twice; the database's own constraints
(``quantity_reserved <= quantity_on_hand``, ``quantity_on_hand >= 0``) hold even
where locks are not available (SQLite serialises writers instead). Each change
writes its ledger line, with who made it and for which order. Services flush and
never commit: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select

from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind, ReservationState
from shop.inventory.models import StockLot, StockMovement, StockReservation


@dataclass(frozen=True)
class Wanted:
    """``quantity`` packs of ``product_id``, for the order line ``order_line_id``."""

    product_id: int
    order_line_id: int
    quantity: int
    name: str = ""  # for the shortage message


def shortage_message(name: str, available: int) -> str:
    """The one wording of "not enough stock", wherever a request finds it out."""
    if available <= 0:
        return f"{name} is out of stock."
    packs, verb = ("1 pack", "is") if available == 1 else (f"{available} packs", "are")
    return f"Only {packs} of {name} {verb} in stock: lower the quantity."


@dataclass(frozen=True)
class Shortage:
    product_id: int
    name: str
    wanted: int
    available: int

    @property
    def message(self) -> str:
        return shortage_message(self.name, self.available)


class NotEnoughStock(Exception):
    """At least one line is short; nothing was reserved."""

    def __init__(self, shortages: list[Shortage]) -> None:
        super().__init__("; ".join(shortage.message for shortage in shortages))
        self.shortages = shortages


def _lock_lots(lot_ids: Iterable[int]) -> dict[int, StockLot]:
    ids = sorted(set(lot_ids))
    if not ids:
        return {}
    # populate_existing: a lot already in the session takes the locked row's figures,
    # not the ones it was loaded with before another transaction changed them.
    lots = db.session.scalars(
        select(StockLot)
        .where(StockLot.id.in_(ids))
        .order_by(StockLot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    return {lot.id: lot for lot in lots}


def _movement(
    lot: StockLot,
    kind: MovementKind,
    *,
    quantity: int = 0,
    reserved: int = 0,
    order_id: int | None,
    actor_id: int | None,
    note: str = "",
) -> dict:
    """Change the (locked) lot and return its ledger line, for ``_write_ledger``."""
    lot.quantity_on_hand += quantity
    lot.quantity_reserved += reserved
    return dict(
        lot_id=lot.id,
        kind=kind,
        quantity=quantity,
        on_hand_after=lot.quantity_on_hand,
        reserved=reserved,
        reserved_after=lot.quantity_reserved,
        order_id=order_id,
        actor_id=actor_id,
        note=note,
    )


def _write_ledger(lines: list[dict]) -> None:
    # One INSERT of plain rows: the ledger is only written here, never read back.
    if lines:
        db.session.execute(insert(StockMovement), lines)


def lots_by_expiry(lots: Iterable[StockLot]) -> dict[int, list[StockLot]]:
    """Each product's lots in the order they are sold: the first to expire first."""
    by_product: dict[int, list[StockLot]] = {}
    for lot in sorted(lots, key=lambda lot: (lot.expires_on, lot.id)):
        by_product.setdefault(lot.product_id, []).append(lot)
    return by_product


def first_expiry_first_out(
    lots: Sequence[StockLot], quantity: int, free: dict[int, int]
) -> tuple[list[tuple[StockLot, int]], int]:
    """Take ``quantity`` packs from ``lots`` (in lots_by_expiry's order), each lot giving
    what it has free (``free``, by lot id, lowered as packs are taken). Returns the
    packs taken per lot and how many could not be found."""
    taken: list[tuple[StockLot, int]] = []
    left = quantity
    for lot in lots:
        if left == 0:
            break
        take = min(left, free[lot.id])
        if take > 0:
            taken.append((lot, take))
            free[lot.id] -= take
            left -= take
    return taken, left


def sellable_lots(product_ids: Iterable[int], today: date) -> dict[int, list[StockLot]]:
    """The lots orders placed ``today`` would take packs from, per product, in FEFO order
    (read without locks: for showing what an order would get, not for taking it)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    lots = db.session.scalars(
        select(StockLot).where(
            StockLot.product_id.in_(ids),
            StockLot.expires_on > today,
            StockLot.quantity_on_hand > StockLot.quantity_reserved,
        )
    )
    return lots_by_expiry(lots)


def reserve(
    wanted: Sequence[Wanted],
    *,
    order_id: int,
    expires_at: datetime,
    today: date,
    actor_id: int | None,
) -> None:
    """Hold every wanted quantity, first-expiry-first-out, or nothing at all.

    The lots of all the products wanted are locked at once, in primary-key order.
    Only lots that have not expired by ``today`` are taken. Raises
    ``NotEnoughStock`` naming every short line; the caller rolls back.
    """
    product_ids = sorted({item.product_id for item in wanted})
    candidates = db.session.scalars(
        select(StockLot)
        .where(
            StockLot.product_id.in_(product_ids),
            StockLot.expires_on > today,
            StockLot.quantity_on_hand > StockLot.quantity_reserved,
        )
        .order_by(StockLot.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    by_product = lots_by_expiry(candidates)
    free = {lot.id: lot.quantity_free for lot in candidates}
    plan: list[tuple[Wanted, StockLot, int]] = []
    shortages: list[Shortage] = []
    for item in wanted:
        taken, left = first_expiry_first_out(
            by_product.get(item.product_id, []), item.quantity, free
        )
        if left:
            available = item.quantity - left
            shortages.append(Shortage(item.product_id, item.name, item.quantity, available))
        plan.extend((item, lot, take) for lot, take in taken)
    if shortages:
        raise NotEnoughStock(shortages)

    ledger = [
        _movement(
            lot, MovementKind.RESERVATION, reserved=quantity, order_id=order_id, actor_id=actor_id
        )
        for _item, lot, quantity in plan
    ]
    _write_ledger(ledger)
    db.session.execute(
        insert(StockReservation),
        [
            dict(
                order_id=order_id,
                order_line_id=item.order_line_id,
                lot_id=lot.id,
                quantity=quantity,
                expires_at=expires_at,
            )
            for item, lot, quantity in plan
        ],
    )
    db.session.flush()


# What closing a reservation does to its lot, per pack: (on hand, reserved).
_CHANGES = {
    MovementKind.SALE: (-1, -1),  # held packs leave the shelves
    MovementKind.RELEASE: (0, -1),  # held packs are free again
    MovementKind.RETURN: (1, 0),  # sold packs that never left come back
}


def _in_state(order_id: int, state: ReservationState) -> list[StockReservation]:
    return list(
        db.session.scalars(
            select(StockReservation)
            .where(StockReservation.order_id == order_id, StockReservation.state == state)
            .order_by(StockReservation.lot_id, StockReservation.id)
            .with_for_update()
        )
    )


def _close(
    order_id: int,
    state: ReservationState,
    kind: MovementKind,
    *,
    actor_id: int | None,
    note: str,
    now: datetime | None,
    from_state: ReservationState = ReservationState.ACTIVE,
) -> list[StockReservation]:
    reservations = _in_state(order_id, from_state)
    lots = _lock_lots(reservation.lot_id for reservation in reservations)
    on_hand, reserved = _CHANGES[kind]
    ledger = []
    for reservation in reservations:
        ledger.append(
            _movement(
                lots[reservation.lot_id],
                kind,
                quantity=on_hand * reservation.quantity,
                reserved=reserved * reservation.quantity,
                order_id=order_id,
                actor_id=actor_id,
                note=note,
            )
        )
        reservation.state = state
        reservation.closed_at = now or utcnow()
    _write_ledger(ledger)
    db.session.flush()
    return reservations


def sell_reserved(
    order_id: int, *, actor_id: int | None = None, note: str = "", now: datetime | None = None
) -> list[StockReservation]:
    """The order is paid: what it holds leaves the shelves (a sale per lot)."""
    return _close(
        order_id, ReservationState.SOLD, MovementKind.SALE, actor_id=actor_id, note=note, now=now
    )


def release_reserved(
    order_id: int, *, actor_id: int | None = None, note: str = "", now: datetime | None = None
) -> list[StockReservation]:
    """The order will not be paid: what it holds is free again (a release per lot)."""
    return _close(
        order_id,
        ReservationState.RELEASED,
        MovementKind.RELEASE,
        actor_id=actor_id,
        note=note,
        now=now,
    )


def return_sold(
    order_id: int, *, actor_id: int | None, note: str = "", now: datetime | None = None
) -> list[StockReservation]:
    """A paid order that never left is cancelled: its packs go back to the lots they
    came from (a return per lot), and its reservations become ``returned``."""
    return _close(
        order_id,
        ReservationState.RETURNED,
        MovementKind.RETURN,
        actor_id=actor_id,
        note=note,
        now=now,
        from_state=ReservationState.SOLD,
    )
