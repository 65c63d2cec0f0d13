"""The public catalogue pages: the shared page from the cache, the visitor's parts per request."""

from __future__ import annotations

from flask import current_app, redirect, request, session, url_for
from markupsafe import Markup

from shop.catalog.cache import cached_with_live, last_seen
from shop.catalog.enums import SlugKind
from shop.catalog.errors import CatalogNotFound
from shop.catalog.pages import (
    home_page,
    listing_page,
    product_page,
    term_list_page,
    term_page,
)
from shop.catalog.presenters import Card, UrlBuilder
from shop.catalog.query import catalog_query_from
from shop.catalog.redirects import find_slug_redirect, find_slug_redirects
from shop.checkout.services import MAX_LINE_QUANTITY
from shop.checkout.visitor import read_stock_with_user, stock_read_with_user
from shop.inventory.services import token_and_stock
from shop.storefront.blueprint import bp
from shop.storefront.rendered import render_page
from shop.storefront.shopper import current_shopper
from shop.templating import render_shared


def card_cart_fields(card: Card, page_url: str) -> Markup:
    """The fields of a card's cart form, the same for every visitor: cached with the card."""
    return render_shared(
        "checkout/shared/card_form.html",
        "card_fields",
        card=card,
        next_url=page_url,
        max_quantity=MAX_LINE_QUANTITY,
    )


def _live(product_ids: list[int]):
    """The token and these products' stock: as the user loader read them, or now."""
    return stock_read_with_user(product_ids) or token_and_stock(product_ids)


def _page(namespace: str, key: str, build):
    """The shared page and the visitor who is looking at its products (with live stock)."""
    seen = last_seen(namespace, key)
    if seen is not None and session:  # a visitor who may be logged in
        # Their user, standing and cart count, the token and the page's stock: one statement.
        read_stock_with_user(seen[1].product_ids)
    # The visitor first: for a logged-in one, the token and stock then come with the
    # user, or join the transaction their read opened instead of taking a second connection.
    shopper = current_shopper()
    page, shopper.stock = cached_with_live(namespace, key, build, _live, seen=seen)
    return page, shopper


def _page_or_redirect(kind: SlugKind, endpoint: str, slug: str, build, template: str):
    """The page of this slug; for a slug that was renamed or merged, a 301 to its new page."""
    try:
        page, shopper = _page(kind.value, slug, build)
    except CatalogNotFound:
        new_slug = find_slug_redirect(kind, slug)
        if new_slug is None:
            raise
        return redirect(url_for(endpoint, slug=new_slug), 301)
    return render_page(template, page, shopper)


def _plain_page(namespace: str, build, template: str) -> str:
    """A shared page without products: nothing on it depends on the visitor but the layout."""
    page, _ = cached_with_live(namespace, "", build, token_and_stock)
    return render_page(template, page)


@bp.get("/")
def home():
    return _plain_page("home", home_page, "storefront/home.html")


@bp.get("/products")
def product_list():
    query = catalog_query_from(request.args, current_app.config)
    page, shopper = _page("products", query.key(), lambda: listing_page(query, card_cart_fields))
    if page.unknown:  # a filter by an old slug (a brand's page, say) goes to the new one
        moved = _renamed_filters(page.unknown)
        if moved:
            return redirect(UrlBuilder().listing(moved(query)), 301)
    return render_page("storefront/product_list.html", page, shopper)


def _renamed_filters(unknown):
    """A function rewriting a query's old slugs to their new ones, or None if none moved."""
    renamed: dict[str, dict[str, str]] = {}
    for group, slugs in unknown.items():
        if group in SlugKind.__members__.values():
            found = find_slug_redirects(SlugKind(group), slugs)
            if found:
                renamed[group] = found
    if not renamed:
        return None

    def rewrite(query):
        for group, found in renamed.items():
            values = tuple(found.get(slug, slug) for slug in query.selected(group))
            query = query.with_filters(group, values).at_page(query.page)
        return query

    return rewrite


@bp.get("/products/<slug>")
def product_detail(slug: str):
    return _page_or_redirect(
        SlugKind.PRODUCT,
        "storefront.product_detail",
        slug,
        lambda: product_page(slug),
        "storefront/product_detail.html",
    )


# The ingredient and indication pages share their templates: only the words differ.
@bp.get("/ingredients")
def ingredient_list():
    return _plain_page(
        "ingredients", lambda: term_list_page("ingredient"), "storefront/term_list.html"
    )


@bp.get("/indications")
def indication_list():
    return _plain_page(
        "indications", lambda: term_list_page("indication"), "storefront/term_list.html"
    )


@bp.get("/ingredients/<slug>")
def ingredient_detail(slug: str):
    return _page_or_redirect(
        SlugKind.INGREDIENT,
        "storefront.ingredient_detail",
        slug,
        lambda: term_page("ingredient", slug, card_cart_fields),
        "storefront/term_detail.html",
    )


@bp.get("/indications/<slug>")
def indication_detail(slug: str):
    return _page_or_redirect(
        SlugKind.INDICATION,
        "storefront.indication_detail",
        slug,
        lambda: term_page("indication", slug, card_cart_fields),
        "storefront/term_detail.html",
    )
