"""The back office's products: the list, creating and editing every field, removing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import Product
from shop.catalog.token import current_token
from shop.checkout.placing import ShippingAddress, place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import today
from tests.factories import (
    STANDARD,
    make_admin,
    make_brand,
    make_indication,
    make_ingredient,
    make_product,
    make_professional,
    make_shipping,
)


@pytest.fixture
def admin(login):
    user = make_admin(name="Ada Admin")
    login(user)
    return user


@pytest.fixture
def terms(app):
    # Committed (a savepoint of the test's transaction): a view that refuses rolls back.
    found = {
        "brand": make_brand("Dermaqual", slug="dermaqual"),
        "other_brand": make_brand("Fusion Meso", slug="fusion"),
        "ha": make_ingredient("Hyaluronic acid", IngredientKind.HYALURONIC_ACID, slug="ha"),
        "biotin": make_ingredient("Biotin", IngredientKind.VITAMIN, slug="biotin"),
        "zinc": make_ingredient("Zinc", IngredientKind.MINERAL, slug="zinc"),
        "wrinkles": make_indication("Wrinkles", TreatmentArea.FACE, slug="wrinkles"),
        "hair": make_indication("Hair loss", TreatmentArea.SCALP, slug="hair-loss"),
    }
    db.session.commit()
    return found


def text(response) -> str:
    return response.get_data(as_text=True)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def form_data(terms, token, **overrides) -> dict:
    data = {
        "csrf_token": token,
        "name": "Hydra Boost",
        "sku": "DQ-HYDRA-5",
        "slug": "",
        "brand": str(terms["brand"].id),
        "form": "vial",
        "volume_ml": "5",
        "units_per_pack": "10",
        "price": "149.50",
        "currency": "eur",
        "description": "Deep hydration.",
        "contraindications": "Pregnancy.",
        "composition-0-ingredient": "Hyaluronic acid",
        "composition-0-concentration_value": "20",
        "composition-0-concentration_unit": "mg/ml",
        "composition-1-ingredient": "biotin",
        "composition-1-concentration_value": "",
        "composition-1-concentration_unit": "",
        "indications": [str(terms["wrinkles"].id), str(terms["hair"].id)],
        "professions": ["physician", "dermatologist"],
        "is_active": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def field_error(html: str, field_id: str) -> str:
    """The error message shown beside the field with this id ('' if none)."""
    match = re.search(
        rf'id="{re.escape(field_id)}"[^>]*>.*?<div class="invalid-feedback[^"]*"[^>]*>\s*([^<]+?)\s*</div>',
        html,
        re.S,
    )
    return match.group(1) if match else ""


def test_an_administrator_creates_a_product_with_every_field(client, admin, terms, csrf_token):
    token = csrf_token("/admin/products/new")
    response = client.post("/admin/products/new", data=form_data(terms, token))
    assert response.status_code == 302
    product = db.session.scalar(select(Product).where(Product.sku == "DQ-HYDRA-5"))
    assert response.location.endswith(f"/admin/products/{product.id}")
    assert product.slug == "hydra-boost"  # made from the name
    assert (product.price_cents, product.currency) == (14950, "EUR")
    assert product.volume_ml == Decimal("5") and product.units_per_pack == 10
    assert [(line.ingredient.slug, line.concentration) for line in product.composition] == [
        ("ha", "20 mg/ml"),
        ("biotin", None),
    ]
    assert {i.slug for i in product.indications} == {"wrinkles", "hair-loss"}
    assert product.professions == [Profession.PHYSICIAN, Profession.DERMATOLOGIST]
    assert product.is_active and product.contraindications == "Pregnancy."
    [event] = events("product.create")
    assert (event.actor_id, event.subject_id, event.to_state) == (admin.id, product.id, "active")
    # The catalogue shows it at once.
    page = text(client.get("/products/hydra-boost"))
    assert "Hydra Boost" in page and "20 mg/ml" in page


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"sku": "TAKEN-1"}, "sku", "SKU TAKEN-1 belongs to another product."),
        ({"slug": "taken-product"}, "slug", "The slug taken-product belongs to another product."),
        ({"sku": "lower case"}, "sku", "A SKU is 2 to 40 upper-case letters"),
        ({"price": "12,5x"}, "price", "Enter the price as an amount such as 149.00"),
        ({"price": "1.999"}, "price", "Enter the price as an amount such as 149.00"),
        ({"price": ""}, "price", "Give the price."),
        ({"volume_ml": "0"}, "volume_ml", "Enter the volume in ml, above zero"),
        ({"units_per_pack": "2.5"}, "units_per_pack", "Enter a whole number of units"),
        ({"currency": "euro"}, "currency", "A currency is a three-letter code"),
        ({"name": ""}, "name", "Give the product a name."),
        ({"professions": None}, "professions", "Say which professions may buy the product."),
        (
            {"composition-1-ingredient": "Unobtainium"},
            "composition-1-ingredient",
            "There is no ingredient “Unobtainium”",
        ),
        (
            {"composition-1-concentration_value": "3"},
            "composition-1-concentration_value",
            "Give both a value and a unit, or neither.",
        ),
        (
            {"composition-1-ingredient": "ha"},
            "composition-1-ingredient",
            "Hyaluronic acid is listed twice.",
        ),
    ],
)
def test_a_bad_field_is_refused_with_its_message_beside_it_and_nothing_saved(
    client, admin, terms, csrf_token, overrides, field_id, message
):
    make_product("Taken", sku="TAKEN-1", slug="taken-product", brand=terms["brand"])
    db.session.commit()
    before = db.session.scalar(select(db.func.count()).select_from(Product))
    token = csrf_token("/admin/products/new")
    response = client.post("/admin/products/new", data=form_data(terms, token, **overrides))
    html = text(response)
    assert response.status_code == 400
    assert "Nothing was saved" in html
    if field_id == "professions":
        assert message in html.split('class="mb-3 professions"')[1].split("</fieldset>")[0]
    else:
        assert field_error(html, field_id).startswith(message), html
    assert db.session.scalar(select(db.func.count()).select_from(Product)) == before
    assert events("product.create") == []


def test_every_bad_field_is_shown_at_once(client, admin, terms, csrf_token):
    token = csrf_token("/admin/products/new")
    overrides = {"price": "free", "sku": "", "composition-0-ingredient": "Unobtainium"}
    html = text(client.post("/admin/products/new", data=form_data(terms, token, **overrides)))
    assert field_error(html, "price").startswith("Enter the price as an amount")
    assert field_error(html, "sku") == "Give the product its SKU."
    assert field_error(html, "composition-0-ingredient").startswith("There is no ingredient")


def test_rows_of_the_composition_are_added_and_removed_without_saving(
    client, admin, terms, csrf_token
):
    token = csrf_token("/admin/products/new")
    added = text(client.post("/admin/products/new", data=form_data(terms, token, add_row="y")))
    assert 'id="composition-2-ingredient"' in added
    removed = text(client.post("/admin/products/new", data=form_data(terms, token, remove_row="0")))
    assert 'id="composition-0-ingredient"' not in removed
    assert 'name="composition-1-ingredient" type="text" value="biotin"' in removed
    assert db.session.scalar(select(Product).where(Product.sku == "DQ-HYDRA-5")) is None


def test_an_edit_changes_the_public_page_and_the_audit_says_what_changed(
    client, admin, terms, csrf_token
):
    product = make_product(
        "Old Name",
        brand=terms["brand"],
        sku="DQ-OLD-1",
        slug="old-name",
        ingredients=[(terms["ha"], "10", "mg/ml"), terms["biotin"]],
        indications=[terms["wrinkles"]],
        price_cents=9900,
    )
    db.session.commit()
    assert "Old Name" in text(client.get("/products/old-name"))  # cached under the token now
    token_before = current_token()
    url = f"/admin/products/{product.id}"
    page = text(client.get(url))
    assert 'value="99.00"' in page and 'value="Hyaluronic acid"' in page
    token = csrf_token(url)
    response = client.post(
        url,
        data=form_data(
            terms,
            token,
            name="New Name",
            sku="DQ-OLD-1",
            slug="old-name",
            price="119",
            **{
                "composition-0-ingredient": "zinc",
                "composition-0-concentration_value": "0.5",
                "composition-0-concentration_unit": "%",
                "composition-1-ingredient": "Hyaluronic acid",
                "composition-1-concentration_value": "12",
                "composition-1-concentration_unit": "mg/ml",
            },
            indications=[str(terms["hair"].id)],
            professions=["nurse"],
        ),
    )
    assert response.status_code == 302, text(response)
    db.session.refresh(product)
    assert product.name == "New Name" and product.price_cents == 11900
    assert [(line.ingredient.slug, line.concentration) for line in product.composition] == [
        ("zinc", "0.5 %"),
        ("ha", "12 mg/ml"),
    ]
    assert [i.slug for i in product.indications] == ["hair-loss"]
    assert product.professions == [Profession.NURSE]
    [event] = events("product.update")
    assert "price: 9900 EUR → 11900 EUR" in event.reason
    assert "name: Old Name → New Name" in event.reason
    assert current_token() != token_before
    public = text(client.get("/products/old-name"))
    assert "New Name" in public and "Old Name" not in public


def test_a_new_slug_redirects_the_old_product_address(client, admin, terms, csrf_token):
    product = make_product("Mover", brand=terms["brand"], sku="DQ-MOVE", slug="mover")
    url = f"/admin/products/{product.id}"
    token = csrf_token(url)
    client.post(url, data=form_data(terms, token, name="Mover", sku="DQ-MOVE", slug="mover-2"))
    response = client.get("/products/mover")
    assert response.status_code == 301
    assert response.location.endswith("/products/mover-2")
    assert client.get("/products/never-was").status_code == 404


def test_deactivating_in_the_form_hides_the_product(client, admin, terms, csrf_token):
    product = make_product("Hidden", brand=terms["brand"], sku="DQ-HIDE", slug="hidden")
    assert client.get("/products/hidden").status_code == 200
    url = f"/admin/products/{product.id}"
    token = csrf_token(url)
    data = form_data(terms, token, name="Hidden", sku="DQ-HIDE", slug="hidden")
    del data["is_active"]
    assert client.post(url, data=data).status_code == 302
    assert client.get("/products/hidden").status_code == 404
    [event] = events("product.update")
    assert (event.from_state, event.to_state) == ("active", "inactive")


def test_a_product_never_ordered_is_deleted(client, admin, terms, csrf_token):
    product = make_product("Gone", brand=terms["brand"], ingredients=[terms["ha"]])
    product_id = product.id
    url = f"/admin/products/{product_id}"
    page = text(client.get(url))
    assert "Delete this product" in page
    response = client.post(f"{url}/delete", data={"csrf_token": csrf_token(url)})
    assert response.location.endswith("/admin/products")
    db.session.expire_all()
    assert db.session.get(Product, product_id) is None
    [event] = events("product.delete")
    assert (event.subject_id, event.to_state) == (product_id, "deleted")


def test_a_product_that_was_ordered_is_deactivated_never_deleted(
    client, admin, terms, csrf_token, login
):
    product = make_product("Ordered", brand=terms["brand"], stock=5)
    buyer = make_professional()
    add_to_cart(buyer, product.id, 1, today=today())
    make_shipping()
    place_order(
        buyer,
        ShippingAddress("Clinic", "1 Main St", "Dublin", "D01", "IE", "+353 1 000 0000"),
        STANDARD,
        now=utcnow(),
    )
    url = f"/admin/products/{product.id}"
    page = text(client.get(url))
    assert "It has been ordered" in page and "Deactivate this product" in page
    assert "Delete this product" not in page
    response = client.post(f"{url}/delete", data={"csrf_token": csrf_token(url)})
    assert response.location.endswith(url)
    follow = text(client.get(url))
    assert "was deactivated, not deleted" in follow
    db.session.expire_all()
    kept = db.session.get(Product, product.id)
    assert kept is not None and not kept.is_active
    assert events("product.delete") == []
    [event] = events("product.deactivate")
    assert (event.from_state, event.to_state) == ("active", "inactive")
    # Asked again, it stays and says so.
    client.post(f"{url}/delete", data={"csrf_token": csrf_token(url)})
    assert "was already inactive and cannot be deleted" in text(client.get(url))
    assert db.session.get(Product, product.id) is not None


def test_a_product_with_stock_lots_is_kept_for_the_ledger(client, admin, terms, csrf_token):
    product = make_product("Stocked", brand=terms["brand"], stock=3)
    url = f"/admin/products/{product.id}"
    client.post(f"{url}/delete", data={"csrf_token": csrf_token(url)})
    db.session.expire_all()
    assert db.session.get(Product, product.id).is_active is False
    assert "stock lots" in events("product.deactivate")[0].reason


def test_the_list_searches_by_name_and_sku_and_filters(client, admin, terms):
    make_product("Alpha Glow", brand=terms["brand"], sku="AG-1", professions=[Profession.NURSE])
    make_product("Beta Firm", brand=terms["other_brand"], sku="BF-2")
    make_product("Gamma Off", brand=terms["brand"], sku="GO-3", is_active=False)

    def names(query: str) -> list[str]:
        html = text(client.get(f"/admin/products?{query}"))
        return re.findall(r'href="/admin/products/\d+">([^<]+)</a>', html)

    assert names("") == ["Alpha Glow", "Beta Firm", "Gamma Off"]
    assert names("q=glow") == ["Alpha Glow"]
    assert names("q=bf-2") == ["Beta Firm"]
    assert names("brand=fusion") == ["Beta Firm"]
    assert names("active=no") == ["Gamma Off"]
    assert names("active=yes&brand=dermaqual") == ["Alpha Glow"]
    assert names("profession=dermatologist") == []
    assert names("profession=physician") == ["Beta Firm", "Gamma Off"]
    assert "No product matches" in text(client.get("/admin/products?q=nothing-like-it"))


def test_the_list_is_paginated(client, admin, terms):
    for n in range(27):
        make_product(f"Product {n:02d}", brand=terms["brand"])
    first = text(client.get("/admin/products"))
    assert "Page 1 of 2" in first and 'href="/admin/products?page=2"' in first
    second = text(client.get("/admin/products?page=2&q=product"))
    assert len(re.findall(r'href="/admin/products/\d+"', second)) == 2


def test_an_unknown_status_filter_is_refused_with_a_reason(client, admin):
    response = client.get("/admin/products?active=maybe")
    assert response.status_code == 400
    assert "Not a valid choice" in text(response)
