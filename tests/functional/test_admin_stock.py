"""The back office's stock: receiving, adjusting and writing off lots, each with its
ledger movement, author and audit event; a product's stock page; the threshold and
the low-stock and expiring reports."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from shop.audit.models import AuditEvent
from shop.extensions import db
from shop.inventory.adjustments import WRITE_OFF_REASON, adjust_lot
from shop.inventory.enums import MovementKind
from shop.inventory.errors import InventoryError
from shop.inventory.models import StockLot, StockMovement
from shop.inventory.reports import expiring_lots, low_stock_products
from shop.inventory.services import receive_stock, today
from tests.factories import make_admin, make_order, make_product, make_professional
from tests.functional.conftest import field_errors


@pytest.fixture
def admin(login):
    user = make_admin(name="Ada Stock")
    login(user)
    return user


def write_off(post_form, lot, product):
    db.session.commit()  # a refusal rolls back: the set-up must outlive it
    return post_form(
        f"/admin/stock/lots/{lot.id}/write-off",
        {"write-off-lot_id": str(lot.id)},
        page=f"/admin/stock/{product.sku}",
        prefix="write-off",
    )


def receive(post_form, product, **values):
    db.session.commit()  # a refusal rolls back: the set-up must outlive it
    data = {f"receive-{name}": value for name, value in values.items()}
    return post_form(
        f"/admin/stock/{product.sku}/receive",
        data,
        page=f"/admin/stock/{product.sku}",
        prefix="receive",
    )


def text(response) -> str:
    return response.get_data(as_text=True)


def page_of(product) -> str:
    return f"/admin/stock/{product.sku}"


def lot_of(product, number: str) -> StockLot:
    return db.session.scalar(
        select(StockLot)
        .where(StockLot.product_id == product.id, StockLot.lot_number == number)
        .execution_options(populate_existing=True)
    )


def movements(lot: StockLot) -> list[StockMovement]:
    return list(
        db.session.scalars(
            select(StockMovement).where(StockMovement.lot_id == lot.id).order_by(StockMovement.id)
        )
    )


def audit(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


def expired_lot(product, number="OLD-1", packs=7, days_ago=3) -> StockLot:
    """A lot received long ago that has since expired (a receipt refuses expired lots)."""
    return receive_stock(
        product,
        lot_number=number,
        expires_on=today() - timedelta(days=days_ago),
        quantity=packs,
        on=today() - timedelta(days=200),
    )


def hold_for_an_order(product, quantity: int):
    """A professional's unpaid order holding ``quantity`` packs, through checkout."""
    return make_order(make_professional(), (product, quantity))


# Receiving -------------------------------------------------------------------


def test_receiving_a_lot_books_a_receipt_by_its_author_with_an_audit_event(
    client, admin, post_form
):
    product = make_product()
    expiry = today() + timedelta(days=400)
    response = receive(
        post_form,
        product,
        lot_number=" A2027/01 ",
        expires_on=expiry.isoformat(),
        quantity="24",
        note="delivery note 5521",
    )
    assert response.status_code == 302 and response.location.endswith(page_of(product))
    lot = lot_of(product, "A2027/01")
    assert (lot.quantity_on_hand, lot.expires_on) == (24, expiry)
    [receipt] = movements(lot)
    assert (receipt.kind, receipt.quantity, receipt.actor_id) == (
        MovementKind.RECEIPT,
        24,
        admin.id,
    )
    assert receipt.note == "delivery note 5521"
    [event] = audit("stock.receive")
    assert (event.actor_id, event.subject_type, event.subject_id) == (admin.id, "stock_lot", lot.id)
    assert (event.from_state, event.to_state) == ("0 on hand", "24 on hand")
    page = text(client.get(page_of(product)))
    assert "Received 24 pack(s) of lot A2027/01: 24 on hand." in page
    assert 'data-lot="A2027/01"' in page


