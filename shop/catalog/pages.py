"""The part of each catalogue page that every visitor sees alike, built once per catalogue state.

A ``SharedPage`` holds data and HTML fragments that depend on nothing but the
catalogue: listing rows, facet counts, product facts. Its fragments are rendered
by shop.templating.render_shared, which cannot reach the visitor (no request,
session, CSRF token or current user), so a cached page never carries anyone's
price visibility, verdict, token, name or cart. The page a visitor gets is
rendered per request around it (shop.storefront), with live stock.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from flask import url_for
from markupsafe import Markup

from shop.catalog.enums import TreatmentArea
from shop.catalog.listing import list_products
from shop.catalog.presenters import (
    SECTIONS,
    Card,
    UrlBuilder,
    card,
    listing_view,
    product_view,
    section_label,
)
from shop.catalog.query import CatalogQuery
from shop.catalog.services import (
    TermCount,
    get_active_product,
    get_indication,
    get_ingredient,
    list_indications,
    list_ingredients,
)
from shop.templating import render_shared, shared_macro

RELATED_LIMIT = 12


@dataclass(frozen=True)
class CardFacts:
    """A product card's shared part; price and stock are shown per visitor."""

    id: int
    name: str
    price: str
    professions: tuple[str, ...]
    body: Markup  # brand, name, pack, key ingredients, areas
    extra: Markup = Markup()  # what a layer above adds to every card alike (CardExtra)


# What a layer above the catalogue adds to each card, the same for every visitor,
# so it is rendered once per catalogue state with the card: the storefront gives
# the shared part of the cart form. It gets the card and the URL of the page that
# shows it.
CardExtra = Callable[[Card, str], Markup]


@dataclass(frozen=True)
class ProductFacts:
    """What a product page's buy box needs beyond its shared fragments."""

    id: int
    name: str
    price: str
    units_per_pack: int
    professions: tuple[str, ...]


@dataclass(frozen=True)
class SharedPage:
    title: str
    description: str = ""
    parts: Mapping[str, Markup] = field(default_factory=dict)
    cards: tuple[CardFacts, ...] = ()
    product: ProductFacts | None = None
    # Filter values of a listing that name nothing (group: slugs): a renamed or merged
    # term's old slug, which the page's view may redirect.
    unknown: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def product_ids(self) -> list[int]:
        ids = [item.id for item in self.cards]
        return [self.product.id, *ids] if self.product else ids


def _cards(
    cards: list[Card], page_url: str, extra: CardExtra | None, heading_level: int
) -> tuple[CardFacts, ...]:
    body = shared_macro("storefront/shared/card.html", "card_body")
    return tuple(
        CardFacts(
            item.id,
            item.name,
            item.price,
            item.professions,
            Markup(body(card=item, heading_level=heading_level)),
            extra(item, page_url) if extra else Markup(),
        )
        for item in cards
    )


def home_page() -> SharedPage:
    by_area: dict[str, list] = {area.label: [] for area in TreatmentArea}
    urls = UrlBuilder()
    everything = urls.base_query()
    for indication in list_indications():
        by_area[TreatmentArea(indication.detail).label].append(
            (indication, urls.listing(everything.with_filters("indication", (indication.slug,))))
        )
    areas = [
        (
            area.label,
            urls.listing(everything.with_filters("area", (area.value,))),
            by_area[area.label],
        )
        for area in TreatmentArea
    ]
    return SharedPage(
        "Professional mesotherapy supply",
        parts={"main": render_shared("storefront/shared/home.html", "main", areas=areas)},
    )


def listing_page(query: CatalogQuery, card_extra: CardExtra | None = None) -> SharedPage:
    result = list_products(query, strict=False)
    view = listing_view(result)
    template = "storefront/shared/listing.html"
    return SharedPage(
        f"“{query.q}” in the catalogue" if query.q else "Catalogue",
        parts={
            "filters": render_shared(template, "filters", view=view),
            "summary": render_shared(template, "summary", view=view),
            "after": render_shared(template, "after", view=view),
        },
        # Under the page's h1: the results have no heading of their own.
        cards=_cards(view.cards, view.url, card_extra, 2),
        unknown=dict(result.unknown),
    )


def product_page(slug: str) -> SharedPage:
    product = product_view(get_active_product(slug))
    template = "storefront/shared/product.html"
    return SharedPage(
        f"{product.name} by {product.brand_name}",
        f"{product.name}: {product.pack}. {product.description[:150]}",
        parts={
            "breadcrumb": render_shared(template, "breadcrumb", product=product),
            "main": render_shared(template, "main", product=product),
            "facts": render_shared(template, "facts", product=product),
            "buyers": render_shared(template, "buyers", product=product),
        },
        product=ProductFacts(
            product.id, product.name, product.price, product.units_per_pack, product.professions
        ),
    )


TERM_GROUPS: dict[str, tuple[str, str, Callable[[], list[TermCount]]]] = {
    "ingredient": (
        "Ingredients",
        "What the solutions are made of, by kind. Each ingredient lists the products that contain it.",
        list_ingredients,
    ),
    "indication": (
        "Indications",
        "What practitioners treat with mesotherapy, by treatment area.",
        list_indications,
    ),
}


def term_list_page(group: str) -> SharedPage:
    """All ingredients (by kind) or all indications (by area), with their product counts."""
    heading, intro, terms = TERM_GROUPS[group]
    grouped: dict[str, list] = {section.label: [] for section in SECTIONS[group]}
    for term in terms():
        grouped[section_label(group, term.detail)].append(term)
    main = render_shared(
        "storefront/shared/terms.html",
        "term_list",
        heading=heading,
        intro=intro,
        groups=[(label, items) for label, items in grouped.items() if items],
        detail_endpoint=f"storefront.{group}_detail",
    )
    return SharedPage(heading, parts={"main": main})


def term_page(group: str, slug: str, card_extra: CardExtra | None = None) -> SharedPage:
    """An ingredient's or an indication's page: what it is, and products that have it."""
    term = get_ingredient(slug) if group == "ingredient" else get_indication(slug)
    term_url = url_for(f"storefront.{group}_detail", slug=slug)
    urls = UrlBuilder()
    query = urls.base_query().with_filters(group, (slug,))
    page = list_products(replace(query, per_page=RELATED_LIMIT))
    context = {
        "term": {
            "name": term.name,
            "description": term.description,
            "detail": section_label(group, term.kind if group == "ingredient" else term.area),
        },
        "total": page.total,
        "shown": len(page.items),
        "catalogue_url": urls.listing(query),
        "list_endpoint": f"storefront.{group}_list",
        "list_label": TERM_GROUPS[group][0],
    }
    template = "storefront/shared/terms.html"
    return SharedPage(
        f"{term.name}: mesotherapy solutions",
        parts={
            "header": render_shared(template, "term_header", **context),
            "footer": render_shared(template, "term_footer", **context),
        },
        # Under the "N products" heading.
        cards=_cards([card(item, urls) for item in page.items], term_url, card_extra, 3),
    )
