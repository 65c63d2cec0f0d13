"""Real concurrency on PostgreSQL: two administrators change the same lot at once.

The lot's row lock makes the second wait for the first and then judge the figures the
first left, so the lot never goes below what orders hold or below zero.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.accounts.models import User
from shop.audit.models import AuditEvent
from shop.extensions import db
from shop.inventory.adjustments import adjust_lot, write_off_expired_lot
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot, StockMovement
from shop.inventory.services import receive_stock, today
from tests.factories import make_admin, make_product
from tests.postgres.test_licence_races import HOLD_SECONDS
from tests.postgres.together import run_together

pytestmark = pytest.mark.postgres


def test_two_administrators_take_from_one_lot_at_once_and_only_what_is_there_goes(pg_app):
    with pg_app.app_context():
        first, second = make_admin().id, make_admin().id
        product = make_product(stock=10)
        lot_id = db.session.scalar(select(StockLot.id).where(StockLot.product_id == product.id))
        db.session.commit()

    def take(admin_id):
        def job():
            lot = adjust_lot(
                lot_id, change=-7, reason="Broken", actor=db.session.get(User, admin_id)
            )
            time.sleep(HOLD_SECONDS)
            db.session.commit()
            return lot.quantity_on_hand

        return job

    outcomes = run_together(pg_app, take(first), take(second))
    assert [outcome for outcome in outcomes if isinstance(outcome, int)] == [3], outcomes
    [refused] = [outcome for outcome in outcomes if isinstance(outcome, InventoryError)]
    assert refused.code == InventoryError.BELOW_RESERVED
    assert "has 3 pack(s) on hand" in refused.message
    with pg_app.app_context():
        assert db.session.get(StockLot, lot_id).quantity_on_hand == 3
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_two_administrators_write_off_one_expired_lot_at_once_and_it_happens_once(pg_app):
    with pg_app.app_context():
        first, second = make_admin().id, make_admin().id
        product = make_product()
        lot_id = receive_stock(
            product,
            lot_number="OLD",
            expires_on=today() - timedelta(days=1),
            quantity=6,
            on=today() - timedelta(days=100),
        ).id
        db.session.commit()

    def write_off(admin_id):
        def job():
            packs = write_off_expired_lot(lot_id, actor=db.session.get(User, admin_id))
            time.sleep(HOLD_SECONDS)
            db.session.commit()
            return packs

        return job

    outcomes = run_together(pg_app, write_off(first), write_off(second))
    assert 6 in outcomes, outcomes
    [refused] = [outcome for outcome in outcomes if isinstance(outcome, InventoryError)]
    assert refused.code == InventoryError.NOTHING_TO_WRITE_OFF
    with pg_app.app_context():
        assert db.session.get(StockLot, lot_id).quantity_on_hand == 0
        movements = db.session.scalars(
            select(StockMovement.quantity).where(StockMovement.lot_id == lot_id)
        ).all()
        assert movements == [6, -6]
