"""The catalogue list with its facet counts: the facet index answers which products and
how many (shop.catalog.facets), free text is matched in the database, and the page's
products are read from it (five statements: products with brands, compositions,
indications, professions, pictures). A product page reads its product the same way,
and its texts in one statement.

Filters combine as the design says: several values of one group match any of
them, different groups must all match. A group's facet counts apply every
*other* selected filter and not its own, so siblings stay selectable.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import bindparam, select, true

from shop.catalog.enums import Profession, TreatmentArea
from shop.catalog.errors import CatalogError, CatalogNotFound
from shop.catalog.facets import FacetIndex, TextMatch, current_index
from shop.catalog.models import (
    Brand,
    CatalogImage,
    Indication,
    Ingredient,
    Product,
    ProductImage,
    ProductIngredient,
    ProductProfession,
    product_indications,
)
from shop.catalog.query import FILTER_GROUPS, CatalogQuery, is_slug
from shop.catalog.search import match_all_words, query_words, relevance_score
from shop.errors import quoted
from shop.extensions import db

AREAS = tuple(area.value for area in TreatmentArea)  # in the enum's order


# Named tuples: a page makes a few hundred of these on every request, and a tuple is
# made several times faster than a frozen dataclass.
class FacetValue(NamedTuple):
    slug: str
    name: str
    count: int
    selected: bool
    extra: str = ""


class IngredientLine(NamedTuple):
    slug: str
    name: str
    kind: str
    concentration: str | None


class IndicationRef(NamedTuple):
    slug: str
    name: str
    area: str


class ImageRef(NamedTuple):
    """One of a product's pictures: its alt text, and the media keys of each width kept."""

    alt_text: str
    width: int
    height: int
    renditions: tuple[
        tuple[int, int, str, str], ...
    ]  # (width, height, WebP, JPEG), narrowest first


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
    images: tuple[ImageRef, ...] = ()

    @property
    def areas(self) -> tuple[str, ...]:
        present = {indication.area for indication in self.indications}
        return tuple(area for area in AREAS if area in present)


@dataclass
class CatalogPage:
    query: CatalogQuery
    items: list[ProductSummary]
    total: int
    facets: dict[str, list[FacetValue]]
    token: str  # the catalogue token the page was answered for
    unknown: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def product_ids(self) -> list[int]:
        return [item.id for item in self.items]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.per_page))


def _renditions(stored: list) -> tuple[tuple[int, int, str, str], ...]:
    return tuple((width, height, webp, jpeg) for width, height, webp, jpeg in stored)


def find_text_matches(words: list[str]) -> TextMatch:
    """Active products whose search text has every word, each with its relevance score."""
    score = relevance_score(Product.search_name, Product.search_keywords, words)
    rows = db.session.execute(
        select(Product.id, score).where(
            Product.is_active == true(), match_all_words(Product.search_text, words)
        )
    )
    return TextMatch({product_id: points for product_id, points in rows})


# A listing reads these for up to a hundred products on every request: built once.
_IDS = bindparam("ids", expanding=True)
_PRODUCTS = (
    select(
        Product.id,
        Product.sku,
        Product.slug,
        Product.name,
        Brand.slug.label("brand_slug"),
        Brand.name.label("brand_name"),
        Product.form,
        Product.volume_ml,
        Product.units_per_pack,
        Product.price_cents,
        Product.currency,
        Product.created_at,
    )
    .join(Brand, Brand.id == Product.brand_id)
    .where(Product.id.in_(_IDS))
)
_COMPOSITIONS = (
    select(
        ProductIngredient.product_id,
        Ingredient.slug,
        Ingredient.name,
        Ingredient.kind,
        ProductIngredient.concentration_value,
        ProductIngredient.concentration_unit,
    )
    .join(Ingredient, Ingredient.id == ProductIngredient.ingredient_id)
    .where(ProductIngredient.product_id.in_(_IDS))
    .order_by(ProductIngredient.product_id, ProductIngredient.position)
)
_INDICATIONS = (
    select(product_indications.c.product_id, Indication.slug, Indication.name, Indication.area)
    .join(Indication, Indication.id == product_indications.c.indication_id)
    .where(product_indications.c.product_id.in_(_IDS))
    .order_by(Indication.name)
)
_PROFESSIONS = select(ProductProfession.product_id, ProductProfession.profession).where(
    ProductProfession.product_id.in_(_IDS)
)
# Every picture of the page's products in one statement, never one per card.
_IMAGES = (
    select(
        ProductImage.product_id,
        ProductImage.alt_text,
        CatalogImage.width,
        CatalogImage.height,
        CatalogImage.renditions,
    )
    .join(CatalogImage, CatalogImage.id == ProductImage.image_id)
    .where(ProductImage.product_id.in_(_IDS))
    .order_by(ProductImage.product_id, ProductImage.position)
)


PROFESSIONS = tuple(profession.value for profession in Profession)  # in the enum's order


def _concentration(value: Decimal | None, unit: str | None) -> str | None:
    return None if value is None else f"{format(value.normalize(), 'f')} {unit}"


