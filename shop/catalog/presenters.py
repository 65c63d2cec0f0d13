"""What the catalogue's pages show, prepared for their templates: URLs, formatted prices,
labels, facet links. Nothing here depends on the visitor; the storefront adds the
visitor's stock, prices and verdicts (shop.storefront)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple
from urllib.parse import quote, urlencode

from flask import current_app, url_for
from markupsafe import Markup

from shop.catalog.enums import (
    IngredientKind,
    LabelledEnum,
    ProductForm,
    Profession,
    SortOrder,
    TreatmentArea,
)
from shop.catalog.listing import (
    CatalogPage,
    FacetValue,
    ImageRef,
    ProductDetail,
    ProductSummary,
)
from shop.catalog.query import FILTER_GROUPS, CatalogQuery
from shop.catalog.services import TermCount
from shop.templating import format_money

FACET_SCROLL_AFTER = 12  # values; a longer facet list scrolls
RELATED_LIMIT = 12  # products shown on an ingredient's or an indication's page

GROUP_TITLES = {
    "area": "Treatment area",
    "indication": "Indication",
    "ingredient": "Ingredient",
    "brand": "Brand",
}
# Indications are listed by treatment area, ingredients by kind (their Term.extra).
SECTIONS: dict[str, type[LabelledEnum]] = {
    "indication": TreatmentArea,
    "ingredient": IngredientKind,
}


def format_volume(volume_ml: Decimal) -> str:
    return f"{format(volume_ml.normalize(), 'f')} ml"


_PLURALS = {
    ProductForm.VIAL: ("vial", "vials"),
    ProductForm.AMPOULE: ("ampoule", "ampoules"),
    ProductForm.PREFILLED_SYRINGE: ("prefilled syringe", "prefilled syringes"),
}


def format_pack(units_per_pack: int, volume_ml: Decimal, form: str) -> str:
    """'10 × 5 ml vials', '1 × 2 ml prefilled syringe'."""
    singular, plural = _PLURALS.get(ProductForm(form), (form, form))
    noun = singular if units_per_pack == 1 else plural
    return f"{units_per_pack} × {format_volume(volume_ml)} {noun}"


def section_label(group: str, value: str) -> str:
    """'Face' for an indication of the face area, 'Vitamin' for a vitamin; '' otherwise."""
    sections = SECTIONS.get(group)
    return sections(value).label if sections and value else ""


AREA_LABELS = {area.value: area.label for area in TreatmentArea}
# Each section's label, and the sections' order on the page (the enum's).
SECTION_LABELS = {
    group: {member.value: member.label for member in sections}
    for group, sections in SECTIONS.items()
}
SECTION_ORDER = {
    group: {member.label: index for index, member in enumerate(sections)}
    for group, sections in SECTIONS.items()
}

CARD_WIDTH = 480  # the widest kept width a card offers
GALLERY_WIDTH = 1200


@dataclass(frozen=True)
class Picture:
    """A picture as an <img> in a <picture>: WebP where the browser takes it, JPEG else."""

    alt: str
    width: int  # of ``src``: stated so the page keeps its place while pictures arrive
    height: int
    src: str  # the JPEG of the stated width
    jpeg_srcset: str
    webp_srcset: str
    thumb_src: str  # the narrowest JPEG, and its size
    thumb_width: int
    thumb_height: int


def picture(ref: ImageRef, urls: UrlBuilder, shown_width: int) -> Picture:
    """``ref`` as a <picture> offering its kept widths up to ``shown_width`` (a card is at
    most 290 px wide: 480 is sharp enough, and the page stays small), stating the size of
    the widest."""
    return _picture(ref, urls.media_prefix, shown_width)


# The same few thousand pictures are shown page after page; their markup is the same
# whoever looks (content-hash URLs never name other bytes), so it is worked out once.
@lru_cache(maxsize=4096)
def _picture(ref: ImageRef, media_prefix: str, shown_width: int) -> Picture:
    renditions = tuple(r for r in ref.renditions if r[0] <= shown_width) or ref.renditions[:1]
    width, height, _webp, jpeg = renditions[-1]
    thumb = renditions[0]

    def media(key: str, extension: str) -> str:
        return f"{media_prefix}{key}.{extension}"

    # Markup: a path prefix and hex digests, nothing to escape; escaping these long
    # attributes was a tenth of a listing's CPU time.
    return Picture(
        alt=ref.alt_text,
        width=width,
        height=height,
        src=Markup(media(jpeg, "jpg")),
        jpeg_srcset=Markup(", ".join(f"{media(r[3], 'jpg')} {r[0]}w" for r in renditions)),
        webp_srcset=Markup(", ".join(f"{media(r[2], 'webp')} {r[0]}w" for r in renditions)),
        thumb_src=Markup(media(thumb[3], "jpg")),
        thumb_width=thumb[0],
        thumb_height=thumb[1],
    )


class Card(NamedTuple):  # a tuple: a listing makes two dozen per request
    id: int
    name: str
    url: str
    picture: Picture | None  # the first of the product's pictures; None: a placeholder
    brand_name: str
    pack: str
    price: str
    ingredients: str  # the first few, joined: "Hyaluronic acid · Biotin"
    more_ingredients: int
    areas: tuple[str, ...]
    professions: tuple[str, ...]  # who may buy it (values), for the gate


class FacetLink(NamedTuple):  # a tuple: a listing makes a hundred of them per request
    slug: str
    name: str
    count: int
    selected: bool
    url: str  # toggles the value; empty for a disabled one, which is not a link
    disabled: bool
    section: str = ""  # indications are shown by area, ingredients by kind
    section_start: str = ""  # the section, on the first link of each section


@dataclass(frozen=True)
class FacetBlock:
    group: str
    title: str
    links: tuple[FacetLink, ...]

    @property
    def scrolls(self) -> bool:
        """A long list scrolls inside the sidebar instead of pushing the brands out of sight."""
        return len(self.links) > FACET_SCROLL_AFTER

    @property
    def needs_own_tab_stop(self) -> bool:
        """A scrolling list with no link in it (every value disabled) must take the focus
        itself, or the keyboard cannot scroll it; a link inside already lets it scroll."""
        return self.scrolls and all(link.disabled for link in self.links)


@dataclass(frozen=True)
class Chip:
    label: str
    remove_url: str


@dataclass(frozen=True)
class PageLink:
    label: str
    url: str | None
    current: bool = False


@dataclass
class ListingView:
    url: str  # of this page, canonical
    total: int
    pages: int
    q: str
    sort: str
    cards: list[Card]
    facets: list[FacetBlock]
    chips: list[Chip]
    clear_url: str | None
    pagination: list[PageLink]
    prev_url: str | None
    next_url: str | None
    last_page_url: str
    hidden_fields: list[tuple[str, str]]  # the state a search or sort form carries along
    sort_choices: list[tuple[str, str]]
    unknown: list[str] = field(default_factory=list)
    first_item: int = 0
    last_item: int = 0
    page: int = 1


# A listing links to a hundred variants of its own query, whose parameters are the same
# few hundred (filter, value) pairs from page to page: each is encoded once per process.
@lru_cache(maxsize=8192)
def _encoded_parameter(pair: tuple[str, str]) -> str:
    return urlencode([pair])


class UrlBuilder:
    """Builds one page's catalogue URLs by string, without url_for per link.

    A listing links to a hundred variants of its own query (one per facet value), which
    share most of their parameters: each parameter is encoded once (_encoded_parameter).
    """

    def __init__(self) -> None:
        self.list_path = url_for("storefront.product_list")
        self.detail_prefix = url_for("storefront.product_detail", slug="x")[:-1]
        self.term_prefixes = {
            group: url_for(f"storefront.{group}_detail", slug="x")[:-1]
            for group in ("ingredient", "indication")
        }
        self.default_per_page = current_app.config["CATALOG_PER_PAGE"]
        # Quoted as a URL, and escaped for HTML once here (pictures' URLs are Markup).
        self.media_prefix = str(
            Markup.escape(url_for("media.media_file", key="0" * 64, extension="jpg")[:-68])
        )

    @staticmethod
    def _parameter(pair: tuple[str, str]) -> str:
        return _encoded_parameter(pair)

    def base_query(self) -> CatalogQuery:
        """The whole catalogue, first page, default page size."""
        return CatalogQuery(per_page=self.default_per_page)

    def listing(self, query: CatalogQuery) -> str:
        params = query.to_params(default_per_page=self.default_per_page)
        if not params:
            return self.list_path
        return f"{self.list_path}?{'&'.join(map(self._parameter, params))}"

    def toggling(self, query: CatalogQuery, group: str) -> Callable[[str], str]:
        """For a value of ``group``, the URL of ``query`` with that value switched on or
        off: ``listing(query.toggled(group, value))``, with everything but the group's
        own values encoded once for all its facet links."""
        without = query.with_filters(group, ())
        params = without.to_params(default_per_page=self.default_per_page)
        earlier = {"q", *FILTER_GROUPS[: FILTER_GROUPS.index(group)]}
        at = sum(1 for name, _ in params if name in earlier)
        before = [self._parameter(pair) for pair in params[:at]]
        after = [self._parameter(pair) for pair in params[at:]]
        selected = set(query.selected(group))

        def url(value: str) -> str:
            values = sorted(selected ^ {value})
            parts = [*before, *(self._parameter((group, v)) for v in values), *after]
            return f"{self.list_path}?{'&'.join(parts)}" if parts else self.list_path

        return url

    def product(self, slug: str) -> str:
        return self.detail_prefix + quote(slug)

    def term(self, group: str, slug: str) -> str:
        """An ingredient's or an indication's page."""
        return self.term_prefixes[group] + quote(slug)

    def media(self, key: str, extension: str) -> str:
        """A media file's URL: its content hash, which never names other bytes."""
        return f"{self.media_prefix}{key}.{extension}"


