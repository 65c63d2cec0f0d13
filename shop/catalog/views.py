"""The public catalogue: thin routes over the listing, the cache and stock."""

from __future__ import annotations

from dataclasses import replace

from flask import current_app, render_template, request

from shop.catalog import bp
from shop.catalog.cache import cached, current_token
from shop.catalog.enums import IngredientKind, TreatmentArea
from shop.catalog.listing import list_products
from shop.catalog.presenters import UrlBuilder, card, listing_view, product_view
from shop.catalog.query import CatalogQuery, parse_catalog_query
from shop.catalog.services import (
    get_active_product,
    get_indication,
    get_ingredient,
    list_indications,
    list_ingredients,
)
from shop.inventory.services import availability_for

RELATED_LIMIT = 12


def _catalog_query() -> CatalogQuery:
    config = current_app.config
    return parse_catalog_query(
        request.args,
        default_per_page=config["CATALOG_PER_PAGE"],
        max_per_page=config["CATALOG_MAX_PER_PAGE"],
    )


@bp.get("/")
def home():
    def build():
        by_area: dict[str, list] = {area.label: [] for area in TreatmentArea}
        urls = UrlBuilder()
        everything = urls.base_query()
        for indication in list_indications():
            by_area[TreatmentArea(indication.detail).label].append(
                (
                    indication,
                    urls.listing(everything.with_filters("indication", (indication.slug,))),
                )
            )
        areas = [
            (
                area.label,
                urls.listing(everything.with_filters("area", (area.value,))),
                by_area[area.label],
            )
            for area in TreatmentArea
        ]
        return {"areas": areas}

    return render_template("catalog/home.html", **cached("home", "", build))


@bp.get("/products")
def product_list():
    query = _catalog_query()
    view = cached(
        "products-html", query.key(), lambda: listing_view(list_products(query, strict=False))
    )
    stock = availability_for(card.id for card in view.cards)
    return render_template("catalog/product_list.html", view=view, stock=stock)


@bp.get("/products/<slug>")
def product_detail(slug: str):
    view = cached("product-html", slug, lambda: product_view(get_active_product(slug)))
    stock = availability_for([view.id])[view.id]
    return render_template("catalog/product_detail.html", product=view, stock=stock)


@bp.get("/ingredients")
def ingredient_list():
    def build():
        groups = {kind.label: [] for kind in IngredientKind}
        for ingredient in list_ingredients():
            groups[IngredientKind(ingredient.detail).label].append(ingredient)
        return [(label, items) for label, items in groups.items() if items]

    return render_template(
        "catalog/ingredient_list.html", groups=cached("ingredients-html", "", build)
    )


@bp.get("/indications")
def indication_list():
    def build():
        groups = {area.label: [] for area in TreatmentArea}
        for indication in list_indications():
            groups[TreatmentArea(indication.detail).label].append(indication)
        return [(label, items) for label, items in groups.items() if items]

    return render_template(
        "catalog/indication_list.html", groups=cached("indications-html", "", build)
    )


def _term_page(group: str, slug: str, loader):
    """An ingredient's or an indication's page: what it is, and products that have it."""
    token = current_token()

    def build():
        term = loader(slug)
        urls = UrlBuilder()
        query = urls.base_query().with_filters(group, (slug,))
        page = list_products(replace(query, per_page=RELATED_LIMIT))
        return {
            "term": {
                "slug": term.slug,
                "name": term.name,
                "description": term.description,
                "detail": (
                    IngredientKind(term.kind).label
                    if group == "ingredient"
                    else TreatmentArea(term.area).label
                ),
            },
            "cards": [card(item, urls) for item in page.items],
            "total": page.total,
            "catalogue_url": urls.listing(query),
        }

    data = cached(f"{group}-page", slug, build, token=token)
    stock = availability_for(c.id for c in data["cards"])
    return render_template(f"catalog/{group}_detail.html", group=group, stock=stock, **data)


@bp.get("/ingredients/<slug>")
def ingredient_detail(slug: str):
    return _term_page("ingredient", slug, get_ingredient)


@bp.get("/indications/<slug>")
def indication_detail(slug: str):
    return _term_page("indication", slug, get_indication)
