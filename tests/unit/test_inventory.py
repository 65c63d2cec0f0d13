from datetime import timedelta

import pytest

from shop.extensions import db
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockMovement
from shop.inventory.services import availability_for, receive_stock, today
from tests.factories import make_product


def test_receiving_stock_books_the_lot_and_the_ledger(app):
    product = make_product()
    lot = receive_stock(
        product, lot_number="A1", expires_on=today() + timedelta(days=200), quantity=12
    )
    receive_stock(product, lot_number="A1", expires_on=today() + timedelta(days=200), quantity=3)
    assert lot.quantity_on_hand == 15
    assert [(m.kind, m.quantity, m.on_hand_after) for m in lot.movements] == [
        ("receipt", 12, 12),
        ("receipt", 3, 15),
    ]


@pytest.mark.parametrize(
    ("lot_number", "days", "quantity", "code"),
    [
        ("A1", 200, 0, "invalid_quantity"),
        ("A1", 200, -4, "invalid_quantity"),
        ("", 200, 5, "invalid_lot"),
        ("lot with spaces", 200, 5, "invalid_lot"),
        ("A1", 0, 5, "lot_expired"),
        ("A1", -3, 5, "lot_expired"),
    ],
)
def test_bad_receipts_are_refused(app, lot_number, days, quantity, code):
    product = make_product()
    with pytest.raises(InventoryError) as info:
        receive_stock(
            product,
            lot_number=lot_number,
            expires_on=today() + timedelta(days=days),
            quantity=quantity,
        )
    assert info.value.code == code


def test_a_known_lot_with_another_expiry_is_a_conflict(app):
    product = make_product()
    receive_stock(product, lot_number="A1", expires_on=today() + timedelta(days=200), quantity=1)
    with pytest.raises(InventoryError) as info:
        receive_stock(
            product, lot_number="A1", expires_on=today() + timedelta(days=300), quantity=1
        )
    assert info.value.code == "lot_conflict"


def test_availability_sums_unexpired_lots_only(app):
    product, empty = make_product(), make_product()
    receive_stock(product, lot_number="OK1", expires_on=today() + timedelta(days=100), quantity=4)
    receive_stock(product, lot_number="OK2", expires_on=today() + timedelta(days=40), quantity=6)
    receive_stock(product, lot_number="OLD", expires_on=today() + timedelta(days=10), quantity=50)
    later = today() + timedelta(days=10)  # the OLD lot expires that day
    stock = availability_for([product.id, empty.id], on=later)
    assert stock[product.id].quantity == 10
    assert stock[product.id].earliest_expiry == today() + timedelta(days=40)
    assert stock[empty.id].quantity == 0 and stock[empty.id].earliest_expiry is None


def test_the_ledger_is_append_only(app):
    product = make_product()
    lot = receive_stock(
        product, lot_number="A1", expires_on=today() + timedelta(days=200), quantity=2
    )
    movement = db.session.query(StockMovement).filter_by(lot_id=lot.id).one()
    movement.quantity = 99
    with pytest.raises(RuntimeError, match="cannot change"):
        db.session.flush()
    db.session.rollback()