def card(summary: ProductSummary, urls: UrlBuilder, *, shown_ingredients: int = 4) -> Card:
    names = tuple(line.name for line in summary.ingredients)
    return Card(
        id=summary.id,
        name=summary.name,
        url=urls.product(summary.slug),
        picture=picture(summary.images[0], urls, CARD_WIDTH) if summary.images else None,
        brand_name=summary.brand_name,
        pack=format_pack(summary.units_per_pack, summary.volume_ml, summary.form),
        price=format_money(summary.price_cents, summary.currency),
        ingredients=" · ".join(names[:shown_ingredients]),
        more_ingredients=max(0, len(names) - shown_ingredients),
        areas=tuple(AREA_LABELS[area] for area in summary.areas),
        professions=summary.professions,
    )


def _facet_block(
    group: str, values: list[FacetValue], query: CatalogQuery, urls: UrlBuilder
) -> FacetBlock:
    toggled = urls.toggling(query, group)
    labels = SECTION_LABELS.get(group, {})
    links = []
    for value in values:
        # A selected value stays clickable so it can be switched off.
        disabled = value.count == 0 and not value.selected
        links.append(
            FacetLink(
                slug=value.slug,
                name=value.name,
                count=value.count,
                selected=value.selected,
                url="" if disabled else toggled(value.slug),
                disabled=disabled,
                section=labels.get(value.extra, ""),
            )
        )
    if group in SECTIONS:  # by section, in the enum's order, then by name
        order = SECTION_ORDER[group]
        links.sort(key=lambda link: (order.get(link.section, len(order)), link.name))
        links = [
            link._replace(section_start=link.section)
            if link.section and (index == 0 or links[index - 1].section != link.section)
            else link
            for index, link in enumerate(links)
        ]
    return FacetBlock(group=group, title=GROUP_TITLES[group], links=tuple(links))


