"""The back office's orders: list and filters, ship, cancel, refund, resolve, the dashboard."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.enums import MovementKind
from shop.inventory.models import StockLot, StockMovement
from shop.orders.enums import OrderStatus
from shop.orders.models import Order
from shop.orders.services import (
    PAID_AFTER_CANCELLATION,
    PaymentFacts,
    cancel_order,
    mark_paid,
    record_refund,
)
from shop.payments.stripe_client import EXTENSION_KEY, create_payment_intent
from tests.factories import STANDARD, make_admin, make_product, make_professional, make_shipping
from tests.functional.conftest import field_errors, mail_to
from tests.stripe_server import card_fields, post_as_stripe_js

ADDRESS = ShippingAddress(
    "Clinique Lumière", "12 Fitzwilliam Square", "Dublin 2", "D02 X285", "IE", "+353 1 642 0000"
)


@pytest.fixture
def shop(app):
    product = make_product("Hydra Admin", price_cents=10000, stock=20)
    pro = make_professional(name="Dr Ines Moreau", email="ines@clinic.example")
    admin = make_admin(email="boss@mesopro.example")
    db.session.commit()
    return {"product": product, "pro": pro, "admin": admin}


def order_of(shop, packs: int = 2, *, paid: bool = False, intent_id: str | None = None) -> Order:
    now = utcnow()
    add_to_cart(shop["pro"], shop["product"].id, packs, today=now.date())
    make_shipping()
    order = place_order(shop["pro"], ADDRESS, STANDARD, now=now)
    if intent_id:
        order.payment_intent_id = intent_id
    if paid:
        facts = PaymentFacts(
            intent_id or "pi_test", "succeeded", order.total_cents, "eur", source="test"
        )
        assert mark_paid(order, facts) == "paid"
    db.session.commit()
    return order


def on_hand(product) -> int:
    db.session.expire_all()
    return db.session.scalar(
        select(func.sum(StockLot.quantity_on_hand)).where(StockLot.product_id == product.id)
    )


def audit_of(order: Order) -> list[tuple[str, int | None, str, str]]:
    """The order's audit trail: (action, actor, from, to), oldest first."""
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.from_state, AuditEvent.to_state)
        .where(AuditEvent.subject_type == "order", AuditEvent.subject_id == order.id)
        .order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


def movements_of(order: Order) -> list[MovementKind]:
    return list(
        db.session.scalars(
            select(StockMovement.kind)
            .where(StockMovement.order_id == order.id)
            .order_by(StockMovement.id)
        )
    )


