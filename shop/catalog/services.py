"""Catalogue rules: reading products, and creating them consistently.

Services flush and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, true

from shop.catalog.enums import (
    ConcentrationUnit,
    IngredientKind,
    ProductForm,
    Profession,
    TreatmentArea,
)
from shop.catalog.errors import CatalogError, CatalogNotFound
from shop.catalog.listing import PRODUCT_LOAD_OPTIONS
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.catalog.search import normalise_many
from shop.extensions import db

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SKU = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class CompositionLine:
    ingredient: Ingredient
    concentration_value: Decimal | None = None
    concentration_unit: ConcentrationUnit | None = None


def _invalid(message: str) -> CatalogError:
    return CatalogError(CatalogError.INVALID_PRODUCT, message)


# Reads ---------------------------------------------------------------------


def get_active_product(slug: str) -> Product:
    """The active product with this slug, with everything its page shows loaded."""
    product = db.session.scalar(
        select(Product)
        .where(Product.slug == slug, Product.is_active == true())
        .options(*PRODUCT_LOAD_OPTIONS)
    )
    if product is None:
        raise CatalogNotFound(
            CatalogError.PRODUCT_NOT_FOUND, f"no product {slug!r} in the catalogue"
        )
    return product


def get_ingredient(slug: str) -> Ingredient:
    ingredient = db.session.scalar(select(Ingredient).where(Ingredient.slug == slug))
    if ingredient is None:
        raise CatalogNotFound(CatalogError.NOT_FOUND, f"no ingredient {slug!r}")
    return ingredient


def get_indication(slug: str) -> Indication:
    indication = db.session.scalar(select(Indication).where(Indication.slug == slug))
    if indication is None:
        raise CatalogNotFound(CatalogError.NOT_FOUND, f"no indication {slug!r}")
    return indication


def find_brand(slug: str) -> Brand | None:
    return db.session.scalar(select(Brand).where(Brand.slug == slug))


def find_ingredient(slug: str) -> Ingredient | None:
    return db.session.scalar(select(Ingredient).where(Ingredient.slug == slug))


def find_indication(slug: str) -> Indication | None:
    return db.session.scalar(select(Indication).where(Indication.slug == slug))


def find_product_by_sku(sku: str) -> Product | None:
    return db.session.scalar(select(Product).where(Product.sku == sku))


@dataclass(frozen=True)
class TermCount:
    slug: str
    name: str
    detail: str
    description: str
    product_count: int


def list_ingredients() -> list[TermCount]:
    """Every ingredient with the number of active products that contain it."""
    counts = (
        select(ProductIngredient.ingredient_id, func.count().label("n"))
        .join(Product, Product.id == ProductIngredient.product_id)
        .where(Product.is_active == true())
        .group_by(ProductIngredient.ingredient_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Ingredient, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.ingredient_id == Ingredient.id)
        .order_by(Ingredient.name)
    ).all()
    return [TermCount(i.slug, i.name, str(i.kind), i.description, n) for i, n in rows]


def list_indications() -> list[TermCount]:
    """Every indication with the number of active products that treat it."""
    counts = (
        select(product_indications.c.indication_id, func.count().label("n"))
        .join(Product, Product.id == product_indications.c.product_id)
        .where(Product.is_active == true())
        .group_by(product_indications.c.indication_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Indication, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.indication_id == Indication.id)
        .order_by(Indication.name)
    ).all()
    return [TermCount(i.slug, i.name, str(i.area), i.description, n) for i, n in rows]


def list_brands() -> list[TermCount]:
    counts = (
        select(Product.brand_id, func.count().label("n"))
        .where(Product.is_active == true())
        .group_by(Product.brand_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Brand, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.brand_id == Brand.id)
        .order_by(Brand.name)
    ).all()
    return [TermCount(b.slug, b.name, b.country or "", b.description, n) for b, n in rows]


# Writes --------------------------------------------------------------------


def _check_slug(slug: str, what: str) -> str:
    if not SLUG.match(slug or "") or len(slug) > 80:
        raise _invalid(f"{what} slug {slug!r} must be lower-case letters, digits and single dashes")
    return slug


def create_brand(
    *, slug: str, name: str, country: str | None = None, description: str = ""
) -> Brand:
    brand = Brand(
        slug=_check_slug(slug, "brand"), name=name.strip(), country=country, description=description
    )
    if not brand.name:
        raise _invalid("a brand needs a name")
    db.session.add(brand)
    db.session.flush()
    return brand


def create_ingredient(
    *, slug: str, name: str, kind: IngredientKind | str, description: str = ""
) -> Ingredient:
    try:
        kind = IngredientKind(kind)
    except ValueError:
        raise _invalid(f"unknown ingredient kind {kind!r}") from None
    ingredient = Ingredient(
        slug=_check_slug(slug, "ingredient"), name=name.strip(), kind=kind, description=description
    )
    db.session.add(ingredient)
    db.session.flush()
    return ingredient


def create_indication(
    *, slug: str, name: str, area: TreatmentArea | str, description: str = ""
) -> Indication:
    try:
        area = TreatmentArea(area)
    except ValueError:
        raise _invalid(f"unknown treatment area {area!r}") from None
    indication = Indication(
        slug=_check_slug(slug, "indication"), name=name.strip(), area=area, description=description
    )
    db.session.add(indication)
    db.session.flush()
    return indication


def search_fields(
    *,
    name: str,
    brand_name: str,
    description: str,
    ingredient_names: Sequence[str],
    indication_names: Sequence[str],
) -> dict[str, str]:
    """The normalised search columns of a product."""
    keywords = normalise_many([brand_name, *ingredient_names])
    return {
        "search_name": normalise_many([name]),
        "search_keywords": keywords,
        "search_text": normalise_many(
            [name, brand_name, *ingredient_names, *indication_names, description]
        ),
    }


def refresh_search_text(product: Product) -> None:
    fields = search_fields(
        name=product.name,
        brand_name=product.brand.name,
        description=product.description,
        ingredient_names=[line.ingredient.name for line in product.composition],
        indication_names=[indication.name for indication in product.indications],
    )
    for column, value in fields.items():
        setattr(product, column, value)


def create_product(
    *,
    sku: str,
    slug: str,
    name: str,
    brand: Brand,
    form: ProductForm | str,
    volume_ml: Decimal | str,
    units_per_pack: int,
    price_cents: int,
    currency: str,
    description: str = "",
    contraindications: str = "",
    composition: Sequence[CompositionLine] = (),
    indications: Sequence[Indication] = (),
    professions: Sequence[Profession | str] = (),
    is_active: bool = True,
) -> Product:
    """Create a product with its composition, indications and buying professions, all checked."""
    if not SKU.match(sku or ""):
        raise _invalid(f"SKU {sku!r} must be 2 to 40 upper-case letters, digits and dashes")
    _check_slug(slug, "product")
    if not name.strip():
        raise _invalid("a product needs a name")
    try:
        form = ProductForm(form)
    except ValueError:
        raise _invalid(f"unknown form {form!r}") from None
    try:
        volume = Decimal(str(volume_ml))
    except InvalidOperation:
        raise _invalid(f"volume {volume_ml!r} is not a number") from None
    if volume <= 0 or volume >= 100_000:
        raise _invalid("volume must be above 0 ml")
    if units_per_pack < 1:
        raise _invalid("a pack holds at least one unit")
    if price_cents < 0:
        raise _invalid("a price cannot be negative")
    if not CURRENCY.match(currency or ""):
        raise _invalid(f"currency {currency!r} must be a three-letter ISO code such as EUR")
    try:
        profession_values = sorted({Profession(p) for p in professions})
    except ValueError as exc:
        raise _invalid(f"unknown profession: {exc}") from None
    if not profession_values:
        raise _invalid("say which professions may buy the product")
    seen: set[int] = set()
    for line in composition:
        if line.ingredient.id in seen:
            raise _invalid(f"{line.ingredient.name} is listed twice in the composition")
        seen.add(line.ingredient.id)
        if (line.concentration_value is None) != (line.concentration_unit is None):
            raise _invalid(
                f"the concentration of {line.ingredient.name} needs both a value and a unit"
            )
        if line.concentration_value is not None and line.concentration_value <= 0:
            raise _invalid(f"the concentration of {line.ingredient.name} must be above zero")
    if find_product_by_sku(sku) is not None:
        raise _invalid(f"SKU {sku} is already in the catalogue")
    if db.session.scalar(select(Product.id).where(Product.slug == slug)) is not None:
        raise _invalid(f"slug {slug} is already in the catalogue")

    with db.session.no_autoflush:  # the product is flushed once, whole
        product = Product(
            sku=sku,
            slug=slug,
            name=name.strip(),
            brand=brand,
            form=form,
            volume_ml=volume,
            units_per_pack=units_per_pack,
            price_cents=price_cents,
            currency=currency,
            description=description.strip(),
            contraindications=contraindications.strip(),
            is_active=is_active,
        )
        product.composition = [
            ProductIngredient(
                ingredient=line.ingredient,
                position=position,
                concentration_value=line.concentration_value,
                concentration_unit=ConcentrationUnit(line.concentration_unit)
                if line.concentration_unit
                else None,
            )
            for position, line in enumerate(composition)
        ]
        product.indications = list(dict.fromkeys(indications))
        product.profession_links = [ProductProfession(profession=p) for p in profession_values]
        refresh_search_text(product)
    db.session.add(product)
    db.session.flush()
    return product