def _pagination(query: CatalogQuery, pages: int, urls: UrlBuilder) -> list[PageLink]:
    current = query.page
    wanted = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    links: list[PageLink] = []
    previous = 0
    for number in wanted:
        if number - previous > 1:
            links.append(PageLink("…", None))
        links.append(PageLink(str(number), urls.listing(query.at_page(number)), number == current))
        previous = number
    return links


def listing_view(page: CatalogPage) -> ListingView:
    urls = UrlBuilder()
    query = page.query
    facets_by_group = {group: page.facets[group] for group in FILTER_GROUPS}
    names = {
        group: {value.slug: value.name for value in values}
        for group, values in facets_by_group.items()
    }
    chips = []
    if query.q:
        chips.append(Chip(f"“{query.q}”", urls.listing(query.without_text())))
    for group in FILTER_GROUPS:
        for slug in query.selected(group):
            label = f"{GROUP_TITLES[group]}: {names[group].get(slug, slug)}"
            chips.append(Chip(label, urls.listing(query.toggled(group, slug))))

    hidden = [
        (name, value)
        for name, value in query.to_params(default_per_page=urls.default_per_page)
        if name not in {"q", "sort", "page"}
    ]
    first = (query.page - 1) * query.per_page + 1 if page.items else 0
    return ListingView(
        url=urls.listing(query),
        total=page.total,
        pages=page.pages,
        q=query.q,
        sort=query.sort.value,
        cards=[card(item, urls) for item in page.items],
        # Areas first: the broadest choice a practitioner makes.
        facets=[
            _facet_block(group, facets_by_group[group], query, urls)
            for group in ("area", "indication", "ingredient", "brand")
        ],
        chips=chips,
        clear_url=urls.list_path if chips else None,
        pagination=_pagination(query, page.pages, urls) if page.pages > 1 else [],
        prev_url=urls.listing(query.at_page(query.page - 1)) if query.page > 1 else None,
        next_url=urls.listing(query.at_page(query.page + 1)) if query.page < page.pages else None,
        last_page_url=urls.listing(query.at_page(page.pages)),
        hidden_fields=hidden,
        sort_choices=SortOrder.choices(),
        unknown=[f"{group} “{slug}”" for group, slugs in page.unknown.items() for slug in slugs],
        first_item=first,
        last_item=first + len(page.items) - 1 if page.items else 0,
        page=query.page,
    )


@dataclass(frozen=True)
class CompositionRow:
    name: str
    url: str
    kind: str
    concentration: str


