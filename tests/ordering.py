"""Orders for the payment and job tests: placed through the real checkout service,
and the ledger's own account of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from shop.checkout.models import CartLine
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind, ReservationState
from shop.inventory.models import StockLot, StockMovement, StockReservation
from shop.inventory.services import today
from shop.mail.models import OutboxMessage
from shop.orders.enums import OrderEventKind
from shop.orders.models import Order, OrderEvent
from tests.factories import STANDARD, make_product, make_professional, make_shipping

ADDRESS = ShippingAddress(
    clinic_name="Clinic of the Park",
    address_line1="12 Baggot Street Lower",
    city="Dublin 2",
    postal_code="D02 X285",
    country="IE",
    phone="+353 1 600 0000",
)


def place_test_order(
    *,
    packs: tuple[int, ...] = (2, 1),
    stock: int = 10,
    price_cents: int = 12_000,
    now: datetime | None = None,
) -> Order:
    """A new professional's order of ``packs`` of as many new products, each with ``stock``
    packs on hand; the cart is left as checkout leaves it (full until the payment)."""
    now = now or utcnow()
    buyer = make_professional()
    for quantity in packs:
        product = make_product(stock=stock, price_cents=price_cents)
        add_to_cart(buyer, product.id, quantity, today=now.date())
    make_shipping()
    return place_order(buyer, ADDRESS, STANDARD, now=now)


def cart_packs(order: Order) -> int:
    return db.session.scalar(
        select(func.coalesce(func.sum(CartLine.quantity), 0)).where(
            CartLine.user_id == order.user_id
        )
    )


def events_of(order: Order, kind: OrderEventKind) -> list[OrderEvent]:
    return list(
        db.session.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.kind == kind)
        )
    )


def movements_of(order: Order, kind: MovementKind) -> list[StockMovement]:
    return list(
        db.session.scalars(
            select(StockMovement).where(
                StockMovement.order_id == order.id, StockMovement.kind == kind
            )
        )
    )


def mails_to(order: Order) -> list[str]:
    """Subjects of the outbox messages to the order's buyer."""
    return list(
        db.session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.to_address == order.user.email)
        )
    )


def assert_ledger_balanced(order: Order) -> None:
    """For each lot the order touched: on hand is receipts minus sales in the ledger, and
    reserved is what its active reservations hold."""
    lot_ids = db.session.scalars(
        select(StockReservation.lot_id).where(StockReservation.order_id == order.id)
    ).all()
    assert lot_ids, f"order {order.number} holds no stock"
    for lot in db.session.scalars(select(StockLot).where(StockLot.id.in_(lot_ids))):
        db.session.refresh(lot)
        by_kind = dict(
            db.session.execute(
                select(StockMovement.kind, func.sum(StockMovement.quantity))
                .where(StockMovement.lot_id == lot.id)
                .group_by(StockMovement.kind)
            ).all()
        )
        receipts = by_kind.get(MovementKind.RECEIPT, 0)
        sales = -by_kind.get(MovementKind.SALE, 0)
        assert lot.quantity_on_hand == receipts - sales, (lot.lot_number, by_kind)
        assert lot.quantity_reserved == _held(lot), lot.lot_number


def _held(lot: StockLot) -> int:
    """Packs of the lot that active reservations hold."""
    return db.session.scalar(
        select(func.coalesce(func.sum(StockReservation.quantity), 0)).where(
            StockReservation.lot_id == lot.id,
            StockReservation.state == ReservationState.ACTIVE,
        )
    )


def assert_every_lot_balanced() -> None:
    """Every lot in the database: on hand is the sum of its ledger's quantities, reserved
    the sum of its ledger's reserved column and what active reservations hold, and
    neither breaks the lot's bounds (for the race tests, which check all the stock)."""
    db.session.expire_all()
    for lot in db.session.scalars(select(StockLot)):
        ledger = db.session.execute(
            select(
                func.coalesce(func.sum(StockMovement.quantity), 0),
                func.coalesce(func.sum(StockMovement.reserved), 0),
            ).where(StockMovement.lot_id == lot.id)
        ).one()
        assert tuple(ledger) == (lot.quantity_on_hand, lot.quantity_reserved), lot.lot_number
        assert _held(lot) == lot.quantity_reserved, lot.lot_number
        assert 0 <= lot.quantity_reserved <= lot.quantity_on_hand, lot.lot_number


def buyers_with_in_cart(count: int, product_id: int, packs: int) -> list[int]:
    """The ids of ``count`` verified professionals, each with ``packs`` of the product
    in their cart."""
    make_shipping()
    ids = []
    for _ in range(count):
        user = make_professional()
        add_to_cart(user, product_id, packs, today=today())
        ids.append(user.id)
    return ids
