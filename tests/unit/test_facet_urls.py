"""A facet link's URL is the listing's URL with that one value switched, built fast
(shop.catalog.presenters.UrlBuilder.toggling): checked against the plain way."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from shop.catalog.enums import SortOrder
from shop.catalog.presenters import UrlBuilder
from shop.catalog.query import FILTER_GROUPS, CatalogQuery

SLUGS = st.sampled_from(["a", "b-2", "zinc", "hyaluronic-acid", "x9"])


@st.composite
def queries(draw):
    filters = {
        group: tuple(sorted(draw(st.sets(SLUGS, max_size=3))))
        for group in FILTER_GROUPS
        if draw(st.booleans())
    }
    return CatalogQuery(
        filters={group: values for group, values in filters.items() if values},
        q=draw(st.sampled_from(["", "glow", "a&b é"])),
        sort=draw(st.sampled_from(list(SortOrder))),
        page=draw(st.integers(1, 4)),
        per_page=draw(st.sampled_from([24, 48])),
    )


@given(query=queries(), group=st.sampled_from(FILTER_GROUPS), value=SLUGS)
def test_a_facet_link_is_the_listing_with_that_value_switched(app, query, group, value):
    with app.test_request_context():
        urls = UrlBuilder()
        assert urls.toggling(query, group)(value) == urls.listing(query.toggled(group, value))
