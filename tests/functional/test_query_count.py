"""The catalogue costs a fixed number of SQL statements, whatever the page size.

The facet index answers the filters and counts in memory; a page then reads the
catalogue token (is the index current?) and its products' stock, and the summaries
of products no page has shown since the token moved (their brands, compositions,
indications, professions and pictures: one statement for all of a page's thumbnails,
never one per card, and none once the summaries are kept with the index). A product
page reads its summary the same way, and its texts. A logged-in
visitor costs their user, their standing at the gate, the header's cart count and
waiting order more.
"""

from __future__ import annotations

import pytest

from shop.demo import seed_demo, seed_generated_products
from shop.extensions import db
from tests import demo_catalogue as demo_data
from tests.factories import make_professional

# token; stock
LISTING_STATEMENTS = 2
# token; the product's id and texts; stock
PRODUCT_STATEMENTS = 3
# Products not shown since the token moved: with brands, compositions, indications,
# professions, pictures.
SUMMARY_STATEMENTS = 5
# When the token has moved, the index is built again: the products with their brands,
# the brands, ingredients and indications, and the two link tables.
INDEX_BUILD_STATEMENTS = 6
# The session's user, their standing (the licence that decides it), the header's cart
# count and whether an order waits for payment.
VISITOR_STATEMENTS = 4
# Two filter groups, several values each, selecting well over 100 products.
FILTERS = "&".join(
    ["area=face", "area=body", "area=scalp"]
    + [f"brand={brand['slug']}" for brand in demo_data.BRANDS[:6]]
)


@pytest.fixture
def big_catalogue(app):
    seed_demo()
    seed_generated_products(250)
    db.session.commit()


@pytest.mark.parametrize("path", ["/products", "/api/v1/products"])
def test_catalogue_statements_do_not_grow_with_the_page_size(
    client, count_queries, big_catalogue, path
):
    counts = {}
    for per_page in (1, 24, 100):
        with count_queries() as counter:
            response = client.get(f"{path}?per_page={per_page}&{FILTERS}")
        assert response.status_code == 200
        counts[per_page] = len(counter)
    if path.startswith("/api"):
        payload = response.get_json()
        assert len(payload["items"]) == 100 and payload["total"] > 100
        assert all(item["images"] for item in payload["items"])
    else:  # every card shows its thumbnail
        html = response.get_data(as_text=True)
        assert html.count('class="product-thumb"><picture>') == 100
        assert "product-thumb-empty" not in html
    # The first request built the index; each page size shows products not shown before.
    first = INDEX_BUILD_STATEMENTS + LISTING_STATEMENTS + SUMMARY_STATEMENTS
    later = LISTING_STATEMENTS + SUMMARY_STATEMENTS
    assert counts == {1: first, 24: later, 100: later}
    with count_queries() as counter:
        client.get(f"{path}?per_page=100&{FILTERS}")
    assert len(counter) == LISTING_STATEMENTS


def test_a_catalogue_change_rebuilds_the_index_once(client, count_queries, big_catalogue):
    from shop.catalog.models import Product

    client.get("/products")
    db.session.scalars(db.select(Product).limit(1)).one().name = "Renamed"
    db.session.commit()
    with count_queries() as counter:
        client.get("/products")
    # The summaries were kept under the old token: read again.
    assert len(counter) == INDEX_BUILD_STATEMENTS + LISTING_STATEMENTS + SUMMARY_STATEMENTS
    with count_queries() as counter:
        client.get("/products")
    assert len(counter) == LISTING_STATEMENTS


@pytest.mark.parametrize(
    "path", ["/products/generated-000007", "/api/v1/products/generated-000007"]
)
def test_product_page_statements_are_fixed(client, count_queries, big_catalogue, path):
    client.get("/products")  # builds the index
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    # token, the product's id and texts, its summary (as a listing reads it), stock
    assert len(counter) == PRODUCT_STATEMENTS + SUMMARY_STATEMENTS, "\n\n".join(counter.statements)
    with count_queries() as counter:
        assert client.get(path).status_code == 200
    # The summary is kept with the index; the texts and the stock are read every time.
    assert len(counter) == PRODUCT_STATEMENTS


@pytest.mark.parametrize(
    "path", [f"/products?{FILTERS}", "/products/generated-000007", "/ingredients/biotin"]
)
def test_a_logged_in_visitor_costs_four_statements_more(
    client, login, count_queries, big_catalogue, path
):
    assert client.get(path).status_code == 200  # builds the index
    with count_queries() as counter:
        client.get(path)
    anonymous = len(counter)
    login(make_professional(name="Dr Count"))
    db.session.commit()
    client.get(path)
    with count_queries() as counter:
        html = client.get(path).get_data(as_text=True)
    assert "Dr Count" in html and 'name="csrf_token"' in html
    assert len(counter) == anonymous + VISITOR_STATEMENTS, "\n\n".join(counter.statements)