def timeline_of(client, order: Order) -> list[str]:
    """The professional's order page's history, each event's text after its time."""
    html = client.get(f"/orders/{order.number}").get_data(as_text=True)
    items = re.findall(r"<li data-kind=\"\w+\"><time[^>]*>.*?</time>: (.*?)</li>", html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def flashes(html: str) -> list[str]:
    return [
        " ".join(t.split())
        for t in re.findall(r'<div class="alert alert-\w+">(.*?)</div>', html, re.S)
    ]


@pytest.fixture
def as_admin(client, login, shop):
    login(shop["admin"])
    return client


def act(client, csrf_token, order, action, prefix, **fields):
    page = f"/admin/orders/{order.number}"
    token = csrf_token(page)
    data = {f"{prefix}-csrf_token": token, **{f"{prefix}-{k}": v for k, v in fields.items()}}
    return client.post(f"{page}/{action}", data=data, follow_redirects=True)


def test_the_list_filters_by_status_flag_text_and_dates(as_admin, shop):
    paid = order_of(shop, paid=True)
    pending = order_of(shop)
    cancel_order(pending, reason="test")
    flagged = order_of(shop)
    flagged.attention = PAID_AFTER_CANCELLATION
    db.session.commit()

    def numbers(query: str) -> set[str]:
        html = as_admin.get(f"/admin/orders{query}").get_data(as_text=True)
        return set(re.findall(r'data-order="([^"]+)"', html))

    assert numbers("") == {paid.number, pending.number, flagged.number}
    assert numbers("?status=paid") == {paid.number}
    assert numbers("?status=cancelled") == {pending.number}
    assert numbers("?flagged=1") == {flagged.number}
    assert numbers(f"?q={paid.number.lower()}") == {paid.number}
    assert numbers("?q=INES@clinic") == {paid.number, pending.number, flagged.number}
    assert numbers("?q=nobody@else") == set()
    today = utcnow().date()
    assert numbers(f"?from={today}&to={today}") == {paid.number, pending.number, flagged.number}
    assert numbers(f"?from={today + timedelta(days=1)}") == set()
    assert as_admin.get("/admin/orders?status=lost").status_code == 400
    assert as_admin.get("/admin/orders?from=yesterday").status_code == 400


def test_an_order_page_shows_its_lots_timeline_and_the_licence(as_admin, shop):
    order = order_of(shop, paid=True)
    html = as_admin.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    lot = db.session.scalar(select(StockLot).where(StockLot.product_id == shop["product"].id))
    assert f'data-lot="{lot.lot_number}"' in html
    assert re.search(r'data-kind="placed".*data-kind="paid"', html, re.S)
    assert order.licence.licence_number in html
    assert f'action="/admin/orders/{order.number}/ship"' in html
    assert as_admin.get("/admin/orders/MP-0000-0000").status_code == 404


def test_ship_marks_it_shipped_mails_the_buyer_and_is_refused_twice(as_admin, csrf_token, shop):
    order = order_of(shop, paid=True)
    html = act(
        as_admin, csrf_token, order, "ship", "ship", carrier="DHL", tracking_number="JD0140"
    ).get_data(as_text=True)
    assert any("marked shipped" in text for text in flashes(html))
    db.session.refresh(order)
    assert (order.status, order.carrier, order.tracking_number) == (
        OrderStatus.SHIPPED,
        "DHL",
        "JD0140",
    )
    assert "JD0140" in mail_to("ines@clinic.example")[-1].body_text
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "order.ship"))
    assert (audit.actor_id, audit.subject_id, audit.to_state) == (
        shop["admin"].id,
        order.id,
        "shipped",
    )
    # A second administrator, on the page they opened before: refused, nothing changes.
    again = act(as_admin, csrf_token, order, "ship", "ship", carrier="UPS", tracking_number="1Z")
    assert any("cannot be shipped now" in text for text in flashes(again.get_data(as_text=True)))
    db.session.refresh(order)
    assert order.carrier == "DHL"
    assert [event[0] for event in audit_of(order)].count("order.ship") == 1


def test_ship_needs_a_tracking_number_and_a_paid_order(as_admin, csrf_token, shop):
    order = order_of(shop, paid=True)
    page = f"/admin/orders/{order.number}"
    response = as_admin.post(
        f"{page}/ship",
        data={
            "ship-csrf_token": csrf_token(page),
            "ship-carrier": "DHL",
            "ship-tracking_number": "",
        },
    )
    assert response.status_code == 400
    assert field_errors(response.get_data(as_text=True), "ship-tracking_number") == [
        "Give the tracking number."
    ]
    pending = order_of(shop)
    html = act(
        as_admin, csrf_token, pending, "ship", "ship", carrier="DHL", tracking_number="X1"
    ).get_data(as_text=True)
    assert any("waiting for payment: it cannot be shipped now" in text for text in flashes(html))
    db.session.refresh(pending)
    assert (pending.status, pending.shipped_at, pending.tracking_number) == (
        OrderStatus.PENDING_PAYMENT,
        None,
        "",
    )
    assert "order.ship" not in [event[0] for event in audit_of(pending)]


def test_cancelling_an_unpaid_order_releases_its_stock(as_admin, csrf_token, shop):
    order = order_of(shop, packs=3)
    html = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Asked by phone").get_data(
        as_text=True
    )
    assert any("held stock released" in text for text in flashes(html))
    db.session.refresh(order)
    assert order.status == OrderStatus.CANCELLED
    lot = db.session.scalar(select(StockLot).where(StockLot.product_id == shop["product"].id))
    assert (lot.quantity_on_hand, lot.quantity_reserved) == (20, 0)
    assert movements_of(order) == [MovementKind.RESERVATION, MovementKind.RELEASE]
    assert "cancelled" in mail_to("ines@clinic.example")[-1].subject
    assert audit_of(order) == [
        ("order.cancel", shop["admin"].id, "pending_payment", "cancelled"),
    ]


