"""Which facet lists scroll, and which must take the keyboard focus themselves."""

from shop.catalog.presenters import FACET_SCROLL_AFTER, FacetBlock, FacetLink


def block(count: int, *, enabled: int) -> FacetBlock:
    links = tuple(
        FacetLink(
            slug=f"v{i}",
            name=f"Value {i}",
            count=1 if i < enabled else 0,
            selected=False,
            url=f"/products?ingredient=v{i}",
            disabled=i >= enabled,
        )
        for i in range(count)
    )
    return FacetBlock(group="ingredient", title="Ingredient", links=links)


def test_a_long_list_of_only_disabled_values_scrolls_and_takes_the_focus_itself():
    facet = block(FACET_SCROLL_AFTER + 1, enabled=0)
    assert facet.scrolls
    assert facet.needs_own_tab_stop


def test_a_long_list_with_one_link_is_scrolled_from_that_link_so_needs_no_tab_stop():
    facet = block(FACET_SCROLL_AFTER + 1, enabled=1)
    assert facet.scrolls
    assert not facet.needs_own_tab_stop


def test_a_short_list_never_scrolls_so_never_needs_a_tab_stop():
    facet = block(FACET_SCROLL_AFTER, enabled=0)
    assert not facet.scrolls
    assert not facet.needs_own_tab_stop
