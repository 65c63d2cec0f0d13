"""JSON shapes of the API, as the OpenAPI document describes them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from shop.catalog.listing import CatalogPage, ImageRef, ProductSummary
from shop.catalog.query import FILTER_GROUPS
from shop.catalog.services import TermCount
from shop.inventory.services import StockLevel


def number(value: Decimal) -> int | float:
    """2.50 → 2.5 and 5.00 → 5: JSON numbers, not the strings Flask makes of Decimals."""
    return int(value) if value == value.to_integral_value() else float(value)


def image_item(image: ImageRef, media_url: Callable[[str, str], str]) -> dict[str, Any]:
    """A picture: its alt text, and each width kept as WebP and JPEG (narrowest first)."""
    return {
        "alt": image.alt_text,
        "width": image.width,
        "height": image.height,
        "sizes": [
            {
                "width": width,
                "height": height,
                "webp": media_url(webp, "webp"),
                "jpeg": media_url(jpeg, "jpg"),
            }
            for width, height, webp, jpeg in image.renditions
        ],
    }


def product_item(
    summary: ProductSummary,
    stock: Mapping[int, StockLevel],
    media_url: Callable[[str, str], str],
    *,
    show_price: bool = True,
    tax_label: str = "",
) -> dict[str, Any]:
    """A product as the API gives it; ``price`` and ``available`` are null where prices
    and stock are hidden from the caller (PRICES_VISIBLE_TO). ``tax_label``: what a
    price includes ("excl. VAT")."""
    return {
        "sku": summary.sku,
        "slug": summary.slug,
        "name": summary.name,
        "brand": {"slug": summary.brand_slug, "name": summary.brand_name},
        "form": summary.form,
        "volume_ml": number(summary.volume_ml),
        "units_per_pack": summary.units_per_pack,
        "price": (
            {
                "amount_cents": summary.price_cents,
                "currency": summary.currency,
                "includes_tax": tax_label.startswith("incl."),
                "tax_label": tax_label,
            }
            if show_price
            else None
        ),
        "ingredients": [
            {"slug": line.slug, "name": line.name, "concentration": line.concentration}
            for line in summary.ingredients
        ],
        "indications": [
            {"slug": ref.slug, "name": ref.name, "area": ref.area} for ref in summary.indications
        ],
        "professions": list(summary.professions),
        "available": stock[summary.id].quantity if show_price else None,
        "images": [image_item(image, media_url) for image in summary.images],
    }


def product_list(
    page: CatalogPage,
    stock: Mapping[int, StockLevel],
    media_url: Callable[[str, str], str],
    *,
    show_price: bool = True,
    tax_label: str = "",
) -> dict[str, Any]:
    return {
        "items": [
            product_item(item, stock, media_url, show_price=show_price, tax_label=tax_label)
            for item in page.items
        ],
        "total": page.total,
        "page": page.query.page,
        "per_page": page.query.per_page,
        "facets": {
            group: [
                {"slug": value.slug, "name": value.name, "count": value.count}
                for value in page.facets[group]
            ]
            for group in FILTER_GROUPS
        },
    }


def vocabulary_item(term: TermCount, detail: str) -> dict[str, Any]:
    """An ingredient (detail "kind"), an indication ("area") or a brand ("country", may be null)."""
    return {
        "slug": term.slug,
        "name": term.name,
        detail: term.detail or None,
        "description": term.description,
        "product_count": term.product_count,
    }