def test_a_cancelled_order_cannot_be_cancelled_again(as_admin, csrf_token, shop):
    order = order_of(shop, packs=3)
    act(as_admin, csrf_token, order, "cancel", "cancel", reason="Asked by phone")
    page = as_admin.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert f'action="/admin/orders/{order.number}/cancel"' not in page
    # The form of a page opened before the first cancellation, posted again.
    html = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Twice").get_data(
        as_text=True
    )
    assert f"Order {order.number} is cancelled: it cannot be cancelled now." in flashes(html)
    assert movements_of(order) == [MovementKind.RESERVATION, MovementKind.RELEASE]
    assert len(audit_of(order)) == 1


def test_a_shipped_order_cannot_be_cancelled(as_admin, csrf_token, shop):
    order = order_of(shop, paid=True)
    act(as_admin, csrf_token, order, "ship", "ship", carrier="DHL", tracking_number="JD1")
    html = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Too late").get_data(
        as_text=True
    )
    assert any("cannot be cancelled now" in text for text in flashes(html))
    db.session.refresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.SHIPPED, 0)
    assert movements_of(order) == [MovementKind.RESERVATION, MovementKind.SALE]
    assert [event[0] for event in audit_of(order)] == ["order.paid", "order.ship"]


def test_a_shipped_order_refunded_in_part_is_neither_shipped_again_nor_cancelled(
    as_admin, csrf_token, shop
):
    order = order_of(shop, paid=True, intent_id="pi_shipped")
    act(as_admin, csrf_token, order, "ship", "ship", carrier="DHL", tracking_number="JD2")
    # Part of it refunded afterwards (here as Stripe's charge.refunded event says it).
    facts = PaymentFacts(
        "pi_shipped", "succeeded", order.total_cents, "eur", amount_refunded_cents=1500
    )
    assert record_refund(db.session.get(Order, order.id), facts) == "partly refunded"
    db.session.commit()
    page = as_admin.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert 'data-status="partially_refunded"' in page
    assert f'action="/admin/orders/{order.number}/ship"' not in page
    assert f'action="/admin/orders/{order.number}/cancel"' not in page
    assert f'action="/admin/orders/{order.number}/refund"' in page  # the rest may still be

    # Forms of a page opened before the refund: refused, and nothing moves.
    ship = act(as_admin, csrf_token, order, "ship", "ship", carrier="UPS", tracking_number="1Z")
    assert (
        f"Order {order.number} was shipped, then refunded in part: it cannot be shipped now."
        in flashes(ship.get_data(as_text=True))
    )
    cancel = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Returned")
    assert (
        f"Order {order.number} was shipped, then refunded in part: it cannot be cancelled now."
        in flashes(cancel.get_data(as_text=True))
    )
    db.session.refresh(order)
    assert (order.status, order.carrier, order.tracking_number, order.refunded_cents) == (
        OrderStatus.PARTIALLY_REFUNDED,
        "DHL",
        "JD2",
        1500,
    )
    assert on_hand(shop["product"]) == 18
    assert movements_of(order) == [MovementKind.RESERVATION, MovementKind.SALE]
    assert [event[0] for event in audit_of(order)] == ["order.paid", "order.ship", "order.refund"]


