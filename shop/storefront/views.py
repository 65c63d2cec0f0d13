"""The public catalogue pages.

Each page reads what it shows (the catalogue through its facet index and services,
the stock of its products, the visitor's standing at the gate) and renders its
template. A visitor without a session gets an ETag made of the catalogue token and
the stock shown, and a 304 when their copy is current (shop.http_caching).
"""

from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from shop.catalog.enums import SlugKind
from shop.catalog.errors import CatalogNotFound
from shop.catalog.listing import CatalogPage, get_product_detail, list_products
from shop.catalog.presenters import (
    RELATED_LIMIT,
    TERM_GROUPS,
    UrlBuilder,
    home_view,
    listing_view,
    product_view,
    term_sections,
    term_view,
)
from shop.catalog.query import CatalogQuery, catalog_query_from
from shop.catalog.redirects import find_slug_redirect, find_slug_redirects
from shop.catalog.services import (
    get_indication,
    get_ingredient,
    list_indications,
    list_ingredients,
)
from shop.catalog.token import current_token
from shop.http_caching import public_etag, unchanged, with_etag
from shop.inventory.services import availability_for
from shop.storefront.blueprint import bp
from shop.storefront.shopper import shopper


def _visitor():
    return None if current_user.is_anonymous else current_user


def _page(etag: str, template: str, **context):
    return with_etag(make_response(render_template(template, **context)), etag)


@bp.get("/")
def home():
    etag = public_etag(current_token())
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    return _page(etag, "storefront/home.html", areas=home_view(list_indications()))


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)
    page = list_products(query, strict=False)
    if page.unknown:  # a filter by an old slug (a brand's page, say) goes to the new one
        moved = _with_renamed_slugs(query, page)
        if moved is not None:
            return redirect(UrlBuilder().listing(moved), 301)
    stock = availability_for(page.product_ids)
    etag = public_etag(page.token, stock)
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    return _page(
        etag,
        "storefront/product_list.html",
        view=listing_view(page),
        shopper=shopper(_visitor(), stock),
    )


def _with_renamed_slugs(query: CatalogQuery, page: CatalogPage) -> CatalogQuery | None:
    """The query with the new slugs of renamed or merged filter values; None if none moved."""
    moved = query
    for group, slugs in page.unknown.items():
        renamed = find_slug_redirects(SlugKind(group), slugs) if group != "area" else {}
        if renamed:
            values = tuple(renamed.get(slug, slug) for slug in query.selected(group))
            moved = moved.with_filters(group, values).at_page(query.page)
    return None if moved == query else moved


@bp.get("/products/<slug>")
def product_detail(slug: str):
    try:
        detail = get_product_detail(slug)
    except CatalogNotFound as not_found:
        return _moved_or(not_found, SlugKind.PRODUCT, "storefront.product_detail", slug)
    stock = availability_for([detail.summary.id])
    etag = public_etag(detail.token, stock)
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    return _page(
        etag,
        "storefront/product_detail.html",
        product=product_view(detail),
        shopper=shopper(_visitor(), stock),
    )


def _moved_or(not_found: CatalogNotFound, kind: SlugKind, endpoint: str, slug: str):
    """For a slug that was renamed or merged, a 301 to its new page; else the 404."""
    new_slug = find_slug_redirect(kind, slug)
    if new_slug is None:
        raise not_found
    return redirect(url_for(endpoint, slug=new_slug), 301)


# The ingredient and indication pages share their templates: only the words differ.
@bp.get("/ingredients")
def ingredient_list():
    return _term_list("ingredient", list_ingredients)


@bp.get("/indications")
def indication_list():
    return _term_list("indication", list_indications)


def _term_list(group: str, terms):
    etag = public_etag(current_token())
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    return _page(
        etag,
        "storefront/term_list.html",
        group=TERM_GROUPS[group],
        sections=term_sections(group, terms()),
    )


@bp.get("/ingredients/<slug>")
def ingredient_detail(slug: str):
    return _term_detail("ingredient", get_ingredient, SlugKind.INGREDIENT, slug)


@bp.get("/indications/<slug>")
def indication_detail(slug: str):
    return _term_detail("indication", get_indication, SlugKind.INDICATION, slug)


def _term_detail(group: str, get_term, kind: SlugKind, slug: str):
    try:
        term = get_term(slug)
    except CatalogNotFound as not_found:
        return _moved_or(not_found, kind, f"storefront.{group}_detail", slug)
    query = CatalogQuery(filters={group: (slug,)}, per_page=RELATED_LIMIT)
    page = list_products(query)
    stock = availability_for(page.product_ids)
    etag = public_etag(page.token, stock)
    if (not_modified := unchanged(etag)) is not None:
        return not_modified
    return _page(
        etag,
        "storefront/term_detail.html",
        term=term_view(group, term, page),
        shopper=shopper(_visitor(), stock),
    )