def test_receiving_more_of_a_known_lot_tops_it_up(admin, post_form):
    product = make_product(stock=10)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    response = receive(
        post_form,
        product,
        lot_number=lot.lot_number,
        expires_on=lot.expires_on.isoformat(),
        quantity="5",
    )
    assert response.status_code == 302
    assert lot_of(product, lot.lot_number).quantity_on_hand == 15
    assert audit("stock.receive")[-1].from_state == "10 on hand"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"receive-lot_number": "bad lot!"}, "receive-lot_number", "A lot number is 1 to 40"),
        ({"receive-lot_number": ""}, "receive-lot_number", "Give the lot number."),
        ({"receive-quantity": "0"}, "receive-quantity", "Between 1 and 1,000,000 packs."),
        ({"receive-quantity": "many"}, "receive-quantity", "Not a valid integer value."),
        ({"receive-expires_on": ""}, "receive-expires_on", "Give the expiry date"),
        ({"receive-expires_on": "yesterday"}, "receive-expires_on", "Not a valid date value."),
        (
            {"receive-expires_on": (today() - timedelta(days=1)).isoformat()},
            "receive-expires_on",
            "expired on",
        ),
    ],
)
def test_a_bad_receipt_is_refused_under_its_field_and_books_nothing(
    admin, post_form, values, field, message
):
    product = make_product()
    data = {
        "lot_number": "B-1",
        "expires_on": (today() + timedelta(days=300)).isoformat(),
        "quantity": "3",
        **{name.removeprefix("receive-"): value for name, value in values.items()},
    }
    response = receive(post_form, product, **data)
    assert response.status_code == 400
    errors = field_errors(text(response), field)
    assert any(message in error for error in errors), errors
    assert db.session.scalar(select(func.count()).select_from(StockLot)) == 0
    assert audit("stock.receive") == []


def test_a_receipt_with_another_expiry_than_the_lot_on_file_is_refused(admin, post_form):
    product = make_product(stock=4)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    response = receive(
        post_form,
        product,
        lot_number=lot.lot_number,
        expires_on=(lot.expires_on + timedelta(days=1)).isoformat(),
        quantity="2",
    )
    assert response.status_code == 400
    [error] = field_errors(text(response), "receive-expires_on")
    assert f"is on file with expiry {lot.expires_on}" in error
    assert lot_of(product, lot.lot_number).quantity_on_hand == 4


def test_a_receipt_shows_on_the_cached_catalogue_page_at_once(client, admin, post_form):
    product = make_product(name="Cached Serum", stock=3)
    shop_page = f"/products/{product.slug}"
    client.get(shop_page)  # the page is now cached
    receive(
        post_form,
        product,
        lot_number="NEW-9",
        expires_on=(today() + timedelta(days=500)).isoformat(),
        quantity="40",
    )
    assert "In stock · 43 packs" in text(client.get(shop_page))


# Adjusting -------------------------------------------------------------------


def adjust(post_form, product, lot, change, reason="Stock count"):
    db.session.commit()  # a refusal rolls back: the set-up must outlive it
    return post_form(
        f"{page_of(product)}/adjust",
        {"adjust-lot_id": str(lot.id), "adjust-change": str(change), "adjust-reason": reason},
        page=page_of(product),
        prefix="adjust",
    )


@pytest.mark.parametrize("change", [5, -3])
def test_an_adjustment_is_a_signed_ledger_movement_with_its_reason_and_author(
    admin, post_form, change
):
    product = make_product(stock=10)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    response = adjust(post_form, product, lot, change, reason="Found a box in the cold room")
    assert response.status_code == 302
    assert lot_of(product, lot.lot_number).quantity_on_hand == 10 + change
    movement = movements(lot)[-1]
    assert (movement.kind, movement.quantity, movement.on_hand_after) == (
        MovementKind.ADJUSTMENT,
        change,
        10 + change,
    )
    assert (movement.actor_id, movement.note) == (admin.id, "Found a box in the cold room")
    [event] = audit("stock.adjust")
    assert (event.actor_id, event.subject_id) == (admin.id, lot.id)
    assert (event.from_state, event.to_state) == ("10 on hand", f"{10 + change} on hand")
    assert event.reason == f"{change:+d}: Found a box in the cold room"


def test_an_adjustment_below_what_orders_hold_is_refused_with_the_figures(client, admin, post_form):
    product = make_product(stock=10)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    hold_for_an_order(product, 6)
    response = adjust(post_form, product, lot, -5)
    assert response.status_code == 400
    [error] = field_errors(text(response), "adjust-change")
    assert error == (
        f"Lot {lot.lot_number} has 10 pack(s) on hand, of which 6 are held for unpaid orders:"
        " at most 4 can be taken."
    )
    lot = lot_of(product, lot.lot_number)
    assert (lot.quantity_on_hand, lot.quantity_reserved) == (10, 6)
    assert audit("stock.adjust") == []
    assert adjust(post_form, product, lot, -4).status_code == 302
    assert lot_of(product, lot.lot_number).quantity_on_hand == 6


def test_an_adjustment_below_zero_is_refused(admin):
    product = make_product(stock=2)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    with pytest.raises(InventoryError) as refused:
        adjust_lot(lot.id, change=-3, reason="Broken", actor=admin)
    assert refused.value.code == InventoryError.BELOW_RESERVED
    assert "taking 3 would leave fewer than none" in refused.value.message
    assert lot_of(product, lot.lot_number).quantity_on_hand == 2