def test_resolving_a_flag_clears_it_with_a_note(as_admin, csrf_token, shop):
    order = order_of(shop)
    cancel_order(order, reason="expired")
    order.attention = PAID_AFTER_CANCELLATION
    db.session.commit()
    assert "data-flagged-count>1<" in as_admin.get("/admin/").get_data(as_text=True)
    html = act(
        as_admin, csrf_token, order, "resolve", "resolve", note="Stock restored by hand"
    ).get_data(as_text=True)
    assert any("flag is resolved" in text for text in flashes(html))
    db.session.refresh(order)
    assert order.attention == ""
    resolved = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.subject_id == order.id, AuditEvent.action == "order.resolve_flag"
        )
    )
    assert (resolved.actor_id, resolved.from_state, resolved.to_state) == (
        shop["admin"].id,
        "cancelled",
        "cancelled",
    )
    assert (
        "Stock restored by hand" in resolved.reason and PAID_AFTER_CANCELLATION in resolved.reason
    )
    again = act(as_admin, csrf_token, order, "resolve", "resolve", note="twice").get_data(
        as_text=True
    )
    assert any("not flagged" in text for text in flashes(again))
    assert [event[0] for event in audit_of(order)].count("order.resolve_flag") == 1


def test_an_order_never_flagged_has_no_flag_to_resolve(as_admin, csrf_token, shop):
    order = order_of(shop, paid=True)
    page = as_admin.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert f'action="/admin/orders/{order.number}/resolve"' not in page
    html = act(as_admin, csrf_token, order, "resolve", "resolve", note="Nothing").get_data(
        as_text=True
    )
    assert f"Order {order.number} is not flagged (any more): nothing to resolve." in flashes(html)
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert [event[0] for event in audit_of(order)] == ["order.paid"]


def test_the_dashboard_counts_orders_to_ship_and_draws_revenue(as_admin, shop):
    order = order_of(shop, paid=True)
    html = as_admin.get("/admin/").get_data(as_text=True)
    assert "data-to-ship-count>1<" in html
    assert html.count("<rect") == 30
    assert "<table" in html and "revenue-table" in html
    total = re.search(r"Revenue, last 30 days: ([^<]+)</h2>", html).group(1)
    assert "215" in total  # 2 x 100.00 + 15.00 shipping, whatever the locale's format
    assert order.total_cents == 21500


# Refunds go through the local Stripe server -----------------------------------------


@pytest.fixture
def paying(app, local_stripe):
    """The test app pointed at the local Stripe server for this test."""
    saved = {key: app.config[key] for key in local_stripe.app_config}
    app.config.update(local_stripe.app_config)
    app.extensions.pop(EXTENSION_KEY, None)
    yield local_stripe
    app.config.update(saved)
    app.extensions.pop(EXTENSION_KEY, None)


def paid_on_stripe(shop, server, packs: int = 2, *, settled: bool = True) -> Order:
    """An order whose PaymentIntent was paid on the local Stripe server, and (``settled``)
    marked paid as its event would."""
    order = order_of(shop, packs=packs)
    intent = create_payment_intent(
        amount_cents=order.total_cents,
        currency="EUR",
        metadata={"order_id": str(order.id)},
        idempotency_key=f"t-{order.id}",
    )
    fields = {
        "key": "pk_test_local",
        "client_secret": intent.client_secret,
        **card_fields("4242424242424242"),
    }
    status, body = post_as_stripe_js(
        server.api_base, f"/v1/payment_intents/{intent.id}/confirm", fields
    )
    assert (status, body["status"]) == (200, "succeeded")
    order.payment_intent_id = intent.id
    if not settled:
        db.session.commit()
        return order
    assert (
        mark_paid(
            order, PaymentFacts(intent.id, "succeeded", order.total_cents, "eur", source="test")
        )
        == "paid"
    )
    db.session.commit()
    return order


