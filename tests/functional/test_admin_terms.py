"""Brands, ingredients and indications in the back office: create, rename, merge, and the
old slugs that keep leading to the new pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.catalog.editing import INGREDIENTS
from shop.catalog.enums import IngredientKind, TreatmentArea
from shop.catalog.errors import CatalogError
from shop.catalog.merging import merge_terms
from shop.catalog.models import Brand, Indication, Ingredient, SlugRedirect
from shop.extensions import db
from tests.factories import (
    make_admin,
    make_brand,
    make_indication,
    make_ingredient,
    make_product,
)


@pytest.fixture
def admin(login):
    user = make_admin(name="Ada Admin")
    login(user)
    return user


def text(response) -> str:
    return response.get_data(as_text=True)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def merge(client, csrf_token, plural: str, merged, survivor, confirm: bool = True):
    url = f"/admin/{plural}/{merged.id}"
    data = {"csrf_token": csrf_token(url), "survivor": str(survivor.id)}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"{url}/merge", data=data)


# Create -----------------------------------------------------------------------------


def test_an_administrator_creates_each_kind_of_term(client, admin, csrf_token):
    token = csrf_token("/admin/brands")
    response = client.post(
        "/admin/brands", data={"csrf_token": token, "name": "Mesoestetic", "country": "es"}
    )
    brand = db.session.scalar(select(Brand).where(Brand.slug == "mesoestetic"))
    assert response.location.endswith(f"/admin/brands/{brand.id}")
    assert brand.country == "ES"
    client.post(
        "/admin/ingredients",
        data={
            "csrf_token": token,
            "name": "Acide hyaluronique",
            "ingredient_kind": "hyaluronic-acid",
        },
    )
    ingredient = db.session.scalar(
        select(Ingredient).where(Ingredient.slug == "acide-hyaluronique")
    )
    assert ingredient.kind == IngredientKind.HYALURONIC_ACID
    client.post(
        "/admin/indications",
        data={"csrf_token": token, "name": "Dark circles", "slug": "dark-circles", "area": "face"},
    )
    indication = db.session.scalar(select(Indication).where(Indication.slug == "dark-circles"))
    assert indication.area == TreatmentArea.FACE
    assert [e.subject_id for e in events("brand.create")] == [brand.id]
    assert [e.subject_id for e in events("ingredient.create")] == [ingredient.id]
    assert [e.subject_id for e in events("indication.create")] == [indication.id]
    # The public ingredient page exists at once.
    assert "Acide hyaluronique" in text(client.get("/ingredients/acide-hyaluronique"))


@pytest.mark.parametrize(
    ("plural", "data", "message"),
    [
        ("brands", {"name": "Taken", "slug": "taken"}, "The slug taken belongs to another brand."),
        ("brands", {"name": "Fine", "slug": "Not A Slug"}, "A slug is lower-case letters"),
        ("brands", {"name": "Fine", "country": "Spain"}, "Field cannot be longer than 2"),
        ("brands", {"name": "Fine", "country": "E1"}, "A country is a two-letter ISO code"),
        ("brands", {"name": ""}, "Give it a name."),
        ("brands", {"name": "TAKEN", "slug": "taken-2"}, "There is already a brand called TAKEN."),
        ("ingredients", {"name": "Zinc"}, "Choose the ingredient&#39;s kind."),
        ("indications", {"name": "Acne", "area": "elbows"}, "Not a valid choice"),
        ("indications", {"name": "Acne"}, "Choose the treatment area."),
    ],
)
def test_a_bad_term_is_refused_beside_its_field(client, admin, csrf_token, plural, data, message):
    make_brand("Taken", slug="taken")
    db.session.commit()
    before = {model: db.session.query(model).count() for model in (Brand, Ingredient, Indication)}
    response = client.post(
        f"/admin/{plural}", data={"csrf_token": csrf_token("/admin/brands"), **data}
    )
    assert response.status_code == 400
    assert 'class="invalid-feedback' in text(response)
    assert message in text(response)
    after = {model: db.session.query(model).count() for model in (Brand, Ingredient, Indication)}
    assert after == before


def test_the_lists_search_and_count_products_active_or_not(client, admin):
    alpha = make_brand("Alpha Labs", slug="alpha")
    make_brand("Beta Pharma", slug="beta")
    make_product(brand=alpha)
    make_product(brand=alpha, is_active=False)
    html = text(client.get("/admin/brands?q=alp"))
    assert "Alpha Labs" in html and "Beta Pharma" not in html
    assert '<td class="text-end">2</td>' in html


# Rename -----------------------------------------------------------------------------


def test_renaming_a_slug_redirects_the_old_address_and_is_audited(client, admin, csrf_token):
    biotin = make_ingredient("Biotin", slug="biotin")
    product = make_product("Hair Plus", ingredients=[biotin])
    url = f"/admin/ingredients/{biotin.id}"
    response = client.post(
        url, data={"csrf_token": csrf_token(url), "name": "Vitamin B7", "slug": "vitamin-b7"}
    )
    assert response.location.endswith(url)
    moved = client.get("/ingredients/biotin")
    assert moved.status_code == 301 and moved.location.endswith("/ingredients/vitamin-b7")
    assert "Vitamin B7" in text(client.get("/ingredients/vitamin-b7"))
    [event] = events("ingredient.rename")
    assert (event.from_state, event.to_state, event.reason) == (
        "biotin",
        "vitamin-b7",
        "name: Biotin → Vitamin B7",
    )
    # The product is found by the ingredient's new name.
    assert " vitamin b7 " in product.search_text


def test_a_slug_renamed_twice_leads_straight_to_the_last_and_back_again(client, admin, csrf_token):
    acne = make_indication("Acne", slug="acne")
    url = f"/admin/indications/{acne.id}"
    for slug in ("acne-vulgaris", "breakouts"):
        client.post(url, data={"csrf_token": csrf_token(url), "name": "Acne", "slug": slug})
    for old in ("acne", "acne-vulgaris"):
        response = client.get(f"/indications/{old}")
        assert response.status_code == 301 and response.location.endswith("/indications/breakouts")
    # Back to the first slug: it names the indication again and redirects nowhere.
    client.post(url, data={"csrf_token": csrf_token(url), "name": "Acne", "slug": "acne"})
    assert client.get("/indications/acne").status_code == 200
    assert client.get("/indications/breakouts").location.endswith("/indications/acne")
    olds = db.session.scalars(select(SlugRedirect.old_slug).order_by(SlugRedirect.old_slug)).all()
    assert olds == ["acne-vulgaris", "breakouts"]


def test_a_rename_to_a_taken_slug_is_refused(client, admin, csrf_token):
    make_brand("One", slug="one")
    two = make_brand("Two", slug="two")
    db.session.commit()
    url = f"/admin/brands/{two.id}"
    response = client.post(url, data={"csrf_token": csrf_token(url), "name": "Two", "slug": "one"})
    assert response.status_code == 400
    assert "The slug one belongs to another brand." in text(response)
    db.session.expire_all()
    assert db.session.get(Brand, two.id).slug == "two"
    assert events("brand.rename") == []


# Merge ------------------------------------------------------------------------------


def test_merging_ingredients_moves_every_line_without_duplicates(client, admin, csrf_token):
    ha = make_ingredient("Hyaluronic acid", slug="hyaluronic-acid")
    sodium = make_ingredient("Sodium hyaluronate", slug="sodium-hyaluronate")
    other = make_ingredient("Zinc", slug="zinc")
    # Both, survivor undisclosed: the merged one's concentration says more and is kept.
    both = make_product("Both", ingredients=[ha, (sodium, "20", "mg/ml"), other])
    # Both, both disclosed: the survivor's own stays.
    both_disclosed = make_product(
        "Both disclosed", ingredients=[(ha, "15", "mg/ml"), (sodium, "9", "mg/ml")]
    )
    # Only the merged one: its line moves, concentration and place in the list kept.
    only = make_product("Only", ingredients=[other, (sodium, "0.5", "%")])
    merged_id = sodium.id

    response = merge(client, csrf_token, "ingredients", sodium, ha)
    assert response.location.endswith(f"/admin/ingredients/{ha.id}")
    db.session.expire_all()
    assert db.session.get(Ingredient, merged_id) is None

    def lines(product):
        return [(line.ingredient.slug, line.concentration) for line in product.composition]

    assert lines(both) == [("hyaluronic-acid", "20 mg/ml"), ("zinc", None)]
    assert lines(both_disclosed) == [("hyaluronic-acid", "15 mg/ml")]
    assert lines(only) == [("zinc", None), ("hyaluronic-acid", "0.5 %")]
    assert " sodium " not in only.search_text and " hyaluronic " in only.search_text
    moved = client.get("/ingredients/sodium-hyaluronate")
    assert moved.status_code == 301 and moved.location.endswith("/ingredients/hyaluronic-acid")
    [event] = events("ingredient.merge")
    assert (event.subject_id, event.from_state, event.to_state) == (
        ha.id,
        "sodium-hyaluronate",
        "hyaluronic-acid",
    )
    assert "3 product(s) moved" in event.reason
    # The survivor's public page lists the moved products (the catalogue token moved).
    page = text(client.get("/ingredients/hyaluronic-acid"))
    assert all(name in page for name in ("Both", "Both disclosed", "Only"))


def test_merging_indications_keeps_one_link_per_product(client, admin, csrf_token):
    wrinkles = make_indication("Wrinkles", slug="wrinkles")
    lines = make_indication("Fine lines", slug="fine-lines")
    acne = make_indication("Acne", slug="acne")
    both = make_product("Both", indications=[wrinkles, lines, acne])
    only = make_product("Only", indications=[lines])
    merge(client, csrf_token, "indications", lines, wrinkles)
    db.session.expire_all()
    assert [i.slug for i in both.indications] == ["acne", "wrinkles"]
    assert [i.slug for i in only.indications] == ["wrinkles"]
    assert db.session.scalar(select(Indication).where(Indication.slug == "fine-lines")) is None
    assert client.get("/indications/fine-lines").location.endswith("/indications/wrinkles")


def test_merging_brands_moves_products_and_the_brand_filter_follows(client, admin, csrf_token):
    old = make_brand("Old Labs", slug="old-labs")
    new = make_brand("New Labs", slug="new-labs")
    product = make_product("Serum", brand=old)
    make_product("Other", brand=new)
    merge(client, csrf_token, "brands", old, new)
    db.session.expire_all()
    assert product.brand.slug == "new-labs"
    assert " new labs " in product.search_text
    # A brand's page is the catalogue filtered by it: the old slug's filter moves along.
    response = client.get("/products?brand=old-labs&sort=name")
    assert response.status_code == 301
    assert response.location.endswith("/products?brand=new-labs&sort=name")
    assert client.get("/products?brand=never-was").status_code == 200  # just ignored, as before
    # An old and a new slug together: one filter value, the new one.
    assert client.get("/products?brand=old-labs&brand=new-labs").location.endswith(
        "/products?brand=new-labs"
    )
    # And a slug that once led to the merged brand leads to the survivor too.
    older = make_brand("Older", slug="older")
    db.session.add(SlugRedirect(kind="brand", old_slug="ancient", new_slug="older"))
    db.session.flush()
    merge(client, csrf_token, "brands", older, new)
    assert client.get("/products?brand=ancient").location.endswith("/products?brand=new-labs")


def test_a_merge_without_confirmation_or_into_itself_is_refused(client, admin, csrf_token):
    one = make_brand("One", slug="one")
    two = make_brand("Two", slug="two")
    product = make_product(brand=one)
    db.session.commit()
    unconfirmed = merge(client, csrf_token, "brands", one, two, confirm=False)
    assert unconfirmed.status_code == 400
    assert "Tick the box to confirm the merge." in text(unconfirmed)
    itself = merge(client, csrf_token, "brands", one, one)
    assert itself.status_code == 302
    assert "cannot be merged into itself" in text(client.get(itself.location))
    db.session.expire_all()
    assert db.session.get(Brand, one.id) is not None and product.brand_id == one.id
    assert events("brand.merge") == []


def test_a_merge_of_a_term_already_merged_is_refused(app, admin):
    one = make_ingredient("One", slug="one")
    two = make_ingredient("Two", slug="two")
    merge_terms(admin, INGREDIENTS, one.id, two.id)
    with pytest.raises(CatalogError, match="no longer exists"):
        merge_terms(admin, INGREDIENTS, one.id, two.id)


def test_the_concentration_rule_prefers_the_disclosed_value(app, admin):
    a = make_ingredient("A", slug="a")
    b = make_ingredient("B", slug="b")
    product = make_product(ingredients=[(a, "1", "%"), b])
    merge_terms(admin, INGREDIENTS, a.id, b.id)
    db.session.expire_all()
    [line] = product.composition
    assert (line.ingredient.slug, line.concentration_value) == ("b", Decimal("1"))


def test_the_term_page_lists_its_products_and_its_history(client, admin, csrf_token):
    brand = make_brand("Listed", slug="listed")
    make_product("Shown Product", brand=brand)
    url = f"/admin/brands/{brand.id}"
    client.post(url, data={"csrf_token": csrf_token(url), "name": "Listed", "slug": "listed-2"})
    html = text(client.get(url))
    assert "Shown Product" in html and "brand.rename" in html and "listed → listed-2" in html
