"""The public catalogue in HTML: filters, facet counts, search, sort, pages."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

import pytest

from shop.catalog.models import Product
from shop.extensions import db


class PageReader(HTMLParser):
    """Collects the facet links and the product cards of a catalogue page."""

    def __init__(self) -> None:
        super().__init__()
        self.facets: dict[str, dict[str, dict]] = {}
        self.cards: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._group: str | None = None
        self._facet: dict | None = None
        self._in_count = False  # inside a facet value's count
        self._card_title_tag: str | None = None  # h2 on the catalogue, h3 under a page's h2
        self._link: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "data-facet" in attrs:
            self._group = attrs["data-facet"]
            self.facets[self._group] = {}
        if "data-slug" in attrs and self._group:
            self._facet = {
                "count": None,  # the text of its .facet-count
                "selected": "is-selected" in attrs.get("class", ""),
                "disabled": "is-disabled" in attrs.get("class", ""),
                "href": attrs.get("href"),
            }
            self.facets[self._group][attrs["data-slug"]] = self._facet
        if "facet-count" in attrs.get("class", "") and self._facet is not None:
            self._in_count = True
        if "card-title" in attrs.get("class", ""):
            self._card_title_tag = tag
        if tag == "a":
            self._link = attrs.get("href")
            self._text = []

    def handle_endtag(self, tag):
        if tag == "section":
            self._group = None
        if tag == self._card_title_tag:
            self._card_title_tag = None
        if tag == "a" and self._link is not None:
            self.links.append((" ".join("".join(self._text).split()), self._link))
            self._link = None

    def handle_data(self, data):
        if self._in_count:
            self._facet["count"] = int(data)
            self._in_count = False
        if self._card_title_tag and data.strip():
            self.cards.append(data.strip())
        if self._link is not None:
            self._text.append(data)


def read(response) -> PageReader:
    assert response.status_code == 200, response.status_code
    reader = PageReader()
    reader.feed(response.get_data(as_text=True))
    return reader


def counts(page: PageReader, group: str) -> dict[str, int]:
    return {slug: facet["count"] for slug, facet in page.facets[group].items()}


def test_catalogue_lists_active_products_by_name_with_all_facets(client, catalogue):
    page = read(client.get("/products"))
    assert page.cards == ["Body Sculpt", "Clear Skin", "Hair Force", "Hydra Glow"]
    assert counts(page, "brand") == {"alpha": 2, "beta": 2, "gamma": 0}
    assert counts(page, "ingredient") == {
        "hyaluronic-acid": 1,
        "biotin": 2,
        "zinc": 3,
        "caffeine": 1,
        "glutathione": 0,
    }
    assert counts(page, "area") == {
        "face": 2,
        "neck-decollete": 0,
        "body": 1,
        "scalp": 1,
        "hands": 0,
    }
    # Values without results are shown, disabled, not hidden.
    assert page.facets["ingredient"]["glutathione"]["disabled"]
    assert page.facets["ingredient"]["glutathione"]["href"] is None


def test_several_values_of_one_filter_match_any_and_groups_must_all_match(client, catalogue):
    page = read(client.get("/products?ingredient=biotin&ingredient=caffeine"))
    assert page.cards == ["Body Sculpt", "Clear Skin", "Hair Force"]
    page = read(client.get("/products?ingredient=zinc&area=face"))
    assert page.cards == ["Clear Skin", "Hydra Glow"]


def test_a_groups_counts_ignore_its_own_selection_so_siblings_stay_selectable(client, catalogue):
    page = read(client.get("/products?ingredient=biotin"))
    assert page.cards == ["Clear Skin", "Hair Force"]
    # The ingredient group's counts do not apply the ingredient filter ...
    assert counts(page, "ingredient") == {
        "hyaluronic-acid": 1,
        "biotin": 2,
        "zinc": 3,
        "caffeine": 1,
        "glutathione": 0,
    }
    assert page.facets["ingredient"]["biotin"]["selected"]
    assert not page.facets["ingredient"]["caffeine"]["disabled"]
    # ... every other group's counts do.
    assert counts(page, "brand") == {"alpha": 1, "beta": 1, "gamma": 0}
    assert counts(page, "area") == {
        "face": 1,
        "neck-decollete": 0,
        "body": 0,
        "scalp": 1,
        "hands": 0,
    }
    assert page.facets["area"]["body"]["disabled"]


def test_facet_links_toggle_their_value_in_the_url(client, catalogue):
    page = read(client.get("/products?ingredient=biotin"))
    assert (
        page.facets["ingredient"]["zinc"]["href"] == "/products?ingredient=biotin&ingredient=zinc"
    )
    assert page.facets["ingredient"]["biotin"]["href"] == "/products"
    assert page.facets["brand"]["beta"]["href"] == "/products?ingredient=biotin&brand=beta"
    follow = read(client.get(page.facets["brand"]["beta"]["href"]))
    assert follow.cards == ["Hair Force"]


def test_free_text_searches_name_description_and_ingredient_names(client, catalogue):
    assert read(client.get("/products?q=glow")).cards == ["Hydra Glow"]
    assert read(client.get("/products?q=sebum")).cards == ["Clear Skin"]
    assert read(client.get("/products?q=CAFFEINE")).cards == ["Body Sculpt"]
    assert read(client.get("/products?q=hyaluronic")).cards == ["Hydra Glow"]
    # Every word must match.
    assert read(client.get("/products?q=biotin+scalp")).cards == ["Hair Force"]


def test_relevance_ranks_name_matches_above_ingredient_matches(client, catalogue, app):
    from tests.factories import make_product

    make_product("Zinc Balance", brand=catalogue.gamma, ingredients=[catalogue.caffeine])
    db.session.commit()
    page = read(client.get("/products?q=zinc"))
    assert page.cards[0] == "Zinc Balance"
    assert sorted(page.cards[1:]) == ["Clear Skin", "Hair Force", "Hydra Glow"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", ["Body Sculpt", "Clear Skin", "Hair Force", "Hydra Glow"]),
        ("price", ["Clear Skin", "Body Sculpt", "Hydra Glow", "Hair Force"]),
        ("-price", ["Hair Force", "Hydra Glow", "Body Sculpt", "Clear Skin"]),
        ("newest", ["Body Sculpt", "Hair Force", "Clear Skin", "Hydra Glow"]),
    ],
)
def test_sort_orders(client, catalogue, sort, expected):
    assert read(client.get(f"/products?sort={sort}")).cards == expected


def test_pagination_keeps_filters_and_links_pages(client, catalogue):
    first = client.get("/products?per_page=3&ingredient=zinc&ingredient=caffeine")
    page = read(first)
    assert page.cards == ["Body Sculpt", "Clear Skin", "Hair Force"]
    html = first.get_data(as_text=True)
    assert "1–3 of 4 products" in html
    next_links = [href for text, href in page.links if text == "Next"]
    assert next_links == ["/products?ingredient=caffeine&ingredient=zinc&per_page=3&page=2"]
    second = read(client.get(next_links[0]))
    assert second.cards == ["Hydra Glow"]


def status_message(response) -> str:
    """What the page's status region announces once a filter, sort, page or search led here."""
    found = re.search(
        r'id="catalog-status"[^>]*data-message="([^"]*)"', response.get_data(as_text=True)
    )
    assert found, "the catalogue page has no status region"
    return unescape(found.group(1))


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/products", "4 products found."),
        (
            "/products?ingredient=zinc&ingredient=caffeine&sort=-price&per_page=3&page=2",
            "4 products found for Ingredient: Caffeine and Ingredient: Zinc."
            " Sorted by Price: high to low. Showing 4 to 4, page 2 of 2.",
        ),
        ("/products?brand=alpha&q=glow", "1 product found for “glow” and Brand: Alpha Labs."),
        (
            "/products?brand=beta&indication=acne&q=skin",
            "No products found for “skin” and Indication: Acne and Brand: Beta Pharma.",
        ),
    ],
)
def test_the_status_message_says_the_count_the_filters_the_sort_and_the_page(
    client, catalogue, url, message
):
    assert status_message(client.get(url)) == message