@pytest.mark.localstripe
def test_a_partial_then_the_full_refund_through_stripe(
    app, login, as_admin, csrf_token, shop, paying
):
    order = paid_on_stripe(shop, paying)  # 215.00
    html = act(
        as_admin, csrf_token, order, "refund", "refund", amount="15.00", reason="Damaged box"
    ).get_data(as_text=True)
    assert any("refunded through Stripe" in text for text in flashes(html))
    db.session.refresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.PARTIALLY_REFUNDED, 1500)
    admin_view = as_admin.get(f"/admin/orders/{order.number}").get_data(as_text=True)
    assert "Damaged box" in admin_view and "boss@mesopro.example" in admin_view
    # The professional sees the amount, not the administrator's address or Stripe's ids.
    timeline = timeline_of(login(shop["pro"], on=app.test_client()), order)
    history = " ".join(timeline)
    assert "boss@mesopro.example" not in history and "refund re_" not in history
    assert [item for item in timeline if "Refunded" in item] == ["Refunded: €15.00"]
    too_much = act(
        as_admin, csrf_token, order, "refund", "refund", amount="500", reason="x"
    ).get_data(as_text=True)
    assert any("is from" in text for text in flashes(too_much))
    db.session.refresh(order)
    assert order.refunded_cents == 1500
    act(as_admin, csrf_token, order, "refund", "refund", amount="", reason="Returned")
    db.session.refresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.REFUNDED, order.total_cents)
    nothing = act(as_admin, csrf_token, order, "refund", "refund", amount="1", reason="x").get_data(
        as_text=True
    )
    assert any(
        "cannot be refunded now" in text or "nothing left" in text for text in flashes(nothing)
    )
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_id == order.id)
    ).all()
    assert actions.count("order.refund") == 2


@pytest.mark.localstripe
def test_cancelling_a_paid_order_refunds_it_and_puts_the_packs_back(
    as_admin, csrf_token, shop, paying
):
    order = paid_on_stripe(shop, paying, packs=4)
    assert on_hand(shop["product"]) == 16
    html = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Clinic closed").get_data(
        as_text=True
    )
    assert any("refunded and its packs back in stock" in text for text in flashes(html))
    db.session.refresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.CANCELLED, order.total_cents)
    assert on_hand(shop["product"]) == 20
    kinds = db.session.scalars(
        select(StockMovement.kind)
        .where(StockMovement.order_id == order.id)
        .order_by(StockMovement.id)
    ).all()
    assert kinds == [MovementKind.RESERVATION, MovementKind.SALE, MovementKind.RETURN]
    admin = shop["admin"].id
    assert audit_of(order) == [
        ("order.paid", None, "pending_payment", "paid"),
        ("order.refund", admin, "paid", "refunded"),
        ("order.cancel", admin, "refunded", "cancelled"),
    ]


def test_a_refund_is_refused_for_an_unpaid_order(as_admin, csrf_token, shop):
    order = order_of(shop)
    html = act(as_admin, csrf_token, order, "refund", "refund", amount="1", reason="x").get_data(
        as_text=True
    )
    assert any("cannot be refunded now" in text for text in flashes(html))
    db.session.refresh(order)
    assert (order.status, order.refunded_cents) == (OrderStatus.PENDING_PAYMENT, 0)
    assert audit_of(order) == []


def test_the_dashboard_counts_low_stock_and_expiring_lots(as_admin, shop):
    from shop.inventory.services import receive_stock, today

    html = as_admin.get("/admin/").get_data(as_text=True)
    assert "data-low-stock-count>0<" in html and "data-expiring-count>0<" in html
    scarce = make_product("Scarce Admin", stock=3)  # below the default threshold of 10
    receive_stock(scarce, lot_number="SOON-1", expires_on=today() + timedelta(days=30), quantity=5)
    db.session.commit()
    html = as_admin.get("/admin/").get_data(as_text=True)
    assert "data-expiring-count>1<" in html
    assert "data-low-stock-count>1<" in html  # 3 + 5 packs, below the threshold of 10
    assert 'href="/admin/stock/low"' in html and 'href="/admin/stock/expiring"' in html


@pytest.mark.localstripe
def test_cancelling_an_unpaid_order_stripe_was_paid_for_meanwhile_keeps_the_payment(
    app, login, as_admin, csrf_token, shop, paying
):
    order = paid_on_stripe(shop, paying, settled=False)  # its event has not arrived yet
    assert order.status == OrderStatus.PENDING_PAYMENT
    html = act(as_admin, csrf_token, order, "cancel", "cancel", reason="Asked by phone").get_data(
        as_text=True
    )
    assert (
        f"Order {order.number} was paid at Stripe before it could be cancelled, and is paid "
        "now: cancel it again to refund it." in flashes(html)
    )
    db.session.refresh(order)
    assert order.status == OrderStatus.PAID
    assert not any("cancelled" in mail.subject for mail in mail_to("ines@clinic.example"))
