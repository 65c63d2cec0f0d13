"""The catalogue in a real browser: click facets, read results and counts, go back."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import demo_catalogue as demo_data
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

ACTIVE = [product for product in demo_data.PRODUCTS if product["active"]]


def names_with(indication: str, ingredient: str | None = None) -> list[str]:
    return sorted(
        product["name"]
        for product in ACTIVE
        if indication in product["indications"]
        and (ingredient is None or ingredient in [slug for slug, _, _ in product["ingredients"]])
    )


def narrowing_ingredient(indication: str) -> str:
    """An ingredient that some, not all, of the indication's products contain."""
    products = [p for p in ACTIVE if indication in p["indications"]]
    counts: dict[str, int] = {}
    for product in products:
        for slug, _, _ in product["ingredients"]:
            counts[slug] = counts.get(slug, 0) + 1
    return max(
        (slug for slug, n in counts.items() if n < len(products)), key=lambda s: (counts[s], s)
    )


def facet(page: Page, group: str, slug: str):
    return page.locator(f'section[data-facet="{group}"] [data-slug="{slug}"]')


def shown_names(page: Page) -> list[str]:
    return sorted(page.locator("#results .card-title").all_inner_texts())


def test_click_an_indication_then_an_ingredient_and_go_back(page: Page):
    indication = "hair-loss"
    ingredient = narrowing_ingredient(indication)
    page.goto("/products")
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(len(ACTIVE)))

    # The count beside the indication is the number of results clicking it gives.
    link = facet(page, "indication", indication)
    expected = names_with(indication)
    expect(link.locator(".facet-count")).to_have_text(str(len(expected)))
    link.click()
    expect(page).to_have_url(re.compile(rf"/products\?indication={indication}$"))
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(len(expected)))
    assert shown_names(page) == expected
    expect(facet(page, "indication", indication)).to_have_attribute("aria-checked", "true")

    link = facet(page, "ingredient", ingredient)
    narrowed = names_with(indication, ingredient)
    expect(link.locator(".facet-count")).to_have_text(str(len(narrowed)))
    link.click()
    expect(page).to_have_url(
        re.compile(
            rf"indication={indication}&ingredient={ingredient}|ingredient={ingredient}&indication={indication}"
        )
    )
    assert shown_names(page) == narrowed
    expect(page.locator("#result-count")).to_contain_text(f"of {len(narrowed)} product")
    # The indication's count now applies the ingredient filter (not its own group's).
    expect(facet(page, "indication", indication).locator(".facet-count")).to_have_text(
        str(len(narrowed))
    )
    expect(page.locator(".active-filters .chip")).to_have_count(2)

    page.go_back()
    expect(page).to_have_url(re.compile(rf"/products\?indication={indication}$"))
    assert shown_names(page) == expected
    page.go_back()
    expect(page).to_have_url(re.compile(r"/products$"))
    expect(page.locator("#result-count")).to_have_attribute("data-total", str(len(ACTIVE)))


def test_a_disabled_value_cannot_be_clicked_and_removing_a_chip_widens_again(page: Page):
    page.goto("/products?area=scalp")
    disabled = page.locator('section[data-facet="indication"] .facet-link.is-disabled').first
    expect(disabled).to_have_attribute("aria-disabled", "true")
    expect(disabled.locator(".facet-count")).to_have_text("0")
    assert disabled.evaluate("node => node.tagName") == "SPAN"
    page.locator(".active-filters .chip").first.click()
    expect(page).to_have_url(re.compile(r"/products$"))


def test_sorting_by_price_submits_on_change_and_keeps_filters(page: Page):
    page.goto("/products?area=face")
    page.select_option("#catalog-sort", "price")
    expect(page).to_have_url(re.compile(r"area=face.*sort=price|sort=price.*area=face"))
    prices = page.locator("#results .price").all_inner_texts()
    values = [float(re.sub(r"[^0-9.]", "", text)) for text in prices]
    assert values == sorted(values) and len(values) > 1


def test_search_then_open_a_product(page: Page):
    page.goto("/")
    page.fill("#nav-search", "biotin")
    page.press("#nav-search", "Enter")
    expect(page).to_have_url(re.compile(r"q=biotin"))
    assert_accessible(page)  # reached by a key press, and left by a click below
    first = page.locator("#results .card-title a").first
    name = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator("table.composition")).to_contain_text("Biotin")
    expect(page.locator(".contraindications")).not_to_be_empty()


def test_on_a_phone_the_filters_fold_behind_a_button(phone_page: Page):
    page = phone_page
    page.goto("/products")
    filters = page.locator("#filters")
    expect(filters).to_be_hidden()
    page.get_by_role("button", name=re.compile("^Filters")).click()
    expect(filters).to_be_visible()
    assert_accessible(page)  # the unfolded filters, which the check after goto did not see
    facet(page, "area", "body").click()
    expect(page).to_have_url(re.compile(r"area=body"))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
