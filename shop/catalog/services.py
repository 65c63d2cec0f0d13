"""Catalogue rules: reading products, and creating them consistently.

Services flush and never commit; the caller owns the transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from shop.catalog.enums import (
    ConcentrationUnit,
    IngredientKind,
    ProductForm,
    Profession,
    TaxClass,
    TreatmentArea,
)
from shop.catalog.errors import CatalogError, CatalogNotFound
from shop.catalog.facets import current_index
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    ProductProfession,
)
from shop.catalog.query import SLUG, is_slug
from shop.catalog.search import normalise_many
from shop.errors import quoted
from shop.extensions import db

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


def _by_slug(statement, slug: str, code: str, message: str):
    """The row the statement finds for this slug, or CatalogNotFound.

    A value that is no slug names nothing: it is refused without a query, so that
    any text (a NUL, which PostgreSQL refuses, or 100 KB) answers alike everywhere.
    """
    row = db.session.scalar(statement) if is_slug(slug) else None
    if row is None:
        raise CatalogNotFound(code, message.format(quoted(slug)))
    return row


def get_ingredient(slug: str) -> Ingredient:
    return _by_slug(
        select(Ingredient).where(Ingredient.slug == slug),
        slug,
        CatalogError.NOT_FOUND,
        "no ingredient {}",
    )


def get_indication(slug: str) -> Indication:
    return _by_slug(
        select(Indication).where(Indication.slug == slug),
        slug,
        CatalogError.NOT_FOUND,
        "no indication {}",
    )


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


def _with_product_counts(model, group: str, detail) -> list[TermCount]:
    """Every row of a vocabulary, by name, with the number of active products that have
    it (counted by the facet index)."""
    counts = current_index().product_counts(group)
    terms = db.session.scalars(select(model).order_by(model.name))
    return [
        TermCount(term.slug, term.name, detail(term), term.description, counts.get(term.slug, 0))
        for term in terms
    ]


def list_ingredients() -> list[TermCount]:
    """Every ingredient (detail: its kind) with the number of active products that contain it."""
    return _with_product_counts(Ingredient, "ingredient", lambda i: str(i.kind))


def list_indications() -> list[TermCount]:
    """Every indication (detail: its area) with the number of active products that treat it."""
    return _with_product_counts(Indication, "indication", lambda i: str(i.area))


def list_brands() -> list[TermCount]:
    """Every brand (detail: its country) with its number of active products."""
    return _with_product_counts(Brand, "brand", lambda b: b.country or "")


# Writes --------------------------------------------------------------------


def _check_slug(slug: str, what: str) -> str:
    if not SLUG.match(slug or "") or len(slug) > 80:
        raise _invalid(
            f"{what} slug {quoted(slug)} must be lower-case letters, digits and single dashes"
        )
    return slug


# Control characters have no place in catalogue text (and cached pages use two as markers).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(
    value: str | None, what: str, *, required: bool = False, max_length: int | None = None
) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(f"{what} is required")
    if max_length is not None and len(text) > max_length:
        raise _invalid(f"{what} is limited to {max_length} characters")
    if _CONTROL.search(text):
        raise _invalid(f"{what} contains control characters")
    return text


def _unique_slug(model, slug: str, what: str) -> str:
    _check_slug(slug, what)
    if db.session.scalar(select(model.id).where(model.slug == slug)) is not None:
        raise _invalid(f"{what} slug {slug} is already taken")
    return slug


def create_brand(
    *, slug: str, name: str, country: str | None = None, description: str = ""
) -> Brand:
    if country is not None and not re.fullmatch(r"[A-Z]{2}", country):
        raise _invalid(f"country {quoted(country)} must be a two-letter ISO code such as ES")
    brand = Brand(
        slug=_unique_slug(Brand, slug, "brand"),
        name=_text(name, "a brand's name", required=True, max_length=120),
        country=country,
        description=_text(description, "a brand's description"),
    )
    db.session.add(brand)
    db.session.flush()
    return brand


def create_ingredient(
    *, slug: str, name: str, kind: IngredientKind | str, description: str = ""
) -> Ingredient:
    try:
        kind = IngredientKind(kind)
    except ValueError:
        raise _invalid(f"unknown ingredient kind {quoted(kind)}") from None
    ingredient = Ingredient(
        slug=_unique_slug(Ingredient, slug, "ingredient"),
        name=_text(name, "an ingredient's name", required=True, max_length=120),
        kind=kind,
        description=_text(description, "an ingredient's description"),
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
        raise _invalid(f"unknown treatment area {quoted(area)}") from None
    indication = Indication(
        slug=_unique_slug(Indication, slug, "indication"),
        name=_text(name, "an indication's name", required=True, max_length=120),
        area=area,
        description=_text(description, "an indication's description"),
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
    weight_g: int = 0,
    requires_cold_chain: bool = False,
    tax_class: TaxClass = TaxClass.STANDARD,
) -> Product:
    """Create a product with its composition, indications and buying professions, all checked."""
    if not SKU.match(sku or ""):
        raise _invalid(f"SKU {quoted(sku)} must be 2 to 40 upper-case letters, digits and dashes")
    _check_slug(slug, "product")
    name = _text(name, "a product's name", required=True, max_length=160)
    description = _text(description, "a product's description")
    contraindications = _text(contraindications, "a product's contraindications")
    try:
        form = ProductForm(form)
    except ValueError:
        raise _invalid(f"unknown form {quoted(form)}") from None
    try:
        volume = Decimal(str(volume_ml))
    except InvalidOperation:
        raise _invalid(f"volume {quoted(volume_ml)} is not a number") from None
    if volume <= 0 or volume >= 100_000:
        raise _invalid("volume must be above 0 ml")
    if units_per_pack < 1:
        raise _invalid("a pack holds at least one unit")
    if price_cents < 0:
        raise _invalid("a price cannot be negative")
    if weight_g < 0:
        raise _invalid("a weight cannot be negative")
    if not CURRENCY.match(currency or ""):
        raise _invalid(f"currency {quoted(currency)} must be a three-letter ISO code such as EUR")
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
            name=name,
            brand=brand,
            form=form,
            volume_ml=volume,
            units_per_pack=units_per_pack,
            price_cents=price_cents,
            currency=currency,
            description=description,
            contraindications=contraindications,
            is_active=is_active,
            weight_g=weight_g,
            requires_cold_chain=requires_cold_chain,
            tax_class=tax_class,
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