def load_summaries(product_ids: list[int], index: FacetIndex) -> list[ProductSummary]:
    """These products' summaries, in the order given: kept with the facet index, or read
    in five statements (the products with their brands, the compositions, the
    indications, the professions and the pictures) and kept there.

    Reading them took two thirds of a listing's time (bench/README.md). A summary is
    the same for every visitor and changes only with the catalogue token, so it lives
    as long as the index of that token. Flask-Caching was tried first: its backends
    pickle, and unpickling a page's summaries took a fifth of an API request.
    """
    with _keeping:
        kept = {product_id: index.summaries.get(product_id) for product_id in product_ids}
    missing = [product_id for product_id, summary in kept.items() if summary is None]
    if missing:
        read = read_summaries(missing)
        with _keeping:
            for summary in read:
                index.summaries[summary.id] = summary
        kept.update((summary.id, summary) for summary in read)
    return [kept[product_id] for product_id in product_ids]


_keeping = threading.Lock()  # an LRUCache is not thread-safe (the development server is)


def read_summaries(product_ids: list[int]) -> list[ProductSummary]:
    """These products' summaries from the database, in any order."""
    ids = {"ids": product_ids}
    ingredients: dict[int, list[IngredientLine]] = {product_id: [] for product_id in product_ids}
    for row in db.session.execute(_COMPOSITIONS, ids):
        ingredients[row.product_id].append(
            IngredientLine(
                row.slug,
                row.name,
                str(row.kind),
                _concentration(row.concentration_value, row.concentration_unit),
            )
        )
    indications: dict[int, list[IndicationRef]] = {product_id: [] for product_id in product_ids}
    for row in db.session.execute(_INDICATIONS, ids):
        indications[row.product_id].append(IndicationRef(row.slug, row.name, str(row.area)))
    allowed: dict[int, set[str]] = {product_id: set() for product_id in product_ids}
    for product_id, profession in db.session.execute(_PROFESSIONS, ids):
        allowed[product_id].add(str(profession))
    images: dict[int, list[ImageRef]] = {product_id: [] for product_id in product_ids}
    for row in db.session.execute(_IMAGES, ids):
        images[row.product_id].append(
            ImageRef(row.alt_text, row.width, row.height, _renditions(row.renditions))
        )
    return [
        ProductSummary(
            id=row.id,
            sku=row.sku,
            slug=row.slug,
            name=row.name,
            brand_slug=row.brand_slug,
            brand_name=row.brand_name,
            form=str(row.form),
            volume_ml=row.volume_ml,
            units_per_pack=row.units_per_pack,
            price_cents=row.price_cents,
            currency=row.currency,
            ingredients=tuple(ingredients[row.id]),
            indications=tuple(indications[row.id]),
            professions=tuple(p for p in PROFESSIONS if p in allowed[row.id]),
            created_at=row.created_at,
            images=tuple(images[row.id]),
        )
        for row in db.session.execute(_PRODUCTS, ids)
    ]


def list_products(query: CatalogQuery, *, strict: bool = True) -> CatalogPage:
    """The page of active products the query selects, its total, and every facet's counts.

    ``strict`` refuses unknown filter values (the API); otherwise they are
    dropped and reported in ``CatalogPage.unknown`` (the HTML page says so).
    """
    index = current_index()
    selected: dict[str, list[str]] = {}
    unknown: dict[str, tuple[str, ...]] = {}
    effective = query
    for group in FILTER_GROUPS:
        wanted = query.selected(group)
        known = [slug for slug in wanted if index.knows(group, slug)]
        if len(known) < len(wanted):
            missing = tuple(slug for slug in wanted if slug not in known)
            if strict:
                raise CatalogError(
                    CatalogError.UNKNOWN_FILTER_VALUE, f"unknown {group} {quoted(missing[0])}"
                )
            unknown[group] = missing
            effective = effective.with_filters(group, tuple(known)).at_page(query.page)
        selected[group] = known

    words = query_words(effective.q)
    found = index.select(
        selected,
        sort=effective.sort,
        text=find_text_matches(words) if words else None,
        offset=(effective.page - 1) * effective.per_page,
        limit=effective.per_page,
    )
    facets = {
        group: [
            FacetValue(
                slug=term.slug,
                name=term.name,
                count=found.counts[group][term.slug],
                selected=term.slug in effective.selected(group),
                extra=term.extra,
            )
            for term in index.terms[group]
        ]
        for group in FILTER_GROUPS
    }
    return CatalogPage(
        query=effective,
        items=load_summaries(found.product_ids, index),
        total=found.total,
        facets=facets,
        token=index.token,
        unknown=unknown,
    )


@dataclass(frozen=True)
class ProductDetail:
    """What a product's page shows of it: its summary, kept with the index like a
    listing's, and the texts only its own page shows."""

    summary: ProductSummary
    description: str
    contraindications: str
    token: str  # the catalogue token it was read for


_PRODUCT_TEXTS = select(Product.id, Product.description, Product.contraindications).where(
    Product.slug == bindparam("slug"), Product.is_active == true()
)


def get_product_detail(slug: str) -> ProductDetail:
    """The active product with this slug: the token, one statement for its id and texts,
    and its summary (five more when no page has shown it since the token moved).

    A value that is no slug names nothing: it is refused without a query, so that any
    text (a NUL, which PostgreSQL refuses, or 100 KB) answers alike everywhere.
    """
    index = current_index()
    row = db.session.execute(_PRODUCT_TEXTS, {"slug": slug}).first() if is_slug(slug) else None
    if row is None:
        raise CatalogNotFound(
            CatalogError.PRODUCT_NOT_FOUND, f"no product {quoted(slug)} in the catalogue"
        )
    [summary] = load_summaries([row.id], index)
    return ProductDetail(summary, row.description, row.contraindications, index.token)