def test_a_page_past_the_end_offers_the_last_page(client, catalogue):
    response = client.get("/products?page=9")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There are only 1 page of results" in html
    assert read(response).cards == []


def test_an_empty_result_offers_links_that_remove_one_filter_each(client, catalogue):
    response = client.get("/products?brand=beta&indication=acne&q=skin")
    page = read(response)
    assert page.cards == []
    removals = {text: href for text, href in page.links if text.startswith("Remove ")}
    assert removals == {
        "Remove “skin”": "/products?indication=acne&brand=beta",
        "Remove Indication: Acne": "/products?q=skin&brand=beta",
        "Remove Brand: Beta Pharma": "/products?q=skin&indication=acne",
    }
    assert read(client.get(removals["Remove Brand: Beta Pharma"])).cards == ["Clear Skin"]


def test_unknown_filter_values_are_left_out_with_a_notice(client, catalogue):
    response = client.get("/products?ingredient=unobtainium&ingredient=biotin")
    assert read(response).cards == ["Clear Skin", "Hair Force"]
    assert "left out of the filters: ingredient “unobtainium”" in response.get_data(as_text=True)


def test_bad_parameters_get_a_400_page_with_the_reason(client, catalogue):
    response = client.get("/products?sort=cheapest")
    assert response.status_code == 400
    assert "sort must be one of" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"


def test_cards_show_price_pack_and_live_stock(client, catalogue):
    html = client.get("/products").get_data(as_text=True)
    card = re.search(rf'data-product-id="{catalogue.clear.id}".*?</article>', html, re.S).group(0)
    assert "€50.00" in card
    assert "10 × 5 ml vials" in card
    assert "Only 3 left" in card
    hair = re.search(rf'data-product-id="{catalogue.hair.id}".*?</article>', html, re.S).group(0)
    assert "Out of stock" in hair  # its only lot has expired


