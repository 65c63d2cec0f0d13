"""The stock pages in the browser: an administrator receives a lot with the form, a
professional's paid order takes a pack of it, and the recall finds that order, on a
desktop and on a phone, with the CSV downloaded. Every page shown is audited by
axe-core (the fixtures' audit; ``assert_accessible`` after each click that loads one).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from shop.catalog.services import find_product_by_sku
from shop.demo_accounts import DEMO_ADMIN
from shop.extensions import db
from shop.inventory.services import today
from tests import demo_catalogue as demo_data
from tests.browser.axe import assert_accessible
from tests.factories import make_order, make_professional

pytestmark = pytest.mark.browser

# A product physicians may buy whose stock page also shows an expired lot.
SKU = next(
    product["sku"]
    for product in demo_data.PRODUCTS
    if product["active"]
    and "physician" in product["professions"]
    and any(days < 0 for _, days, _ in product.get("stock", []))
)


def receive_with_the_form(
    page: Page, lot_number: str, days: int, *, sku: str = SKU, packs: int = 12
) -> None:
    """An administrator's page receives ``packs`` of a lot expiring in ``days`` days."""
    page.goto(f"/admin/stock/{sku}")
    form = page.locator("form", has=page.get_by_role("button", name="Receive the lot"))
    form.get_by_label("Lot number").fill(lot_number)
    form.get_by_label("Expiry date").fill((today() + timedelta(days=days)).isoformat())
    form.get_by_label("Packs received").fill(str(packs))
    form.get_by_role("button", name="Receive the lot").click()
    assert_accessible(page)
    expect(page.get_by_text(f"Received {packs} pack(s) of lot {lot_number}")).to_be_visible()
    expect(page.locator(f'tr[data-lot="{lot_number}"]')).to_contain_text(f"Expires in {days} days")


@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop-1280px", "phone-390px"])
def test_a_received_lot_is_recalled_with_the_order_that_took_it(
    request, live_shop, log_in_as, device
):
    page: Page = request.getfixturevalue(device)
    lot_number = f"BRW-{device.upper().replace('_', '-')}"
    log_in_as(page, DEMO_ADMIN.email)
    # Sooner than the product's other sellable lots (the run before this one's too), so
    # the next order takes its pack from this lot, first expiry first.
    receive_with_the_form(page, lot_number, days={"page": 31, "phone_page": 30}[device])

    with live_shop.app.app_context():
        buyer = make_professional(name="Dr Recall Buyer")
        order = make_order(buyer, (find_product_by_sku(SKU), 1), paid=True)
        number, email = order.number, buyer.email
        db.session.commit()

    page.goto(f"/admin/recall?lot={lot_number}")
    table = page.get_by_role("region", name=f"Orders that received lot {lot_number} of {SKU}")
    expect(table).to_contain_text(number)
    expect(table).to_contain_text(email)
    expect(table).to_contain_text("Physician, Ireland")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    assert download.value.suggested_filename == f"recall-{lot_number}.csv"
    content = Path(download.value.path()).read_text(encoding="utf-8")
    assert number in content and email in content
