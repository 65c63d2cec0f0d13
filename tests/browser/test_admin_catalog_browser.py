"""The catalogue back office in a browser: refused forms show their errors and pass axe-core,
and a merge done by hand sends the old address to the survivor."""

from __future__ import annotations

import pytest

from shop.demo_accounts import DEMO_ADMIN


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
