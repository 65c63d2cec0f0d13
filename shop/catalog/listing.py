"""The catalogue list with its facet counts, in a fixed number of SQL statements.

Filters combine as the design says: several values of one group match any of
them, different groups must all match. A group's facet counts apply every
*other* selected filter and not its own, so siblings stay selectable.

Statements per call, whatever the page size: three for the facet vocabularies,
four for the facet counts, one for the total, one for the page of products
(with brands) and three for the page's compositions, indications and professions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, distinct, func, select, true
from sqlalchemy.orm import joinedload, selectinload

from shop.catalog.enums import SortOrder, TreatmentArea
from shop.catalog.errors import CatalogError
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    product_indications,
)
from shop.catalog.query import FILTER_GROUPS, CatalogQuery
from shop.catalog.search import match_all_words, query_words, relevance_score
from shop.errors import quoted
from shop.extensions import db


@dataclass(frozen=True)
class Term:
    """A value of a facet vocabulary: a brand, an ingredient, an indication or an area."""

    key: int | str  # the database id, or the area's value
    slug: str
    name: str
    extra: str = ""  # ingredient kind, indication area, brand country


@dataclass(frozen=True)
class Vocabulary:
    brand: tuple[Term, ...]
    ingredient: tuple[Term, ...]
    indication: tuple[Term, ...]
    area: tuple[Term, ...]

    def terms(self, group: str) -> tuple[Term, ...]:
        return getattr(self, group)


@dataclass(frozen=True)
class FacetValue:
    slug: str
    name: str
    count: int
    selected: bool
    extra: str = ""


@dataclass(frozen=True)
class IngredientLine:
    slug: str
    name: str
    kind: str
    concentration: str | None


@dataclass(frozen=True)
class IndicationRef:
    slug: str
    name: str
    area: str


@dataclass(frozen=True)
class ProductSummary:
    """A picklable snapshot of a product, everything a list or an API item shows."""

    id: int
    sku: str
    slug: str
    name: str
    brand_slug: str
    brand_name: str
    form: str
    volume_ml: Decimal
    units_per_pack: int
    price_cents: int
    currency: str
    ingredients: tuple[IngredientLine, ...]
    indications: tuple[IndicationRef, ...]
    professions: tuple[str, ...]
    created_at: datetime

    @property
    def areas(self) -> tuple[str, ...]:
        present = {indication.area for indication in self.indications}
        return tuple(area.value for area in TreatmentArea if area.value in present)


@dataclass
class CatalogPage:
    query: CatalogQuery
    items: list[ProductSummary]
    total: int
    facets: dict[str, list[FacetValue]]
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def load_vocabulary() -> Vocabulary:
    brands = db.session.execute(
        select(Brand.id, Brand.slug, Brand.name, Brand.country).order_by(Brand.name)
    ).all()
    ingredients = db.session.execute(
        select(Ingredient.id, Ingredient.slug, Ingredient.name, Ingredient.kind).order_by(
            Ingredient.name
        )
    ).all()
    indications = db.session.execute(
        select(Indication.id, Indication.slug, Indication.name, Indication.area).order_by(
            Indication.name
        )
    ).all()
    return Vocabulary(
        brand=tuple(Term(row.id, row.slug, row.name, row.country or "") for row in brands),
        ingredient=tuple(Term(row.id, row.slug, row.name, row.kind) for row in ingredients),
        indication=tuple(Term(row.id, row.slug, row.name, row.area) for row in indications),
        area=tuple(Term(area.value, area.value, area.label) for area in TreatmentArea),
    )


def _conditions(
    selected: dict[str, list[int | str]], words: list[str]
) -> dict[str, ColumnElement[bool]]:
    """One SQL condition per active filter group (and 'q' for the text)."""
    conditions: dict[str, ColumnElement[bool]] = {}
    if selected.get("ingredient"):
        conditions["ingredient"] = Product.id.in_(
            select(ProductIngredient.product_id).where(
                ProductIngredient.ingredient_id.in_(selected["ingredient"])
            )
        )
    if selected.get("indication"):
        conditions["indication"] = Product.id.in_(
            select(product_indications.c.product_id).where(
                product_indications.c.indication_id.in_(selected["indication"])
            )
        )
    if selected.get("area"):
        conditions["area"] = Product.id.in_(
            select(product_indications.c.product_id)
            .join(Indication, Indication.id == product_indications.c.indication_id)
            .where(Indication.area.in_(selected["area"]))
        )
    if selected.get("brand"):
        conditions["brand"] = Product.brand_id.in_(selected["brand"])
    if words:
        conditions["q"] = match_all_words(Product.search_text, words)
    return conditions


def _where(conditions: dict[str, ColumnElement[bool]], *, skip: str | None = None) -> list:
    return [Product.is_active == true()] + [
        condition for group, condition in conditions.items() if group != skip
    ]


def _facet_statements(conditions: dict[str, ColumnElement[bool]]) -> dict[str, Select]:
    return {
        "ingredient": select(ProductIngredient.ingredient_id, func.count())
        .join(Product, Product.id == ProductIngredient.product_id)
        .where(*_where(conditions, skip="ingredient"))
        .group_by(ProductIngredient.ingredient_id),
        "indication": select(product_indications.c.indication_id, func.count())
        .join(Product, Product.id == product_indications.c.product_id)
        .where(*_where(conditions, skip="indication"))
        .group_by(product_indications.c.indication_id),
        "area": select(Indication.area, func.count(distinct(Product.id)))
        .select_from(product_indications)
        .join(Indication, Indication.id == product_indications.c.indication_id)
        .join(Product, Product.id == product_indications.c.product_id)
        .where(*_where(conditions, skip="area"))
        .group_by(Indication.area),
        "brand": select(Product.brand_id, func.count())
        .where(*_where(conditions, skip="brand"))
        .group_by(Product.brand_id),
    }


def _order_by(sort: SortOrder, words: list[str]) -> list:
    if sort == SortOrder.RELEVANCE and words:
        score = relevance_score(Product.search_name, Product.search_keywords, words)
        return [score.desc(), Product.name, Product.id]
    orders: dict[SortOrder, Callable[[], list]] = {
        SortOrder.RELEVANCE: lambda: [Product.name, Product.id],
        SortOrder.NAME: lambda: [Product.name, Product.id],
        SortOrder.PRICE: lambda: [Product.price_cents, Product.name, Product.id],
        SortOrder.PRICE_DESC: lambda: [Product.price_cents.desc(), Product.name, Product.id],
        SortOrder.NEWEST: lambda: [Product.created_at.desc(), Product.id.desc()],
    }
    return orders[sort]()


def summarise(product: Product) -> ProductSummary:
    """Snapshot a product whose brand, composition, indications and professions are loaded."""
    return ProductSummary(
        id=product.id,
        sku=product.sku,
        slug=product.slug,
        name=product.name,
        brand_slug=product.brand.slug,
        brand_name=product.brand.name,
        form=str(product.form),
        volume_ml=product.volume_ml,
        units_per_pack=product.units_per_pack,
        price_cents=product.price_cents,
        currency=product.currency,
        ingredients=tuple(
            IngredientLine(
                line.ingredient.slug,
                line.ingredient.name,
                str(line.ingredient.kind),
                line.concentration,
            )
            for line in product.composition
        ),
        indications=tuple(
            IndicationRef(indication.slug, indication.name, str(indication.area))
            for indication in product.indications
        ),
        professions=tuple(str(profession) for profession in product.professions),
        created_at=product.created_at,
    )


PRODUCT_LOAD_OPTIONS = (
    joinedload(Product.brand),
    selectinload(Product.composition).joinedload(ProductIngredient.ingredient),
    selectinload(Product.indications),
    selectinload(Product.profession_links),
)


def list_products(query: CatalogQuery, *, strict: bool = True) -> CatalogPage:
    """The page of active products the query selects, its total, and every facet's counts.

    ``strict`` refuses unknown filter values (the API); otherwise they are
    dropped and reported in ``CatalogPage.unknown`` (the HTML page says so).
    """
    vocabulary = load_vocabulary()
    selected: dict[str, list[int | str]] = {}
    unknown: dict[str, tuple[str, ...]] = {}
    effective = query
    for group in FILTER_GROUPS:
        by_slug = {term.slug: term for term in vocabulary.terms(group)}
        wanted = query.selected(group)
        missing = tuple(slug for slug in wanted if slug not in by_slug)
        if missing:
            if strict:
                raise CatalogError(
                    CatalogError.UNKNOWN_FILTER_VALUE, f"unknown {group} {quoted(missing[0])}"
                )
            unknown[group] = missing
            effective = effective.with_filters(group, tuple(s for s in wanted if s in by_slug))
            effective = effective.at_page(query.page)
        selected[group] = [by_slug[slug].key for slug in wanted if slug in by_slug]

    words = query_words(effective.q)
    conditions = _conditions(selected, words)

    counts: dict[str, dict[int | str, int]] = {}
    for group, statement in _facet_statements(conditions).items():
        counts[group] = {key: count for key, count in db.session.execute(statement).all()}

    total = db.session.scalar(select(func.count()).select_from(Product).where(*_where(conditions)))

    page_statement = (
        select(Product)
        .where(*_where(conditions))
        .order_by(*_order_by(effective.sort, words))
        .limit(effective.per_page)
        .offset((effective.page - 1) * effective.per_page)
        .options(*PRODUCT_LOAD_OPTIONS)
    )
    products = db.session.scalars(page_statement).unique().all()

    facets = {
        group: [
            FacetValue(
                slug=term.slug,
                name=term.name,
                count=counts[group].get(term.key, 0),
                selected=term.slug in effective.selected(group),
                extra=term.extra,
            )
            for term in vocabulary.terms(group)
        ]
        for group in FILTER_GROUPS
    }
    return CatalogPage(
        query=effective,
        items=[summarise(product) for product in products],
        total=total or 0,
        facets=facets,
        unknown=unknown,
    )


__all__ = [
    "CatalogPage",
    "FacetValue",
    "IndicationRef",
    "IngredientLine",
    "ProductSummary",
    "Term",
    "Vocabulary",
    "list_products",
    "load_vocabulary",
    "summarise",
]
