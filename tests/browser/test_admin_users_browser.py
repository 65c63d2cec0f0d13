"""The users and audit pages on a phone, with the keyboard alone: find a user, deactivate
and reactivate them, then find both decisions in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shop.demo_accounts import DEMO_ADMIN, DEMO_CUSTOMER
from tests.browser.axe import assert_accessible
from tests.browser.test_keyboard import assert_focus_ring, tab_to

pytestmark = pytest.mark.browser


def assert_fits_the_screen(page: Page) -> None:
    """Nothing makes the whole page scroll sideways (a wide table scrolls in its own box)."""
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"{page.url} is {width} px wide on a {viewport} px screen"


def test_an_administrator_deactivates_and_reactivates_a_user_on_a_phone_with_the_keyboard(
    phone_page: Page, log_in_as
):
    page = phone_page
    log_in_as(page, DEMO_ADMIN.email)
    page.goto("/admin/users")
    assert_fits_the_screen(page)

    tab_to(page, "#user-search")
    assert_focus_ring(page)
    page.keyboard.type(DEMO_CUSTOMER.email)
    page.keyboard.press("Enter")
    expect(page.locator("table.user-list tbody tr")).to_have_count(1)
    assert_accessible(page)
    tab_to(page, 'table.user-list a[href^="/admin/users/"]')
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(DEMO_CUSTOMER.name)
    assert_accessible(page)
    assert_fits_the_screen(page)

    tab_to(page, "#deactivate-reason")
    page.keyboard.type("Keyboard test: a suspicious order.")
    tab_to(page, "#deactivate-submit")
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("was deactivated: their sessions ended")
    expect(page.locator("h1")).to_contain_text("Deactivated")
    assert_accessible(page)

    tab_to(page, "#reactivate-submit")
    page.keyboard.press("Enter")
    expect(page.locator(".flashes")).to_contain_text("was reactivated")
    expect(page.locator(".user-trail li")).to_have_count(2)
    assert_accessible(page)

    tab_to(page, 'a[href^="/admin/audit?subject_type=user"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/audit\?subject_type=user&subject_id=\d+$"))
    assert_accessible(page)
    assert_fits_the_screen(page)
    tab_to(page, "#audit-action")
    page.keyboard.type("user.deactivate")
    tab_to(page, 'form.audit-filters button[type="submit"]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"action=user\.deactivate"))
    rows = page.locator("table.audit-log tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Keyboard test: a suspicious order.")
    expect(rows.first).to_contain_text(DEMO_ADMIN.name)
    assert_accessible(page)