@pytest.mark.parametrize(
    ("change", "reason", "field", "message"),
    [
        ("0", "Count", "adjust-change", "An adjustment adds or takes at least one pack."),
        ("", "Count", "adjust-change", "Give the change in packs"),
        ("2", "", "adjust-reason", "Say why the stock changes."),
        ("2", "   ", "adjust-reason", "Say why the stock changes."),
    ],
)
def test_an_adjustment_without_a_change_or_a_reason_is_refused_under_its_field(
    admin, post_form, change, reason, field, message
):
    product = make_product(stock=5)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    response = adjust(post_form, product, lot, change, reason=reason)
    assert response.status_code == 400
    assert any(message in error for error in field_errors(text(response), field))
    assert len(movements(lot)) == 1


def test_an_adjustment_of_another_products_lot_is_refused(admin, post_form):
    product, other = make_product(stock=5), make_product(stock=5)
    [foreign] = db.session.scalars(select(StockLot).where(StockLot.product_id == other.id))
    response = adjust(post_form, product, foreign, -1)
    assert response.status_code == 400
    assert field_errors(text(response), "adjust-lot_id") == ["Not a valid choice."]
    assert lot_of(other, foreign.lot_number).quantity_on_hand == 5


# Writing off -----------------------------------------------------------------


def test_writing_off_an_expired_lot_takes_its_free_packs_in_one_movement(client, admin, post_form):
    product = make_product(stock=3)
    lot = expired_lot(product, packs=7)
    page = text(client.get(page_of(product)))
    assert "Write off 7 expired packs" in page
    response = write_off(post_form, lot, product)
    assert response.status_code == 302
    assert lot_of(product, "OLD-1").quantity_on_hand == 0
    movement = movements(lot)[-1]
    assert (movement.kind, movement.quantity, movement.note, movement.actor_id) == (
        MovementKind.ADJUSTMENT,
        -7,
        WRITE_OFF_REASON,
        admin.id,
    )
    assert len(movements(lot)) == 2  # the receipt and the one write-off
    [event] = audit("stock.write_off")
    assert (event.from_state, event.to_state, event.actor_id) == (
        "7 on hand",
        "0 on hand",
        admin.id,
    )
    page = text(client.get(page_of(product)))
    assert "7 expired pack(s) written off" in page
    assert "Write off" not in page.split("Receive a lot")[0]


def test_writing_off_a_lot_that_has_not_expired_is_refused_with_a_message(client, admin, post_form):
    product = make_product(stock=5)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    response = write_off(post_form, lot, product)
    assert response.status_code == 302
    page = text(client.get(page_of(product)))
    assert f"Lot {lot.lot_number} expires on {lot.expires_on}: only an expired lot" in page
    assert lot_of(product, lot.lot_number).quantity_on_hand == 5
    assert audit("stock.write_off") == []


def test_writing_off_twice_is_refused_the_second_time(client, admin, post_form):
    product = make_product()
    lot = expired_lot(product, packs=2)
    for _ in range(2):
        write_off(post_form, lot, product)
    assert "has no free packs left to write off" in text(client.get(page_of(product)))
    assert len(audit("stock.write_off")) == 1


# The product's page ------------------------------------------------------------


def test_the_stock_page_shows_lots_with_badges_and_the_ledger_newest_first_with_authors(
    client, admin
):
    product = make_product()
    receive_stock(product, lot_number="SOON", expires_on=today() + timedelta(days=20), quantity=4)
    receive_stock(product, lot_number="LATE", expires_on=today() + timedelta(days=400), quantity=9)
    expired_lot(product, number="GONE", packs=1)
    adjust_lot(lot_of(product, "LATE").id, change=-2, reason="Two vials cracked", actor=admin)
    hold_for_an_order(product, 3)
    html = text(client.get(page_of(product)))
    lots = re.findall(r'data-lot="([^"]+)"', html)
    assert lots == ["GONE", "SOON", "LATE"]  # soonest expiry first
    rows = html.split('data-lot="')
    assert "Expired" in rows[1] and "Expires in 20 days" in rows[2]
    assert "Expires in" not in rows[3].split("</tr>")[0]
    ledger = html.split('id="ledger-heading"')[1]
    kinds = re.findall(r"<td>(Receipt|Adjustment|Reservation)</td>", ledger)
    assert kinds == ["Reservation", "Adjustment", "Receipt", "Receipt", "Receipt"]
    assert "Two vials cracked" in ledger and "Ada Stock" in ledger
    assert re.search(r'href="/admin/orders/MP-[0-9A-Z-]+">MP-', ledger)
    assert "<strong data-sellable>8</strong>" in html  # 4 + 7 free, less the 3 held


