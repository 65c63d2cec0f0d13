"""Thin JSON routes over the catalogue services, its cache and stock.

Each answer is serialised once per catalogue state and cached in pieces: one
piece per product, ending where its live ``available`` goes. A request joins the
pieces around each product's sellable packs. The pieces are JSON from
``json.dumps``, so no marker and no forbidden character is needed to find the gaps.

The API is anonymous: with PRICES_VISIBLE_TO=verified, every caller gets
``price: null`` and ``available: null``, as the OpenAPI document allows.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, request

from shop.api import serializers
from shop.api.blueprint import bp
from shop.api.openapi import openapi_document
from shop.catalog.cache import cached_with_live
from shop.catalog.listing import list_products, summarise
from shop.catalog.query import catalog_query_from
from shop.catalog.services import (
    get_active_product,
    list_brands,
    list_indications,
    list_ingredients,
)
from shop.inventory.services import token_and_stock


def _dumps(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class CachedJson:
    """``opening``, then each product's JSON object whose last member is ``available``,
    separated by commas, then ``closing``. Each piece is the object up to and including
    ``"available":``, so a request only appends the value and the closing brace."""

    opening: str
    pieces: tuple[tuple[int, str], ...] = ()
    closing: str = ""

    @property
    def product_ids(self) -> list[int]:
        return [product_id for product_id, _ in self.pieces]

    @classmethod
    def of(cls, opening: str, items: list[tuple[int, dict]], closing: str) -> CachedJson:
        # An object without "available" ends in "}": open it again for that last member.
        pieces = tuple((pid, _dumps(item)[:-1] + ',"available":') for pid, item in items)
        return cls(opening, pieces, closing)

    def fill(self, available: Callable[[int], str]) -> str:
        items = ",".join(f"{piece}{available(pid)}}}" for pid, piece in self.pieces)
        return f"{self.opening}{items}{self.closing}"


def _prices_shown() -> bool:
    """Anonymous callers see prices and stock unless they are for verified professionals only."""
    return current_app.config["PRICES_VISIBLE_TO"] == "everyone"


def _respond(namespace: str, key: str, build: Callable[[bool], CachedJson]):
    shown = _prices_shown()
    # The audience is part of the key: an answer without prices is another answer.
    answer, stock = cached_with_live(
        namespace,
        f"{'prices' if shown else 'no-prices'}|{key}",
        lambda: build(shown),
        token_and_stock,
    )
    if shown:
        body = answer.fill(lambda product_id: str(stock[product_id].quantity))
    else:
        body = answer.fill(lambda _product_id: "null")
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)

    def build(shown: bool) -> CachedJson:
        page = list_products(query, strict=True)
        payload = serializers.product_list(page, show_price=shown)
        items = payload.pop("items")
        rest = _dumps(payload)  # '{"total":...}': the items go first, then the rest
        return CachedJson.of(
            '{"items":[',
            [(summary.id, item) for summary, item in zip(page.items, items, strict=True)],
            "]," + rest[1:],
        )

    return _respond("products-json", query.key(), build)


@bp.get("/products/<slug>")
def product_detail(slug: str):
    def build(shown: bool) -> CachedJson:
        product = get_active_product(slug)
        item = serializers.product_item(summarise(product), show_price=shown)
        item["description"] = product.description
        item["contraindications"] = product.contraindications
        return CachedJson.of("", [(product.id, item)], "")

    return _respond("product-json", slug, build)


def _vocabulary(namespace: str, terms, detail: str):
    return _respond(
        namespace,
        "",
        lambda _shown: CachedJson(
            _dumps({"items": [serializers.vocabulary_item(t, detail) for t in terms()]})
        ),
    )


@bp.get("/ingredients")
def ingredient_list():
    return _vocabulary("ingredients-json", list_ingredients, "kind")


@bp.get("/indications")
def indication_list():
    return _vocabulary("indications-json", list_indications, "area")


@bp.get("/brands")
def brand_list():
    return _vocabulary("brands-json", list_brands, "country")


@bp.get("/openapi.json")
def openapi():
    return current_app.response_class(json.dumps(openapi_document()), mimetype="application/json")
