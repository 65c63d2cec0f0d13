"""The catalogue with the keyboard alone: Tab, Enter, Space and arrow keys,
never a click; a focus ring wherever the focus is; outcomes a screen reader announces."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests import demo_catalogue as demo_data
from tests.browser.axe import assert_accessible

pytestmark = pytest.mark.browser

ACTIVE = [product for product in demo_data.PRODUCTS if product["active"]]
FACE_INDICATIONS = {i["slug"] for i in demo_data.INDICATIONS if i["area"] == "face"}
FACE = [product for product in ACTIVE if FACE_INDICATIONS & set(product["indications"])]
TAB_LIMIT = 250  # more stops than any catalogue page has


def focused(page: Page) -> dict:
    """What has the focus, and how it is drawn."""
    return page.evaluate(
        """() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return {
            tag: element.tagName.toLowerCase(),
            html: element.outerHTML.slice(0, 120),
            focusVisible: element.matches(":focus-visible"),
            outlineStyle: style.outlineStyle,
            outlineWidth: parseFloat(style.outlineWidth),
            outlineColor: style.outlineColor,
          };
        }"""
    )


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focus is on the element the selector names."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate("selector => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{TAB_LIMIT} presses of Tab never reached {selector}")


def assert_focus_ring(page: Page) -> None:
    now = focused(page)
    assert now["focusVisible"], f"the browser draws no focus indicator on {now['html']}"
    # The shop's ring (shop.css) is a solid outline: the browser's default "auto" ring
    # is thin, and Bootstrap replaces it on buttons and fields with a faint glow.
    assert now["outlineStyle"] == "solid" and now["outlineWidth"] >= 2, (
        f"focus ring missing or faint on {now['html']}: outline {now['outlineStyle']}"
        f" {now['outlineWidth']}px {now['outlineColor']}; the shop draws a solid outline"
        " of 2px or more"
    )


def facet(page: Page, group: str, slug: str):
    return page.locator(f'section[data-facet="{group}"] [data-slug="{slug}"]')


def prices(page: Page) -> list[float]:
    texts = page.locator("#results .price").all_inner_texts()
    return [float(re.sub(r"[^0-9.]", "", text)) for text in texts]


def test_the_catalogue_is_filtered_sorted_paged_and_searched_with_the_keyboard_alone(page: Page):
    page.goto("/products")
    status = page.locator("#catalog-status")

    # Filter: facet values are checkboxes, so Space ticks one.
    tab_to(page, 'section[data-facet="area"] [data-slug="face"]')
    assert_focus_ring(page)
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"/products\?area=face$"))
    expect(facet(page, "area", "face")).to_have_attribute("aria-checked", "true")
    # The new page gives the focus back to the value, so Tab goes on from there.
    expect(facet(page, "area", "face")).to_be_focused()
    expect(status).to_have_text(
        f"{len(FACE)} products found for Treatment area: Face. Showing 1 to 24, page 1 of 2."
    )
    assert_accessible(page)

    # Sort: arrow keys choose without reloading the page under the user; Enter applies.
    tab_to(page, "#catalog-sort")
    assert_focus_ring(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#catalog-sort")).to_have_value("price")
    # Apply shows once the script has handled the change, so by then a reload would have begun.
    expect(page.get_by_role("button", name="Apply")).to_be_visible()
    assert page.url.endswith("/products?area=face"), "changing the select reloaded the page"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"area=face.*sort=price|sort=price.*area=face"))
    expect(page.locator("#catalog-sort")).to_be_focused()
    expect(status).to_contain_text("Sorted by Price: low to high.")
    first_page = prices(page)
    assert first_page == sorted(first_page) and len(first_page) == 24
    assert_accessible(page)

    # Page: Tab on to "Next" and follow it; the focus goes to the results' heading.
    tab_to(page, '.pagination a[rel="next"]')
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("main h1")).to_be_focused()
    expect(status).to_contain_text(f"Showing 25 to {len(FACE)}, page 2 of 2.")
    second_page = prices(page)
    assert second_page == sorted(second_page) and min(second_page) >= max(first_page)
    assert_accessible(page)

    # Search within the results: type and press Enter; filters and sort stay.
    tab_to(page, "#catalog-search")
    assert_focus_ring(page)
    page.keyboard.type("hyaluronic")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"q=hyaluronic"))
    expect(page).to_have_url(re.compile(r"area=face"))
    expect(page.locator("main h1")).to_have_text("Results for “hyaluronic”")
    expect(page.locator("main h1")).to_be_focused()
    expect(status).to_contain_text("found for “hyaluronic” and Treatment area: Face.")
    expect(page.locator("#results .card-title")).not_to_have_count(0)


def test_the_skip_link_is_the_first_stop_and_moves_the_focus_into_the_content(page: Page):
    page.goto("/products")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown once focused, hidden otherwise
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/products#content$"))
    expect(page.locator("main#content")).to_be_focused()
    page.keyboard.press("Tab")
    # Past the header: the first stop is the first filter, inside the content.
    expect(facet(page, "area", "face")).to_be_focused()
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    "path", ["/products?area=scalp", f"/products/{ACTIVE[0]['slug']}", "/"], ids=str
)
def test_every_stop_of_the_tab_order_shows_a_focus_ring(page: Page, path: str):
    page.goto(path)
    seen: list[str] = []
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "body" or (seen and now["html"] == seen[0]):
            break  # out of the page, or round again
        seen.append(now["html"])
        assert_focus_ring(page)
    assert len(seen) > 10, f"the Tab order is suspiciously short: {seen}"


def test_on_a_phone_the_filters_unfold_and_apply_with_the_keyboard(phone_page: Page):
    page = phone_page
    page.goto("/products")
    toggle = page.locator('[aria-controls="filters"]')
    tab_to(page, '[aria-controls="filters"]')
    assert_focus_ring(page)
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#filters")).to_be_visible()
    page.keyboard.press("Tab")
    expect(facet(page, "area", "face")).to_be_focused()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"area=face"))
    # The filters fold away with the new page; the focus waits on their toggle.
    expect(toggle).to_be_focused()
    expect(toggle).to_have_text("Filters (1 active)")


def test_status_region_is_empty_as_served_and_filled_only_after_a_catalogue_action(page: Page):
    served = page.request.get("/products?area=face").text()
    region = re.search(r'<div[^>]*id="catalog-status"[^>]*>(.*?)</div>', served, re.S)
    assert region and 'role="status"' in region.group(0) and region.group(1) == ""
    page.goto("/products?area=face")
    page.wait_for_timeout(600)  # longer than the script waits before it fills the region
    expect(page.locator("#catalog-status")).to_have_text("")  # a direct visit: nothing to say
