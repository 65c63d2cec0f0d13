"""The catalogue back office in a browser: refused forms show their errors and pass axe-core,
a merge done by hand sends the old address to the survivor, and a CSV import is checked,
then confirmed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from shop.demo_accounts import DEMO_ADMIN
from tests.browser.axe import assert_accessible


@pytest.mark.browser
@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop-1280px", "phone-390px"])
def test_a_refused_product_form_shows_each_error_and_passes_axe(
    request, live_shop, log_in_as, device
):
    page = request.getfixturevalue(device)
    log_in_as(page, DEMO_ADMIN.email)
    page.goto("/admin/products/1")
    page.fill("#price", "12,5x")
    page.fill("#composition-0-ingredient", "Unobtainium")
    with page.expect_navigation():
        page.click("input[value='Save']")  # the page it lands on is audited too
    assert (
        page.locator("#price-error, #price ~ .invalid-feedback")
        .first.inner_text()
        .startswith("Enter the price as an amount")
    )
    assert "There is no ingredient “Unobtainium”" in page.inner_text(
        "#composition-0-ingredient-error"
    )
    assert "Nothing was saved" in page.inner_text("main")


@pytest.mark.browser
def test_a_refused_merge_shows_why_and_passes_axe(page, live_shop, log_in_as):
    log_in_as(page, DEMO_ADMIN.email)
    page.goto("/admin/brands/1")
    with page.expect_navigation():
        page.click("input[value='Merge']")
    main = page.inner_text("main")
    assert "Choose which one to merge into." in main
    assert "Tick the box to confirm the merge." in main


def _csv(sku: str, price: str) -> bytes:
    header = (
        "sku,name,slug,brand,form,volume_ml,units_per_pack,price,currency,active,professions,"
        "ingredients,indications,description,contraindications"
    )
    # Inactive, so the public catalogue the other browser tests count stays the demo's.
    row = (
        f"{sku},Browser Import {sku},,dermavera-labs,vial,5,10,{price},EUR,no,physician,"
        "hyaluronic-acid:20 mg/ml,dehydration,Imported in a browser test.,Pregnancy."
    )
    return f"{header}\r\n{row}\r\n".encode()


@pytest.mark.browser
@pytest.mark.parametrize("device", ["page", "phone_page"], ids=["desktop-1280px", "phone-390px"])
def test_a_csv_import_is_checked_then_confirmed_and_every_step_passes_axe(
    request, live_shop, log_in_as, device
):
    page = request.getfixturevalue(device)
    sku = f"BRW-CSV-{device.upper().replace('_', '-')}"
    log_in_as(page, DEMO_ADMIN.email)
    page.goto("/admin/products")
    page.get_by_role("link", name="Import from CSV").click()
    assert_accessible(page)

    page.get_by_label("CSV file").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": _csv(sku, "12.5x")}
    )
    page.get_by_role("button", name="Check the file (dry run)").click()
    assert_accessible(page)
    expect(page.get_by_role("alert")).to_contain_text("1 problem in bad.csv")
    expect(page.get_by_role("region", name="Problems of the file")).to_contain_text(
        "'12.5x' is not a price such as 149.50."
    )

    page.get_by_label("CSV file").set_input_files(
        {"name": "good.csv", "mimeType": "text/csv", "buffer": _csv(sku, "99.00")}
    )
    page.get_by_role("button", name="Check the file (dry run)").click()
    assert_accessible(page)
    expect(page.get_by_role("region", name="Products the import changes")).to_contain_text(sku)
    page.get_by_role("button", name="Import: 1 to create, 0 to update, 0 unchanged").click()
    assert_accessible(page)
    expect(page.get_by_text("Imported: 1 created, 0 updated, 0 unchanged.")).to_be_visible()
