"""GET /api/v1/products and friends, held against the OpenAPI document."""

from __future__ import annotations

import pytest


def names(payload) -> list[str]:
    return [item["name"] for item in payload["items"]]


def facet(payload, group) -> dict[str, int]:
    return {value["slug"]: value["count"] for value in payload["facets"][group]}


def test_list_answers_items_total_paging_and_facets(api, catalogue):
    payload = api("/api/v1/products")
    assert names(payload) == ["Body Sculpt", "Clear Skin", "Hair Force", "Hydra Glow"]
    assert (payload["total"], payload["page"], payload["per_page"]) == (4, 1, 24)
    assert facet(payload, "area") == {
        "face": 2,
        "neck-decollete": 0,
        "body": 1,
        "scalp": 1,
        "hands": 0,
    }
    assert payload["facets"]["brand"][0] == {"slug": "alpha", "name": "Alpha Labs", "count": 2}


def test_an_item_carries_everything_the_design_lists(api, catalogue):
    payload = api("/api/v1/products?q=glow")
    assert payload["items"] == [
        {
            "sku": "ALP-HYD-1",
            "slug": "hydra-glow",
            "name": "Hydra Glow",
            "brand": {"slug": "alpha", "name": "Alpha Labs"},
            "form": "vial",
            "volume_ml": 5,
            "units_per_pack": 10,
            "price": {
                "amount_cents": 10000,
                "currency": "EUR",
                "includes_tax": False,
                "tax_label": "excl. VAT",
            },
            "ingredients": [
                {"slug": "hyaluronic-acid", "name": "Hyaluronic acid", "concentration": "20 mg/ml"},
                {"slug": "zinc", "name": "Zinc", "concentration": None},
            ],
            "indications": [
                {"slug": "wrinkles", "name": "Fine lines and wrinkles", "area": "face"}
            ],
            "professions": ["physician", "dermatologist", "nurse"],
            "available": 50,
            "images": [],
        }
    ]


def test_filters_any_within_a_group_all_across_groups(api, catalogue):
    assert names(api("/api/v1/products?ingredient=biotin&ingredient=caffeine")) == [
        "Body Sculpt",
        "Clear Skin",
        "Hair Force",
    ]
    payload = api("/api/v1/products?ingredient=biotin&brand=beta")
    assert names(payload) == ["Hair Force"]
    assert facet(payload, "ingredient")["caffeine"] == 1  # own group switched off
    assert facet(payload, "brand") == {"alpha": 1, "beta": 1, "gamma": 0}


def test_area_and_indication_filters(api, catalogue):
    assert names(api("/api/v1/products?area=scalp&area=body")) == ["Body Sculpt", "Hair Force"]
    assert names(api("/api/v1/products?indication=acne&indication=wrinkles")) == [
        "Clear Skin",
        "Hydra Glow",
    ]


def test_sort_and_pages(api, catalogue):
    assert names(api("/api/v1/products?sort=-price&per_page=2")) == ["Hair Force", "Hydra Glow"]
    payload = api("/api/v1/products?sort=-price&per_page=2&page=2")
    assert names(payload) == ["Body Sculpt", "Clear Skin"] and payload["page"] == 2
    assert api("/api/v1/products?page=50")["items"] == []


def test_available_counts_unexpired_stock_only(api, catalogue):
    stock = {item["slug"]: item["available"] for item in api("/api/v1/products")["items"]}
    assert stock == {"body-sculpt": 20, "clear-skin": 3, "hair-force": 0, "hydra-glow": 50}


@pytest.mark.parametrize(
    ("query", "code", "fragment"),
    [
        ("sort=cheapest", "invalid_parameter", "sort must be one of"),
        ("page=0", "invalid_parameter", "page must be between 1"),
        ("page=abc", "invalid_parameter", "page must be a whole number"),
        ("per_page=101", "invalid_parameter", "per_page must be between 1 and 100"),
        ("per_page=0", "invalid_parameter", "per_page must be between 1 and 100"),
        ("ingredient=unobtainium", "unknown_filter_value", "unknown ingredient 'unobtainium'"),
        ("indication=nope", "unknown_filter_value", "unknown indication 'nope'"),
        ("area=feet", "unknown_filter_value", "unknown area 'feet'"),
        ("brand=acme", "unknown_filter_value", "unknown brand 'acme'"),
        ("brand=Not%20A%20Slug", "invalid_parameter", "brand takes slugs"),
    ],
)
def test_bad_parameters_answer_400_json_with_a_code(client, catalogue, query, code, fragment):
    response = client.get(f"/api/v1/products?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == code
    assert fragment in error["message"]


def test_bad_parameter_responses_match_the_document(api, catalogue):
    api("/api/v1/products?ingredient=unobtainium", status=400)


def test_product_detail_adds_the_long_texts(api, catalogue):
    payload = api("/api/v1/products/hydra-glow")
    assert payload["description"] == "A hydrating booster for the face."
    assert payload["contraindications"].startswith("Pregnancy")
    assert payload["available"] == 50 and payload["sku"] == "ALP-HYD-1"


def test_unknown_or_inactive_product_is_a_json_404(api, catalogue):
    for slug in ("nothing-here", "retired"):
        error = api(f"/api/v1/products/{slug}", status=404)["error"]
        assert error["code"] == "product_not_found"
        assert slug in error["message"]


def test_vocabularies_list_every_term_with_product_counts(api, catalogue):
    ingredients = {i["slug"]: i for i in api("/api/v1/ingredients")["items"]}
    assert ingredients["zinc"] == {
        "slug": "zinc",
        "name": "Zinc",
        "kind": "mineral",
        "description": "",
        "product_count": 3,
    }
    assert ingredients["glutathione"]["product_count"] == 0
    indications = {i["slug"]: i for i in api("/api/v1/indications")["items"]}
    assert (
        indications["hair-loss"]["area"] == "scalp"
        and indications["wrinkles"]["product_count"] == 1
    )
    brands = {b["slug"]: b for b in api("/api/v1/brands")["items"]}
    assert brands["alpha"]["product_count"] == 2  # the inactive product does not count
    assert brands["gamma"]["country"] is None and brands["beta"]["country"] == "IT"


def test_volume_is_a_json_number(api, catalogue, app):
    from decimal import Decimal

    from tests.factories import make_product

    make_product("Half Ml", brand=catalogue.gamma, volume_ml=Decimal("2.5"), slug="half-ml")
    from shop.extensions import db

    db.session.commit()
    assert api("/api/v1/products/half-ml")["volume_ml"] == 2.5
