"""The catalogue costs a fixed number of SQL statements, whatever the page size."""

from __future__ import annotations

import pytest

from shop.demo import seed_demo, seed_generated_products
from shop.extensions import cache, db
from tests import demo_catalogue as demo_data
from tests.factories import make_professional

# Cold: token, 3 vocabularies, 4 facet groups, total, page of products with brands,
# compositions, indications, professions; then token and live stock in one statement.
# Warm: that last statement alone.
COLD_STATEMENTS = 14
WARM_STATEMENTS = 1
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
    cold, warm = {}, {}
    for per_page in (1, 24, 100):
        url = f"{path}?per_page={per_page}&{FILTERS}"
        cache.clear()
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        cold[per_page] = len(counter)
        with count_queries() as counter:
            again = client.get(url)
        assert again.data == response.data
        warm[per_page] = len(counter)
    if path.startswith("/api"):
        payload = response.get_json()
        assert len(payload["items"]) == 100 and payload["total"] > 100
    assert cold == {1: COLD_STATEMENTS, 24: COLD_STATEMENTS, 100: COLD_STATEMENTS}
    assert warm == {1: WARM_STATEMENTS, 24: WARM_STATEMENTS, 100: WARM_STATEMENTS}


def test_product_page_statements_are_fixed(client, count_queries, big_catalogue):
    cache.clear()
    with count_queries() as counter:
        assert client.get("/products/generated-000007").status_code == 200
    # token, product with brand, composition, indications, professions, token and stock
    assert len(counter) == 6
    with count_queries() as counter:
        assert client.get("/products/generated-000007").status_code == 200
    assert len(counter) == 1


@pytest.mark.parametrize(
    "path", [f"/products?{FILTERS}", "/products/generated-000007", "/ingredients/biotin"]
)
def test_a_verified_professional_costs_no_statement_more_than_anyone(
    client, login, count_queries, big_catalogue, path
):
    login(make_professional(name="Dr Count"))
    db.session.commit()
    assert client.get(path).status_code == 200  # warms the cache
    with count_queries() as counter:
        html = client.get(path).get_data(as_text=True)
    assert "Dr Count" in html and 'name="csrf_token"' in html
    # The user (Flask-Login) with the gate's standing and the header's cart count, the
    # token and the live stock: one statement, whatever the number of products.
    assert len(counter) == WARM_STATEMENTS, "\n\n".join(counter.statements)
    assert "users.session_token" in counter.statements[0]
    assert "catalog_state" in counter.statements[0]
