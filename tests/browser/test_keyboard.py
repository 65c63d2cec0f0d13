"""The catalogue with the keyboard alone: Tab, Enter, Space and arrow keys,
never a click; a focus ring wherever the focus is; outcomes a screen reader announces."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from shop.catalog import demo_data

pytestmark = pytest.mark.browser

ACTIVE = [product for product in demo_data.PRODUCTS if product["active"]]
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
