"""`flask shop seed-demo`: a plausible demo catalogue, idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from shop.catalog.cache import current_token
from shop.catalog.enums import IngredientKind, TreatmentArea
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    product_indications,
)
from shop.extensions import db
from shop.inventory.models import StockLot, StockMovement


def table_counts() -> dict[str, int]:
    models = {
        "brands": Brand,
        "ingredients": Ingredient,
        "indications": Indication,
        "products": Product,
        "composition": ProductIngredient,
        "lots": StockLot,
        "movements": StockMovement,
    }
    counts = {
        name: db.session.scalar(select(func.count()).select_from(m)) for name, m in models.items()
    }
    counts["links"] = db.session.scalar(select(func.count()).select_from(product_indications))
    return counts


def test_seed_demo_builds_a_plausible_catalogue(runner):
    result = runner.invoke(args=["shop", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo catalogue: added" in result.output
    counts = table_counts()
    assert counts["products"] >= 40
    assert counts["brands"] >= 6
    assert counts["ingredients"] >= 25
    assert counts["indications"] >= 12
    kinds = set(db.session.scalars(select(Ingredient.kind).distinct()))
    assert kinds == {kind.value for kind in IngredientKind}
    areas = set(db.session.scalars(select(Indication.area).distinct()))
    assert {TreatmentArea.FACE, TreatmentArea.BODY, TreatmentArea.SCALP} <= areas
    slugs = set(db.session.scalars(select(Ingredient.slug)))
    for wanted in (
        "hyaluronic-acid",
        "glycine",
        "l-proline",
        "l-lysine",
        "biotin",
        "dmae",
        "caffeine",
        "l-carnitine",
        "deoxycholic-acid",
        "phosphatidylcholine",
        "coenzyme-q10",
        "zinc",
        "copper",
        "magnesium",
        "organic-silicon",
        "ginkgo-biloba",
        "centella-asiatica",
    ):
        assert any(slug.startswith(wanted) for slug in slugs), wanted
    # Every brand has several products, every product a composition and an indication.
    per_brand = db.session.execute(
        select(Product.brand_id, func.count()).group_by(Product.brand_id)
    ).all()
    assert len(per_brand) == counts["brands"] and min(n for _, n in per_brand) >= 4
    bare = db.session.scalar(
        select(func.count())
        .select_from(Product)
        .where(~Product.composition.any() | ~Product.indications.any())
    )
    assert bare == 0
    assert db.session.scalar(select(func.count()).where(Product.contraindications == "")) == 0
    # Receipts are in the ledger, one per lot.
    assert counts["movements"] == counts["lots"]


def test_seed_demo_twice_changes_nothing(runner):
    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    before, token = table_counts(), current_token()
    again = runner.invoke(args=["shop", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert "added 0 brands, 0 ingredients, 0 indications, 0 products, 0 stock lots" in again.output
    assert table_counts() == before
    assert current_token() == token  # not even the catalogue cache is invalidated


def test_seed_demo_products_option_adds_generated_products_once(runner):
    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    token = current_token()
    first = runner.invoke(args=["shop", "seed-demo", "--products", "30"])
    assert first.exit_code == 0, first.output
    assert "generated products: added 30" in first.output
    assert current_token() != token  # bulk inserts invalidate the catalogue cache as well
    total = table_counts()["products"]
    again = runner.invoke(args=["shop", "seed-demo", "--products", "30"])
    assert "generated products: added 0" in again.output
    more = runner.invoke(args=["shop", "seed-demo", "--products", "45"])
    assert "generated products: added 15" in more.output
    assert table_counts()["products"] == total + 15
    generated = db.session.scalar(select(Product).where(Product.sku == "GEN-000045"))
    assert generated.composition and generated.indications and generated.professions
    assert "generated" not in generated.search_name and generated.search_text.strip()


def test_seed_demo_refuses_a_negative_count(runner):
    result = runner.invoke(args=["shop", "seed-demo", "--products", "-5"])
    assert result.exit_code != 0
    assert "-5 is not in the range" in result.output
