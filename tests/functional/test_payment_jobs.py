"""The worker's order jobs, each also its own command: ``expire-reservations`` gives up
unpaid orders whose time ran out; ``reconcile-payments`` catches up with Stripe."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest

from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind, ReservationState
from shop.inventory.services import availability_for
from shop.orders.enums import OrderEventKind, OrderStatus, PaymentState
from shop.payments.settle import start_payment
from shop.payments.stripe_client import EXTENSION_KEY, stripe_client
from shop.worker import PERIODIC_JOBS, Worker
from tests.ordering import assert_ledger_balanced, events_of, movements_of, place_test_order


def job(name: str):
    return next(job for job in PERIODIC_JOBS if job.name == name)


@pytest.fixture
def stripe_at(app, monkeypatch) -> Iterator:
    """``stripe_at(settings)``: the app pays where ``settings`` say, for this test only."""

    def point(settings: dict) -> None:
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        app.extensions.pop(EXTENSION_KEY, None)  # the client is built from the settings

    yield point
    app.extensions.pop(EXTENSION_KEY, None)


@pytest.fixture
def stripe_down(stripe_at):
    stripe_at({"STRIPE_API_BASE": "http://127.0.0.1:1"})  # nothing listens on port 1


def expired_order(**options):
    """An unpaid order placed two hours ago: its 30-minute reservation ran out."""
    return place_test_order(now=utcnow() - timedelta(hours=2), **options)


def test_expire_reservations_cancels_the_overdue_order_and_frees_its_stock(runner):
    overdue = expired_order(packs=(3,), stock=5)
    current = place_test_order(packs=(1,))
    product_id = overdue.lines[0].product_id
    assert availability_for([product_id])[product_id].quantity == 2
    result = runner.invoke(args=["shop", "expire-reservations"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "expire-reservations: cancelled 1 unpaid order(s) and released their stock "
        f"({overdue.number})\n"
    )
    assert overdue.status == OrderStatus.CANCELLED
    assert [e.kind for e in events_of(overdue, OrderEventKind.RESERVATION_EXPIRED)] == [
        OrderEventKind.RESERVATION_EXPIRED
    ]
    assert [m.reserved for m in movements_of(overdue, MovementKind.RELEASE)] == [-3]
    assert {r.state for r in overdue.reservations} == {ReservationState.RELEASED}
    assert availability_for([product_id])[product_id].quantity == 5
    assert_ledger_balanced(overdue)
    assert current.status == OrderStatus.PENDING_PAYMENT  # its time has not run out
    again = runner.invoke(args=["shop", "expire-reservations"])
    assert (again.exit_code, again.output) == (0, "expire-reservations: nothing to do\n")


def worker_lines(caplog) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.name == "shop.worker"]


def test_the_worker_expires_reservations_and_reports_it(runner, caplog):
    caplog.set_level(logging.INFO, logger="shop.worker")
    overdue = expired_order(packs=(1,))
    result = runner.invoke(args=["shop", "worker", "--once"])
    assert result.exit_code == 0, result.output
    assert (
        f"expire-reservations: cancelled 1 unpaid order(s) and released their stock "
        f"({overdue.number})"
    ) in worker_lines(caplog)
    assert overdue.status == OrderStatus.CANCELLED


def test_a_paid_order_is_never_expired(runner):
    paid = expired_order(packs=(1,))
    paid.status = OrderStatus.PAID  # as mark_paid leaves it, with its time kept on purpose
    db.session.flush()
    result = runner.invoke(args=["shop", "expire-reservations"])
    assert result.output == "expire-reservations: nothing to do\n"
    assert paid.status == OrderStatus.PAID


def test_reconcile_with_nothing_to_check_asks_stripe_nothing(runner, stripe_down):
    place_test_order(packs=(1,))  # no PaymentIntent yet: nothing to ask Stripe
    result = runner.invoke(args=["shop", "reconcile-payments"])
    assert (result.exit_code, result.output) == (0, "reconcile-payments: nothing to do\n")


def test_reconcile_with_stripe_down_fails_in_one_line_and_changes_nothing(runner, stripe_down):
    order = place_test_order(packs=(1,))
    order.payment_intent_id = "pi_test_unreachable"
    db.session.commit()
    result = runner.invoke(args=["shop", "reconcile-payments"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: stopped after 0 order(s): The payment service cannot be reached just now; "
        "please try again in a moment.\n"
    )
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_stripe_down_does_not_stop_the_worker(runner, stripe_down, caplog):
    caplog.set_level(logging.INFO, logger="shop.worker")
    unpaid = place_test_order(packs=(1,))
    unpaid.payment_intent_id = "pi_test_unreachable"
    overdue = expired_order(packs=(1,))
    db.session.commit()
    result = runner.invoke(args=["shop", "worker", "--once"])
    assert result.exit_code == 0, result.output
    lines = worker_lines(caplog)
    assert (
        "reconcile-payments: failed: PaymentError: stopped after 0 order(s): "
        "The payment service cannot be reached just now; please try again in a moment."
    ) in lines
    assert lines[-1].endswith(" stopped")
    assert overdue.status == OrderStatus.CANCELLED  # the other jobs still ran


@pytest.mark.localstripe
def test_the_worker_reconciles_a_payment_whose_webhook_was_missed(
    app, stripe_at, local_stripe, runner, caplog
):
    caplog.set_level(logging.INFO, logger="shop.worker")
    stripe_at(local_stripe.app_config)
    order = place_test_order(packs=(2, 1))
    start_payment(order)
    stripe_client().v1.payment_intents.confirm(
        order.payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    Worker([job("reconcile-payments")]).run(once=True)
    assert worker_lines(caplog) == [f"reconcile-payments: {order.number} paid (missed webhook)"]
    assert (order.status, order.payment_state) == (OrderStatus.PAID, PaymentState.SUCCEEDED)
    assert len(movements_of(order, MovementKind.SALE)) == 2
    assert_ledger_balanced(order)
    caplog.clear()
    Worker([job("reconcile-payments")]).run(once=True)
    assert worker_lines(caplog) == []  # nothing changed the second time


@pytest.mark.localstripe
def test_reconcile_reports_an_intent_stripe_does_not_know_and_goes_on(
    app, stripe_at, local_stripe, runner
):
    stripe_at(local_stripe.app_config)
    lost = place_test_order(packs=(1,))
    lost.payment_intent_id = "pi_test_forgotten"
    paid = place_test_order(packs=(1,))
    start_payment(paid)
    stripe_client().v1.payment_intents.confirm(
        paid.payment_intent_id, {"payment_method": "pm_card_visa"}
    )
    db.session.commit()  # as the checkout and the payment page did; the job rolls back on errors
    result = runner.invoke(args=["shop", "reconcile-payments"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"reconcile-payments: {paid.number} paid (missed webhook); ")
    assert f"{lost.number}: Stripe refused: " in result.output
    assert paid.status == OrderStatus.PAID
    assert lost.status == OrderStatus.PENDING_PAYMENT


def test_reconcile_leaves_orders_older_than_its_window(runner, stripe_down, app):
    old = place_test_order(
        packs=(1,), now=utcnow() - timedelta(hours=app.config["RECONCILE_LOOKBACK_HOURS"] + 1)
    )
    old.payment_intent_id = "pi_test_old"
    old.status = OrderStatus.PAID
    db.session.flush()
    result = runner.invoke(args=["shop", "reconcile-payments"])
    assert (result.exit_code, result.output) == (0, "reconcile-payments: nothing to do\n")
