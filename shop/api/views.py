"""Thin JSON routes over the catalogue services, its cache and stock."""

from __future__ import annotations

from flask import current_app, jsonify, request

from shop.api import bp, serializers
from shop.api.openapi import openapi_document
from shop.catalog.cache import cached
from shop.catalog.listing import list_products, summarise
from shop.catalog.query import parse_catalog_query
from shop.catalog.services import (
    get_active_product,
    list_brands,
    list_indications,
    list_ingredients,
)
from shop.inventory.services import availability_for


@bp.get("/products")
def product_list():
    config = current_app.config
    query = parse_catalog_query(
        request.args,
        default_per_page=config["CATALOG_PER_PAGE"],
        max_per_page=config["CATALOG_MAX_PER_PAGE"],
    )
    payload, ids = cached(
        "products-json",
        query.key(),
        lambda: _list_payload(query),
    )
    stock = availability_for(ids)
    items = [
        {**item, "available": stock[product_id].quantity}
        for item, product_id in zip(payload["items"], ids, strict=True)
    ]
    return jsonify({**payload, "items": items})


def _list_payload(query):
    page = list_products(query, strict=True)
    return serializers.product_list(page), [item.id for item in page.items]


@bp.get("/products/<slug>")
def product_detail(slug: str):
    def build():
        product = get_active_product(slug)
        item = serializers.product_item(summarise(product))
        item["description"] = product.description
        item["contraindications"] = product.contraindications
        return item, product.id

    item, product_id = cached("product-json", slug, build)
    return jsonify({**item, "available": availability_for([product_id])[product_id].quantity})


@bp.get("/ingredients")
def ingredient_list():
    return jsonify(
        cached(
            "ingredients-json",
            "",
            lambda: {"items": [serializers.ingredient(t) for t in list_ingredients()]},
        )
    )


@bp.get("/indications")
def indication_list():
    return jsonify(
        cached(
            "indications-json",
            "",
            lambda: {"items": [serializers.indication(t) for t in list_indications()]},
        )
    )


@bp.get("/brands")
def brand_list():
    return jsonify(
        cached("brands-json", "", lambda: {"items": [serializers.brand(t) for t in list_brands()]})
    )


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