@dataclass(frozen=True)
class IndicationLink:
    name: str
    url: str
    area: str
    catalogue_url: str


@dataclass
class ProductView:
    id: int
    sku: str
    name: str
    brand_name: str
    brand_url: str
    form: str
    pack: str
    volume: str
    units_per_pack: int
    price: str
    description: str
    contraindications: str
    composition: list[CompositionRow]
    indications: list[IndicationLink]
    areas: list[str]
    professions: tuple[str, ...]  # who may buy it (values), for the gate
    profession_labels: list[str]
    pictures: list[Picture]


def product_view(detail: ProductDetail) -> ProductView:
    urls = UrlBuilder()
    catalogue = urls.base_query()
    product = detail.summary
    return ProductView(
        id=product.id,
        sku=product.sku,
        name=product.name,
        brand_name=product.brand_name,
        brand_url=urls.listing(catalogue.with_filters("brand", (product.brand_slug,))),
        form=ProductForm(product.form).label,
        pack=format_pack(product.units_per_pack, product.volume_ml, product.form),
        volume=format_volume(product.volume_ml),
        units_per_pack=product.units_per_pack,
        price=format_money(product.price_cents, product.currency),
        description=detail.description,
        contraindications=detail.contraindications,
        composition=[
            CompositionRow(
                name=line.name,
                url=urls.term("ingredient", line.slug),
                kind=IngredientKind(line.kind).label,
                concentration=line.concentration or "not disclosed",
            )
            for line in product.ingredients
        ],
        indications=[
            IndicationLink(
                name=indication.name,
                url=urls.term("indication", indication.slug),
                area=TreatmentArea(indication.area).label,
                catalogue_url=urls.listing(
                    catalogue.with_filters("indication", (indication.slug,))
                ),
            )
            for indication in product.indications
        ],
        areas=[TreatmentArea(area).label for area in product.areas],
        professions=product.professions,
        profession_labels=[Profession(p).label for p in product.professions],
        pictures=[picture(ref, urls, GALLERY_WIDTH) for ref in product.images],
    )


@dataclass(frozen=True)
class AreaIndications:
    label: str
    url: str  # the catalogue filtered by the area
    indications: list[tuple[TermCount, str]]  # with the catalogue filtered by each


def home_view(indications: list[TermCount]) -> list[AreaIndications]:
    """The home page's treatment areas, each with its indications."""
    urls = UrlBuilder()
    everything = urls.base_query()
    by_area: dict[str, list[tuple[TermCount, str]]] = {area.value: [] for area in TreatmentArea}
    for indication in indications:
        url = urls.listing(everything.with_filters("indication", (indication.slug,)))
        by_area[indication.detail].append((indication, url))
    return [
        AreaIndications(
            area.label,
            urls.listing(everything.with_filters("area", (area.value,))),
            by_area[area.value],
        )
        for area in TreatmentArea
    ]


@dataclass(frozen=True)
class TermGroup:
    """Ingredients or indications: their page's words and endpoints."""

    group: str
    heading: str
    intro: str

    @property
    def list_endpoint(self) -> str:
        return f"storefront.{self.group}_list"

    @property
    def detail_endpoint(self) -> str:
        return f"storefront.{self.group}_detail"


TERM_GROUPS = {
    "ingredient": TermGroup(
        "ingredient",
        "Ingredients",
        "What the solutions are made of, by kind. Each ingredient lists the products that"
        " contain it.",
    ),
    "indication": TermGroup(
        "indication",
        "Indications",
        "What practitioners treat with mesotherapy, by treatment area.",
    ),
}


def term_sections(group: str, terms: list[TermCount]) -> list[tuple[str, list[TermCount]]]:
    """Ingredients by kind or indications by area, in the enum's order; empty ones left out."""
    sections: dict[str, list[TermCount]] = {section.label: [] for section in SECTIONS[group]}
    for term in terms:
        sections[section_label(group, term.detail)].append(term)
    return [(label, items) for label, items in sections.items() if items]


@dataclass(frozen=True)
class TermView:
    group: TermGroup
    name: str
    description: str
    detail: str  # its kind or area, as a label
    total: int
    cards: list[Card]
    catalogue_url: str  # the catalogue filtered by it


def term_view(group: str, term, page: CatalogPage) -> TermView:
    """An ingredient's or an indication's page: what it is, and products that have it."""
    urls = UrlBuilder()
    detail = term.kind if group == "ingredient" else term.area
    return TermView(
        group=TERM_GROUPS[group],
        name=term.name,
        description=term.description,
        detail=section_label(group, detail),
        total=page.total,
        cards=[card(item, urls) for item in page.items],
        catalogue_url=urls.listing(urls.base_query().with_filters(group, (term.slug,))),
    )
