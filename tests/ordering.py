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
from shop.mail.models import OutboxMessage
from shop.orders.enums import OrderEventKind
from shop.orders.models import Order, OrderEvent
from tests.factories import make_product, make_professional

ADDRESS = ShippingAddress(
    clinic_name="Clinique du Parc",
    address_line1="12 rue des Lilas",
    city="Lyon",
    postal_code="69003",
    country="FR",
    phone="+33 4 72 00 00 00",
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
    return place_order(buyer, ADDRESS, now=now)


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
        held = db.session.scalar(
            select(func.coalesce(func.sum(StockReservation.quantity), 0)).where(
                StockReservation.lot_id == lot.id,
                StockReservation.state == ReservationState.ACTIVE,
            )
        )
        assert lot.quantity_reserved == held, lot.lot_number