def test_product_page_shows_composition_indications_contraindications_and_buyers(client, catalogue):
    response = client.get("/products/hydra-glow")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    composition = re.search(
        r'<table class="table table-sm align-middle composition[^"]*">.*?</table>', html, re.S
    ).group(0)
    assert re.search(
        r"Hyaluronic acid</a></td><td[^>]*>Hyaluronic acid</td><td[^>]*>20 mg/ml<", composition
    )
    assert re.search(r"Zinc</a></td><td[^>]*>Mineral</td><td[^>]*>not disclosed<", composition)
    assert "Fine lines and wrinkles" in html and "Face" in html
    assert "Pregnancy; active skin infection at the injection site." in html
    assert "Physician, Dermatologist, Nurse." in html
    assert 'data-available="50"' in html
    assert "€100.00" in html
    assert "ALP-HYD-1" in html


def test_inactive_and_unknown_products_are_not_found(client, catalogue):
    assert client.get("/products/retired").status_code == 404
    response = client.get("/products/nothing-here")
    assert response.status_code == 404
    assert "no product 'nothing-here' in the catalogue" in unescape(response.get_data(as_text=True))


def test_ingredient_and_indication_pages_list_their_products(client, catalogue):
    page = read(client.get("/ingredients/zinc"))
    assert sorted(page.cards) == ["Clear Skin", "Hair Force", "Hydra Glow"]
    html = client.get("/indications/hair-loss").get_data(as_text=True)
    assert "Hair Force" in html and "Scalp" in html
    assert client.get("/ingredients/unobtainium").status_code == 404
    listing = client.get("/ingredients").get_data(as_text=True)
    assert 'href="/ingredients/zinc">Zinc</a>' in listing
    assert "3 products" in listing


def test_the_catalogue_follows_a_change_at_once(client, catalogue):
    assert read(client.get("/products?q=glow")).cards == ["Hydra Glow"]
    product = db.session.get(Product, catalogue.hydra.id)
    product.name = "Hydra Shine"
    db.session.commit()
    assert read(client.get("/products")).cards == [
        "Body Sculpt",
        "Clear Skin",
        "Hair Force",
        "Hydra Shine",
    ]
    product.is_active = False
    db.session.commit()
    assert client.get("/products/hydra-glow").status_code == 404


def test_home_page_links_areas_and_indications_into_the_catalogue(client, catalogue):
    html = client.get("/").get_data(as_text=True)
    assert 'href="/products?area=scalp"' in html
    assert 'href="/products?indication=hair-loss">Hair loss</a>' in html


def test_stock_moves_show_at_once_though_pages_are_cached(client, catalogue):
    from datetime import timedelta

    from shop.inventory.services import receive_stock, today

    assert 'data-available="20"' in client.get("/products/body-sculpt").get_data(as_text=True)
    assert client.get("/api/v1/products/body-sculpt").get_json()["available"] == 20
    receive_stock(
        catalogue.sculpt, lot_number="NEW1", expires_on=today() + timedelta(days=90), quantity=5
    )
    db.session.commit()
    html = client.get("/products/body-sculpt").get_data(as_text=True)
    assert 'data-available="25"' in html
    # The lot that expires first is shown as the next one.
    assert f"{today() + timedelta(days=90):%m/%Y}" in html
    assert client.get("/api/v1/products/body-sculpt").get_json()["available"] == 25


def test_bulk_statements_on_catalogue_tables_invalidate_the_cache_too(client, catalogue):
    from sqlalchemy import update

    assert "€100.00" in client.get("/products/hydra-glow").get_data(as_text=True)
    db.session.execute(
        update(Product).where(Product.slug == "hydra-glow").values(price_cents=12345)
    )
    db.session.commit()
    assert "€123.45" in client.get("/products/hydra-glow").get_data(as_text=True)
    assert client.get("/api/v1/products/hydra-glow").get_json()["price"]["amount_cents"] == 12345


def test_a_bulk_statement_that_withdraws_a_product_moves_the_facet_index(client, catalogue):
    from sqlalchemy import update

    before = client.get("/api/v1/products").get_json()
    assert "hydra-glow" in [item["slug"] for item in before["items"]]
    db.session.execute(update(Product).where(Product.slug == "hydra-glow").values(is_active=False))
    db.session.commit()
    after = client.get("/api/v1/products").get_json()
    assert "hydra-glow" not in [item["slug"] for item in after["items"]]
    assert after["total"] == before["total"] - 1
    brands = {value["slug"]: value["count"] for value in after["facets"]["brand"]}
    was = {value["slug"]: value["count"] for value in before["facets"]["brand"]}
    assert brands["alpha"] == was["alpha"] - 1
