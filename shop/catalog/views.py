"""The public catalogue: thin routes over the listing, the cache and stock.

Each page's main part is rendered once per catalogue state and cached as a
Stencil; a request reads the catalogue token, fills in live stock and wraps
the part in the layout.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import current_app, render_template, request
from markupsafe import Markup

from shop.catalog import bp
from shop.catalog.cache import cached_with_stock
from shop.catalog.enums import TreatmentArea
from shop.catalog.listing import list_products
from shop.catalog.presenters import (
    SECTIONS,
    UrlBuilder,
    card,
    listing_view,
    product_view,
    section_label,
    stock_badge,
    stock_details,
)
from shop.catalog.query import catalog_query_from
from shop.catalog.services import (
    get_active_product,
    get_indication,
    get_ingredient,
    list_indications,
    list_ingredients,
)
from shop.catalog.stencil import Stencil

RELATED_LIMIT = 12


@dataclass(frozen=True)
class CachedPage:
    title: str
    description: str
    main: Stencil

    @property
    def keys(self) -> list[int]:
        return self.main.keys


def _render_main(template: str, title: str, description: str = "", **context) -> CachedPage:
    return CachedPage(title, description, Stencil.from_text(render_template(template, **context)))


def _serve(template: str, namespace: str, key: str, build, fill):
    """The cached main part, its holes filled with live stock, wrapped in the layout."""
    page, stock = cached_with_stock(namespace, key, build)
    main = Markup(page.main.fill(lambda product_id: fill(stock[product_id])))
    return render_template(template, title=page.title, description=page.description, main=main)


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
        return _render_main(
            "catalog/partials/home.html", "Professional mesotherapy supply", areas=areas
        )

    return _serve("catalog/home.html", "home", "", build, stock_badge)


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)

    def build():
        view = listing_view(list_products(query, strict=False))
        title = f"“{query.q}” in the catalogue" if query.q else "Catalogue"
        return _render_main("catalog/partials/product_list.html", title, view=view)

    return _serve("catalog/product_list.html", "products-html", query.key(), build, stock_badge)


@bp.get("/products/<slug>")
def product_detail(slug: str):
    def build():
        product = product_view(get_active_product(slug))
        return _render_main(
            "catalog/partials/product_detail.html",
            f"{product.name} by {product.brand_name}",
            f"{product.name}: {product.pack}. {product.description[:150]}",
            product=product,
        )

    return _serve("catalog/product_detail.html", "product-html", slug, build, stock_details)


def _term_list(group: str, heading: str, intro: str, terms):
    """All ingredients (by kind) or all indications (by area), with their product counts."""

    def build():
        grouped: dict[str, list] = {section.label: [] for section in SECTIONS[group]}
        for term in terms():
            grouped[section_label(group, term.detail)].append(term)
        return _render_main(
            "catalog/partials/term_list.html",
            heading,
            heading=heading,
            intro=intro,
            groups=[(label, items) for label, items in grouped.items() if items],
            detail_endpoint=f"catalog.{group}_detail",
        )

    return _serve(f"catalog/{group}_list.html", f"{group}-list", "", build, stock_badge)


@bp.get("/ingredients")
def ingredient_list():
    return _term_list(
        "ingredient",
        "Ingredients",
        "What the solutions are made of, by kind. Each ingredient lists the products that contain it.",
        list_ingredients,
    )


@bp.get("/indications")
def indication_list():
    return _term_list(
        "indication",
        "Indications",
        "What practitioners treat with mesotherapy, by treatment area.",
        list_indications,
    )


def _term_page(group: str, slug: str, loader):
    """An ingredient's or an indication's page: what it is, and products that have it."""

    def build():
        term = loader(slug)
        urls = UrlBuilder()
        query = urls.base_query().with_filters(group, (slug,))
        page = list_products(replace(query, per_page=RELATED_LIMIT))
        detail = section_label(group, term.kind if group == "ingredient" else term.area)
        return _render_main(
            "catalog/partials/term.html",
            f"{term.name}: mesotherapy solutions",
            group=group,
            term={
                "slug": term.slug,
                "name": term.name,
                "description": term.description,
                "detail": detail,
            },
            cards=[card(item, urls) for item in page.items],
            total=page.total,
            catalogue_url=urls.listing(query),
            list_endpoint=f"catalog.{group}_list",
            list_label="Ingredients" if group == "ingredient" else "Indications",
        )

    return _serve(f"catalog/{group}_detail.html", f"{group}-page", slug, build, stock_badge)


@bp.get("/ingredients/<slug>")
def ingredient_detail(slug: str):
    return _term_page("ingredient", slug, get_ingredient)


@bp.get("/indications/<slug>")
def indication_detail(slug: str):
    return _term_page("indication", slug, get_indication)