def test_the_ledger_is_paginated(client, admin, monkeypatch):
    from shop.admin import stock

    monkeypatch.setattr(stock, "MOVEMENTS_PER_PAGE", 2)
    product = make_product(stock=10)
    [lot] = db.session.scalars(select(StockLot).where(StockLot.product_id == product.id))
    for n in range(1, 4):
        adjust_lot(lot.id, change=n, reason=f"count {n}", actor=admin)
    first = text(client.get(page_of(product)))
    assert "count 3" in first and "count 2" in first and "count 1" not in first
    assert "Page 1 of 2" in first and f'href="{page_of(product)}?page=2"' in first
    second = text(client.get(f"{page_of(product)}?page=2"))
    assert "count 1" in second and "count 3" not in second


def test_an_unknown_sku_is_a_404_that_says_so(client, admin):
    response = client.get("/admin/stock/NO-SUCH-SKU")
    assert response.status_code == 404
    assert "No product has the SKU" in text(response)


# Threshold and reports ----------------------------------------------------------


def test_the_threshold_is_edited_on_the_stock_page_with_an_audit_event(client, admin, post_form):
    product = make_product(stock=8)
    assert product.low_stock_threshold == 10
    assert [row.sku for row in low_stock_products()] == [product.sku]
    response = post_form(
        f"{page_of(product)}/threshold",
        {"threshold-threshold": "5"},
        page=page_of(product),
        prefix="threshold",
    )
    assert response.status_code == 302
    db.session.refresh(product)
    assert product.low_stock_threshold == 5
    [event] = audit("product.low_stock_threshold")
    assert (event.from_state, event.to_state, event.actor_id) == ("10", "5", admin.id)
    assert low_stock_products() == []


@pytest.mark.parametrize(("value", "message"), [("-1", "From 0 to"), ("", "Give a number")])
def test_a_bad_threshold_is_refused_under_its_field(admin, post_form, value, message):
    product = make_product()
    db.session.commit()
    response = post_form(
        f"{page_of(product)}/threshold",
        {"threshold-threshold": value},
        page=page_of(product),
        prefix="threshold",
    )
    assert response.status_code == 400
    assert any(message in error for error in field_errors(text(response), "threshold-threshold"))
    assert audit("product.low_stock_threshold") == []


def test_low_stock_counts_only_free_unexpired_packs_of_active_products(client, admin):
    plenty = make_product(name="Plenty", stock=30)
    short = make_product(name="Short", stock=12)
    hold_for_an_order(short, 5)  # 7 free
    stale = make_product(name="Stale", stock=2)
    expired_lot(stale, packs=50)  # expired packs do not count
    make_product(name="Never", stock=1).low_stock_threshold = 0
    make_product(name="Retired", stock=1, is_active=False)
    empty = make_product(name="Empty")
    rows = low_stock_products()
    assert [(row.name, row.free) for row in rows] == [("Empty", 0), ("Stale", 2), ("Short", 7)]
    assert plenty.sku not in {row.sku for row in rows}
    html = text(client.get("/admin/stock/low"))
    assert html.index("Empty") < html.index("Stale") < html.index("Short")
    assert f'href="/admin/stock/{empty.sku}"' in html and "Out of stock" in html


def test_expiring_lots_within_90_days_and_expired_lots_with_stock(client, admin):
    product = make_product(name="Serum")
    receive_stock(product, lot_number="D30", expires_on=today() + timedelta(days=30), quantity=3)
    receive_stock(product, lot_number="D90", expires_on=today() + timedelta(days=90), quantity=3)
    receive_stock(product, lot_number="D91", expires_on=today() + timedelta(days=91), quantity=3)
    expired_lot(product, number="PAST", packs=2)
    empty = expired_lot(product, number="PAST-EMPTY", packs=1, days_ago=1)
    adjust_lot(empty.id, change=-1, reason="Binned", actor=admin)
    rows = expiring_lots()
    assert [(row.lot_number, row.expired) for row in rows] == [
        ("PAST", True),
        ("D30", False),
        ("D90", False),
    ]
    assert [row.lot_number for row in expiring_lots(days=91)][-1] == "D91"
    html = text(client.get("/admin/stock/expiring"))
    assert html.index("PAST") < html.index("D30") < html.index("D90")
    assert "D91" not in html and "PAST-EMPTY" not in html
    assert "Expired" in html and "Expires in 30 days" in html


def test_the_stock_overview_finds_products_and_links_the_reports(client, admin):
    make_product(name="Alpha Serum", stock=40)
    make_product(name="Beta Cocktail", sku="BETA-1", stock=2)
    html = text(client.get("/admin/stock?q=beta"))
    assert "Beta Cocktail" in html and "Alpha Serum" not in html
    assert 'href="/admin/stock/BETA-1"' in html and "Low" in html
    assert "1 product below its low-stock threshold" in text(client.get("/admin/stock"))
