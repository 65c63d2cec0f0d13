"""The facet index: every filter combination of the catalogue answered in memory.

Each process keeps one index, built from the database for the catalogue token it
saw (shop.catalog.token) and built again when the token moves. It holds, for the
active products only:

- a position per product, in name order;
- for each value of each filter group (a brand, an ingredient, an indication, a
  treatment area) the set of products that have it, as a bitset: a Python int
  whose bit ``p`` is the product at position ``p``;
- the positions in each sort order.

A query is then a few ANDs and population counts: the matching products are the
AND, over the groups with a selection, of the OR of each group's selected values
(several values of one group match any of them, different groups must all
match); a group's facet counts apply every *other* group's selection and not its
own. Free text stays in the database: its matches come in as a bitset too. The
page's ids are read off the match in the wanted order with numpy.

At 100,000 products a bitset is 12.5 KB, and the index a few megabytes
(``make bench`` prints its size and build time).
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
from cachetools import LRUCache
from flask import Flask, current_app
from sqlalchemy import select, true

from shop.catalog.enums import SortOrder, TreatmentArea
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    product_indications,
)
from shop.catalog.query import FILTER_GROUPS
from shop.catalog.token import current_token
from shop.extensions import db
from shop.metrics import observe_facet_index_build

SUMMARIES_KEPT = 5000  # product summaries per process, under 1 KB each


@dataclass(frozen=True)
class Term:
    """A value of a filter group: a brand, an ingredient, an indication or an area."""

    slug: str
    name: str
    extra: str = ""  # ingredient kind, indication area, brand country


@dataclass(frozen=True)
class Selection:
    """What the index answers for one query."""

    total: int
    counts: Mapping[str, Mapping[str, int]]  # group -> slug -> products it would give
    product_ids: list[int]  # the requested page, in the requested order


@dataclass(frozen=True)
class TextMatch:
    """Products that match a free-text search, with a relevance score each."""

    scores: Mapping[int, int]  # product id -> score


@dataclass(frozen=True)
class FacetIndex:
    token: str
    ids: np.ndarray  # position -> product id (name order)
    positions: Mapping[int, int]  # product id -> position
    terms: Mapping[str, tuple[Term, ...]]  # group -> its values, by name
    bits: Mapping[str, Mapping[str, int]]  # group -> slug -> bitset of positions
    orders: Mapping[SortOrder, np.ndarray]  # sort order -> positions in that order
    built_in: float = 0.0  # seconds
    # What a card shows of a product (shop.catalog.listing.ProductSummary), kept for the
    # products pages have shown: it changes only with the token, and goes with the index.
    summaries: LRUCache = field(
        default_factory=lambda: LRUCache(maxsize=SUMMARIES_KEPT), compare=False, repr=False
    )

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def size_bytes(self) -> int:
        """About what the index keeps (its bitsets, arrays and positions; not the summaries)."""
        bitsets = sum(
            sys.getsizeof(bits) for values in self.bits.values() for bits in values.values()
        )
        arrays = self.ids.nbytes + sum(order.nbytes for order in self.orders.values())
        return bitsets + arrays + sys.getsizeof(self.positions)

    def product_counts(self, group: str) -> dict[str, int]:
        """The number of active products that have each value of the group."""
        return {slug: bits.bit_count() for slug, bits in self.bits[group].items()}

    def knows(self, group: str, slug: str) -> bool:
        return slug in self.bits[group]

    def bitset_of(self, product_ids: Iterable[int]) -> int:
        """The bitset of these products (ids not in the index are left out)."""
        marks = bytearray((self.size + 7) // 8)
        for product_id in product_ids:
            position = self.positions.get(product_id)
            if position is not None:
                marks[position >> 3] |= 1 << (position & 7)
        return int.from_bytes(marks, "little")

    def select(
        self,
        selected: Mapping[str, Iterable[str]],
        *,
        sort: SortOrder = SortOrder.NAME,
        text: TextMatch | None = None,
        offset: int = 0,
        limit: int = 24,
    ) -> Selection:
        """Counts, total and one page of ids for the known slugs ``selected`` per group."""
        everything = (1 << self.size) - 1
        base = everything if text is None else self.bitset_of(text.scores)
        wanted: dict[str, int] = {}
        for group, slugs in selected.items():
            group_bits = self.bits[group]
            union = 0
            for slug in slugs:
                union |= group_bits[slug]
            if slugs:
                wanted[group] = union

        def matching(skip: str | None = None) -> int:
            found = base
            for group, union in wanted.items():
                if group != skip:
                    found &= union
            return found

        result = matching()
        counts = {}
        for group in FILTER_GROUPS:
            others = matching(skip=group) if group in wanted else result
            counts[group] = {
                slug: (others & bits).bit_count() for slug, bits in self.bits[group].items()
            }
        page = self._page(result, sort, text, offset, limit)
        return Selection(result.bit_count(), counts, [int(self.ids[p]) for p in page])

    def _page(
        self, found: int, sort: SortOrder, text: TextMatch | None, offset: int, limit: int
    ) -> list[int]:
        if not found:
            return []
        marks = np.frombuffer(found.to_bytes((self.size + 7) // 8, "little"), dtype=np.uint8)
        member = np.unpackbits(marks, bitorder="little")[: self.size].astype(bool)
        if sort == SortOrder.RELEVANCE and text is not None:
            positions = np.flatnonzero(member)  # in name order: the tie-break
            ids = self.ids[positions]
            scores = np.fromiter((text.scores[int(i)] for i in ids), dtype=np.int64)
            ranked = positions[np.argsort(-scores, kind="stable")]
            return ranked[offset : offset + limit].tolist()
        order = self.orders[sort]
        return order[member[order]][offset : offset + limit].tolist()


def build_index(token: str) -> FacetIndex:
    """The index of the active products as the database has them now, for ``token``.

    The caller reads the token first: data read after it is at least as new, so an
    index is never labelled with a token newer than what it holds.
    """
    started = time.perf_counter()
    products = db.session.execute(
        select(Product.id, Product.name, Product.price_cents, Product.created_at, Brand.slug)
        .join(Brand, Brand.id == Product.brand_id)
        .where(Product.is_active == true())
    ).all()
    products.sort(key=lambda row: (row.name, row.id))
    ids = np.fromiter((row.id for row in products), dtype=np.int64, count=len(products))
    positions = {row.id: position for position, row in enumerate(products)}

    brands = db.session.execute(select(Brand.slug, Brand.name, Brand.country)).all()
    ingredients = db.session.execute(
        select(Ingredient.id, Ingredient.slug, Ingredient.name, Ingredient.kind)
    ).all()
    indications = db.session.execute(
        select(Indication.id, Indication.slug, Indication.name, Indication.area)
    ).all()
    terms = {
        "brand": [Term(row.slug, row.name, row.country or "") for row in brands],
        "ingredient": [Term(row.slug, row.name, str(row.kind)) for row in ingredients],
        "indication": [Term(row.slug, row.name, str(row.area)) for row in indications],
        "area": [Term(area.value, area.label) for area in TreatmentArea],
    }
    ingredient_slug = {row.id: row.slug for row in ingredients}
    indication_slug = {row.id: row.slug for row in indications}
    indication_area = {row.id: str(row.area) for row in indications}

    members: dict[str, dict[str, list[int]]] = {
        group: {term.slug: [] for term in group_terms} for group, group_terms in terms.items()
    }
    for position, row in enumerate(products):
        members["brand"][row.slug].append(position)
    for product_id, ingredient_id in db.session.execute(
        select(ProductIngredient.product_id, ProductIngredient.ingredient_id)
    ):
        if product_id in positions:
            members["ingredient"][ingredient_slug[ingredient_id]].append(positions[product_id])
    for product_id, indication_id in db.session.execute(
        select(product_indications.c.product_id, product_indications.c.indication_id)
    ):
        if product_id in positions:
            members["indication"][indication_slug[indication_id]].append(positions[product_id])
            members["area"][indication_area[indication_id]].append(positions[product_id])

    size = len(products)
    bits = {
        group: {slug: _bitset(found, size) for slug, found in values.items()}
        for group, values in members.items()
    }
    # Positions are in name order, so a stable sort on another key keeps names as the
    # tie-break, as the listing's sorts promise.
    prices = np.fromiter((row.price_cents for row in products), dtype=np.int64, count=size)
    created = np.fromiter(
        (row.created_at.timestamp() for row in products), dtype=np.float64, count=size
    )
    by_name = np.arange(size, dtype=np.int64)
    orders = {
        SortOrder.RELEVANCE: by_name,
        SortOrder.NAME: by_name,
        SortOrder.PRICE: np.argsort(prices, kind="stable"),
        SortOrder.PRICE_DESC: np.argsort(-prices, kind="stable"),
        SortOrder.NEWEST: np.lexsort((-ids, -created)),  # newest first, then the higher id
    }
    return FacetIndex(
        token=token,
        ids=ids,
        positions=positions,
        # Brands, ingredients and indications by name; areas in their own order.
        terms={
            group: tuple(values if group == "area" else sorted(values, key=_by_name))
            for group, values in terms.items()
        },
        bits=bits,
        orders=orders,
        built_in=time.perf_counter() - started,
    )


def _by_name(term: Term) -> tuple[str, str]:
    return term.name.casefold(), term.slug


def _bitset(positions: list[int], size: int) -> int:
    marks = np.zeros((size + 7) // 8 * 8, dtype=bool)
    marks[positions] = True
    return int.from_bytes(np.packbits(marks, bitorder="little").tobytes(), "little")


_building = threading.Lock()


def current_index() -> FacetIndex:
    """This process's index for the catalogue as it is now: one statement (the token)
    when the index is up to date, a rebuild when the token has moved."""
    token = current_token()
    index: FacetIndex | None = current_app.extensions.get("facet_index")
    if index is not None and index.token == token:
        return index
    with _building:  # one build at a time; another thread may have just built it
        index = current_app.extensions.get("facet_index")
        if index is None or index.token != token:
            index = build_index(token)
            current_app.extensions["facet_index"] = index
            observe_facet_index_build(index.built_in, index.size, index.size_bytes)
    return index


def forget_index(app: Flask) -> None:
    app.extensions.pop("facet_index", None)
