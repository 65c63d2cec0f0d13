"""Thin JSON routes over the catalogue services, its cache and stock.

Answers are serialised once per catalogue state and cached as a Stencil with
a hole for each product's ``available``; a request only fills in live stock.
"""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request

from shop.api import bp, serializers
from shop.api.openapi import openapi_document
from shop.catalog.cache import cached_with_stock
from shop.catalog.listing import list_products, summarise
from shop.catalog.query import catalog_query_from
from shop.catalog.services import (
    get_active_product,
    list_brands,
    list_indications,
    list_ingredients,
)
from shop.catalog.stencil import Stencil, hole


def _stencil(payload: Any) -> Stencil:
    return Stencil.from_json(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def _respond(namespace: str, key: str, build):
    """The cached answer, its holes filled with each product's sellable packs."""
    stencil, stock = cached_with_stock(namespace, key, build)
    body = stencil.fill(lambda product_id: str(stock[product_id].quantity))
    return current_app.response_class(body, mimetype="application/json")


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)

    def build() -> Stencil:
        page = list_products(query, strict=True)
        payload = serializers.product_list(page)
        for item, summary in zip(payload["items"], page.items, strict=True):
            item["available"] = hole(summary.id)
        return _stencil(payload)

    return _respond("products-json", query.key(), build)


@bp.get("/products/<slug>")
def product_detail(slug: str):
    def build() -> Stencil:
        product = get_active_product(slug)
        item = serializers.product_item(summarise(product))
        item["available"] = hole(product.id)
        item["description"] = product.description
        item["contraindications"] = product.contraindications
        return _stencil(item)

    return _respond("product-json", slug, build)


@bp.get("/ingredients")
def ingredient_list():
    return _respond(
        "ingredients-json",
        "",
        lambda: _stencil(
            {"items": [serializers.vocabulary_item(t, "kind") for t in list_ingredients()]}
        ),
    )


@bp.get("/indications")
def indication_list():
    return _respond(
        "indications-json",
        "",
        lambda: _stencil(
            {"items": [serializers.vocabulary_item(t, "area") for t in list_indications()]}
        ),
    )


@bp.get("/brands")
def brand_list():
    return _respond(
        "brands-json",
        "",
        lambda: _stencil(
            {"items": [serializers.vocabulary_item(t, "country") for t in list_brands()]}
        ),
    )


@bp.get("/openapi.json")
def openapi():
    return current_app.response_class(json.dumps(openapi_document()), mimetype="application/json")
