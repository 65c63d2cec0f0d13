"""The course planner in Chromium: plan a course, put it in the cart, check out, and open
the patient leaflet and its PDF; and the planner on a 390 px phone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from shop.licensing.gate import today_at
from tests.browser.axe import assert_accessible
from tests.browser.conftest import PHONE
from tests.browser.test_checkout_browser import order_number, type_the_address

pytestmark = [pytest.mark.browser]


def next_monday() -> str:
    today = today_at()
    return (today + timedelta(days=7 - today.weekday())).isoformat()


def plan_hair_loss(page: Page) -> None:
    page.goto("/planner")
    page.get_by_label("Indication").select_option("hair-loss")
    page.get_by_label("Patients").fill("5")
    page.get_by_label("Sessions per course").fill("10")
    page.get_by_label("First session").fill(next_monday())
    page.get_by_role("button", name="Plan the course").click()
    expect(page.locator("#result-heading")).to_contain_text("for hair loss")
    assert_accessible(page)


def test_a_professional_plans_a_course_puts_it_in_the_cart_checks_out_and_prints_the_leaflet(
    page, buyer
):
    buyer(page)
    plan_hair_loss(page)
    line = page.locator("[data-product=vellanova-pdrn-capillary]")
    expect(line.locator("[data-packs]")).to_have_text("10")
    expect(line.locator("[data-cost]")).to_have_text("€1,580.00")
    expect(line.locator("[data-expiry-warning]")).to_be_visible()
    capillaire = page.locator("[data-product=sanalpe-capillaire]")
    expect(capillaire.locator("[data-packs]")).to_have_text("5")
    capillaire.get_by_label("Capillaire").check()
    page.get_by_role("button", name="Add the plan to the cart").click()

    expect(page).to_have_url(re.compile(r"/cart$"))
    expect(page.locator(".flashes")).to_contain_text(
        "The plan is in your cart: 5 packs of 1 product."
    )
    expect(page.locator("[data-cart-count]")).to_have_text("5")
    assert_accessible(page)
    page.get_by_role("link", name="Check out").click()
    expect(page.get_by_label("Clinic name")).to_be_visible()
    assert_accessible(page)
    type_the_address(page)
    page.get_by_role("button", name="Place order and pay").click()
    order_number(page)  # the payment page, with the order placed and its stock held

    plan_hair_loss(page)
    capillaire = page.locator("[data-product=sanalpe-capillaire]")
    capillaire.get_by_role("link", name=re.compile("^Patient leaflet")).click()
    expect(page.locator(".leaflet-dates li")).to_have_count(10)
    monday = today_at() + timedelta(days=7 - today_at().weekday())
    expect(page.locator(".leaflet-dates li").first).to_contain_text(
        f"{monday.day} {monday.strftime('%B')} {monday.year}"
    )
    expect(page.locator(".leaflet")).to_contain_text("no swimming pool, solarium, sauna or spa")
    pdf = page.request.get(page.get_by_role("link", name="Download the PDF").get_attribute("href"))
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")


def test_the_planner_fits_a_390px_phone(phone_page, buyer):
    buyer(phone_page)
    plan_hair_loss(phone_page)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the planner is {width}px wide on a phone"
