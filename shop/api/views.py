"""Thin JSON routes over the catalogue services and the stock.

The API is anonymous: with PRICES_VISIBLE_TO=verified, every caller gets
``price: null`` and ``available: null``, as the OpenAPI document allows. Each answer
carries an ETag made of the catalogue token and the stock it shows, and a
conditional GET whose copy is current gets a 304 (shop.http_caching).
"""

from __future__ import annotations

import json

from flask import current_app, jsonify, request

from shop.api import serializers
from shop.api.blueprint import bp
from shop.api.openapi import openapi_document
from shop.catalog.listing import get_product_detail, list_products
from shop.catalog.presenters import UrlBuilder
from shop.catalog.query import catalog_query_from
from shop.catalog.services import (
    list_brands,
    list_indications,
    list_ingredients,
)
from shop.catalog.token import current_token
from shop.http_caching import public_etag, unchanged, with_etag
from shop.inventory.services import availability_for
from shop.tax.seller import price_label


def _prices_shown() -> bool:
    """Anonymous callers see prices and stock unless they are for verified professionals only."""
    return current_app.config["PRICES_VISIBLE_TO"] == "everyone"


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)
    page = list_products(query, strict=True)
    stock = availability_for(page.product_ids)
    etag = public_etag(page.token, stock)
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    payload = serializers.product_list(
        page,
        stock,
        UrlBuilder().media,
        show_price=_prices_shown(),
        tax_label=price_label(current_app.config),
    )
    return with_etag(jsonify(payload), etag)


@bp.get("/products/<slug>")
def product_detail(slug: str):
    detail = get_product_detail(slug)
    stock = availability_for([detail.summary.id])
    etag = public_etag(detail.token, stock)
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    item = serializers.product_item(
        detail.summary,
        stock,
        UrlBuilder().media,
        show_price=_prices_shown(),
        tax_label=price_label(current_app.config),
    )
    item["description"] = detail.description
    item["contraindications"] = detail.contraindications
    return with_etag(jsonify(item), etag)


def _vocabulary(terms, detail: str):
    etag = public_etag(current_token())
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    items = [serializers.vocabulary_item(term, detail) for term in terms()]
    return with_etag(jsonify({"items": items}), etag)


@bp.get("/ingredients")
def ingredient_list():
    return _vocabulary(list_ingredients, "kind")


@bp.get("/indications")
def indication_list():
    return _vocabulary(list_indications, "area")


@bp.get("/brands")
def brand_list():
    return _vocabulary(list_brands, "country")


@bp.get("/openapi.json")
def openapi():
    return current_app.response_class(json.dumps(openapi_document()), mimetype="application/json")
