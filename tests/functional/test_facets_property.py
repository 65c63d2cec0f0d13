"""Facet counts and results checked against a brute-force count on random catalogues.

Runs on both databases (the suite's backend). Each example builds its catalogue
in a savepoint and rolls it back.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shop.catalog.enums import IngredientKind, SortOrder, TreatmentArea
from shop.catalog.listing import list_products
from shop.catalog.query import FILTER_GROUPS, CatalogQuery
from shop.extensions import db
from tests.factories import make_brand, make_indication, make_ingredient, make_product

WORDS = ["aqua", "lift", "glow", "vita", "densa"]
AREAS = [area.value for area in TreatmentArea]


@dataclass(frozen=True)
class ProductSpec:
    brand: int
    ingredients: frozenset[int]
    indications: frozenset[int]
    active: bool
    word: str
    price: int


@st.composite
def catalogues(draw):
    n_brands = draw(st.integers(1, 3))
    n_ingredients = draw(st.integers(1, 5))
    indication_areas = draw(st.lists(st.sampled_from(AREAS), min_size=1, max_size=4))
    products = draw(
        st.lists(
            st.builds(
                ProductSpec,
                brand=st.integers(0, n_brands - 1),
                ingredients=st.frozensets(
                    st.integers(0, n_ingredients - 1), max_size=n_ingredients
                ),
                indications=st.frozensets(st.integers(0, len(indication_areas) - 1), max_size=3),
                active=st.booleans() | st.just(True),
                word=st.sampled_from(WORDS),
                price=st.integers(100, 50000),
            ),
            max_size=12,
        )
    )
    return n_brands, n_ingredients, indication_areas, products


@st.composite
def selections(draw, n_brands, n_ingredients, n_indications):
    def pick(prefix, n):
        # Include slugs that exist and, sometimes, none at all.
        return tuple(
            sorted(
                {f"{prefix}{i}" for i in draw(st.sets(st.integers(0, n - 1), max_size=min(n, 3)))}
            )
        )

    return {
        "brand": pick("b", n_brands),
        "ingredient": pick("i", n_ingredients),
        "indication": pick("d", n_indications),
        "area": tuple(sorted(draw(st.sets(st.sampled_from(AREAS), max_size=2)))),
        "q": draw(st.sampled_from(["", *WORDS])),
    }


def brute_force(products, areas, selection):
    """What the catalogue must answer, computed naively in Python."""

    def values(spec: ProductSpec) -> dict[str, set[str]]:
        return {
            "brand": {f"b{spec.brand}"},
            "ingredient": {f"i{i}" for i in spec.ingredients},
            "indication": {f"d{i}" for i in spec.indications},
            "area": {areas[i] for i in spec.indications},
        }

    def matches(spec: ProductSpec, skip: str | None = None) -> bool:
        if not spec.active:
            return False
        if selection["q"] and selection["q"] != spec.word:
            return False
        own = values(spec)
        return all(
            not selection[group] or own[group] & set(selection[group])
            for group in FILTER_GROUPS
            if group != skip
        )

    result = {index for index, spec in enumerate(products) if matches(spec)}
    facets = {}
    for group in FILTER_GROUPS:
        counts: dict[str, int] = {}
        for spec in products:
            if matches(spec, skip=group):
                for value in values(spec)[group]:
                    counts[value] = counts.get(value, 0) + 1
        facets[group] = counts
    return result, facets


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_facets_and_results_match_a_brute_force_count(app, data):
    n_brands, n_ingredients, areas, specs = data.draw(catalogues())
    selection = data.draw(selections(n_brands, n_ingredients, len(areas)))
    sort = data.draw(st.sampled_from([SortOrder.NAME, SortOrder.PRICE, SortOrder.PRICE_DESC]))
    savepoint = db.session.begin_nested()
    try:
        brands = [make_brand(f"Brand {i}", slug=f"b{i}") for i in range(n_brands)]
        ingredients = [
            make_ingredient(f"Ingredient {i}", IngredientKind.OTHER, slug=f"i{i}")
            for i in range(n_ingredients)
        ]
        indications = [
            make_indication(f"Indication {i}", TreatmentArea(area), slug=f"d{i}")
            for i, area in enumerate(areas)
        ]
        for index, spec in enumerate(specs):
            make_product(
                f"{spec.word.title()} {index:02d}",
                slug=f"p{index}",
                brand=brands[spec.brand],
                ingredients=[ingredients[i] for i in sorted(spec.ingredients)],
                indications=[indications[i] for i in sorted(spec.indications)],
                is_active=spec.active,
                price_cents=spec.price,
            )
        query = CatalogQuery(
            filters={group: selection[group] for group in FILTER_GROUPS},
            q=selection["q"],
            sort=sort,
            per_page=100,
        )
        page = list_products(query)
        expected_items, expected_facets = brute_force(specs, areas, selection)

        assert page.total == len(expected_items)
        assert {item.slug for item in page.items} == {f"p{i}" for i in expected_items}
        for group in FILTER_GROUPS:
            got = {value.slug: value.count for value in page.facets[group]}
            want = {
                value.slug: expected_facets[group].get(value.slug, 0)
                for value in page.facets[group]
            }
            assert got == want, group
            assert {v.slug for v in page.facets[group] if v.selected} == set(selection[group])
        prices = [item.price_cents for item in page.items]
        if sort == SortOrder.PRICE:
            assert prices == sorted(prices)
        elif sort == SortOrder.PRICE_DESC:
            assert prices == sorted(prices, reverse=True)
        else:
            assert [item.name for item in page.items] == sorted(item.name for item in page.items)
    finally:
        savepoint.rollback()
