"""Creating catalogue records: every bad value is refused with a reason, nothing half-written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shop.catalog.enums import IngredientKind
from shop.catalog.errors import CatalogError
from shop.catalog.services import (
    CompositionLine,
    create_brand,
    create_ingredient,
    create_product,
)
from tests.factories import make_brand, make_ingredient, make_product


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"sku": "lower-case"}, "SKU 'lower-case' must be"),
        ({"slug": "Not A Slug"}, "product slug 'Not A Slug' must be"),
        ({"name": "  "}, "a product's name is required"),
        ({"name": "Boo\x1e7\x1fster"}, "a product's name contains control characters"),
        ({"form": "tablet"}, "unknown form 'tablet'"),
        ({"volume_ml": "0"}, "volume must be above 0 ml"),
        ({"volume_ml": "five"}, "volume 'five' is not a number"),
        ({"units_per_pack": 0}, "a pack holds at least one unit"),
        ({"price_cents": -1}, "a price cannot be negative"),
        ({"currency": "euro"}, "currency 'euro' must be a three-letter ISO code"),
        ({"professions": []}, "say which professions may buy the product"),
        ({"professions": ["beautician"]}, "unknown profession"),
    ],
)
def test_bad_products_are_refused_with_a_reason(app, changes, message):
    with pytest.raises(CatalogError) as info:
        make_product(**changes)
    assert info.value.code == "invalid_product"
    assert message in info.value.message


def test_composition_must_be_consistent(app):
    zinc = make_ingredient("Zinc", IngredientKind.MINERAL)
    with pytest.raises(CatalogError, match="listed twice"):
        make_product(ingredients=[zinc, zinc])
    brand = make_brand()
    product = {
        "sku": "TST-BAD-1",
        "slug": "bad-1",
        "name": "Bad",
        "brand": brand,
        "form": "vial",
        "volume_ml": Decimal(5),
        "units_per_pack": 1,
        "price_cents": 100,
        "currency": "EUR",
        "professions": ["nurse"],
    }
    with pytest.raises(CatalogError, match="needs both a value and a unit"):
        create_product(**product, composition=[CompositionLine(zinc, Decimal("2"), None)])
    with pytest.raises(CatalogError, match="must be above zero"):
        create_product(**product, composition=[CompositionLine(zinc, Decimal("0"), "mg/ml")])


def test_duplicate_sku_or_slug_is_refused(app):
    make_product(sku="TST-DUP-1", slug="dup-one")
    with pytest.raises(CatalogError, match="SKU TST-DUP-1 is already in the catalogue"):
        make_product(sku="TST-DUP-1", slug="dup-two")
    with pytest.raises(CatalogError, match="slug dup-one is already in the catalogue"):
        make_product(sku="TST-DUP-2", slug="dup-one")


def test_vocabulary_slugs_are_unique_and_countries_are_iso_codes(app):
    create_brand(slug="acme", name="Acme")
    with pytest.raises(CatalogError, match="brand slug acme is already taken"):
        create_brand(slug="acme", name="Acme again")
    with pytest.raises(CatalogError, match="two-letter ISO code"):
        create_brand(slug="acme-2", name="Acme", country="Spain")
    with pytest.raises(CatalogError, match="unknown ingredient kind 'mystery'"):
        create_ingredient(slug="x", name="X", kind="mystery")
