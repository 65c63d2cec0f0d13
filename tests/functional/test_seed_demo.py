"""`flask shop seed-demo`: a plausible demo catalogue, idempotent."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from shop.accounts.enums import Role
from shop.accounts.models import User
from shop.accounts.services import check_password_strength, find_user_by_email, password_matches
from shop.catalog.enums import IngredientKind, Profession, TreatmentArea
from shop.catalog.models import (
    Brand,
    Indication,
    Ingredient,
    Product,
    ProductIngredient,
    product_indications,
)
from shop.catalog.token import current_token
from shop.database import utcnow
from shop.demo import DEMO_CATALOGUE
from shop.demo_accounts import (
    DEMO_ACCOUNTS,
    DEMO_ADMIN,
    DEMO_ADMIN_TOTP_SECRET,
    DEMO_CUSTOMER,
    DEMO_PROFESSIONAL,
    DEMO_PROFESSIONAL_FR,
    demo_licence_pdf,
    seed_demo_accounts,
)
from shop.errors import ShopError
from shop.extensions import db
from shop.inventory.models import StockLot, StockMovement
from shop.licensing.enums import LicenceStatus
from shop.licensing.models import Licence
from shop.shipping.addresses import ShippingAddress, check_address, list_addresses
from shop.shipping.rates import Parcel, shipping_options
from shop.tax.models import TaxRate


def table_counts() -> dict[str, int]:
    models = {
        "brands": Brand,
        "ingredients": Ingredient,
        "indications": Indication,
        "products": Product,
        "composition": ProductIngredient,
        "lots": StockLot,
        "movements": StockMovement,
    }
    counts = {
        name: db.session.scalar(select(func.count()).select_from(m)) for name, m in models.items()
    }
    counts["links"] = db.session.scalar(select(func.count()).select_from(product_indications))
    return counts


def test_seed_demo_builds_a_plausible_catalogue(runner):
    result = runner.invoke(args=["shop", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo catalogue: added" in result.output
    counts = table_counts()
    assert counts["products"] >= 40
    assert counts["brands"] >= 6
    assert counts["ingredients"] >= 25
    assert counts["indications"] >= 12
    kinds = set(db.session.scalars(select(Ingredient.kind).distinct()))
    assert kinds == {kind.value for kind in IngredientKind}
    areas = set(db.session.scalars(select(Indication.area).distinct()))
    assert {TreatmentArea.FACE, TreatmentArea.BODY, TreatmentArea.SCALP} <= areas
    slugs = set(db.session.scalars(select(Ingredient.slug)))
    for wanted in (
        "hyaluronic-acid",
        "glycine",
        "l-proline",
        "l-lysine",
        "biotin",
        "dmae",
        "caffeine",
        "l-carnitine",
        "deoxycholic-acid",
        "phosphatidylcholine",
        "coenzyme-q10",
        "zinc",
        "copper",
        "magnesium",
        "organic-silicon",
        "ginkgo-biloba",
        "centella-asiatica",
    ):
        assert any(slug.startswith(wanted) for slug in slugs), wanted
    # Every brand has several products, every product a composition and an indication.
    per_brand = db.session.execute(
        select(Product.brand_id, func.count()).group_by(Product.brand_id)
    ).all()
    assert len(per_brand) == counts["brands"] and min(n for _, n in per_brand) >= 4
    bare = db.session.scalar(
        select(func.count())
        .select_from(Product)
        .where(~Product.composition.any() | ~Product.indications.any())
    )
    assert bare == 0
    assert db.session.scalar(select(func.count()).where(Product.contraindications == "")) == 0
    # Receipts are in the ledger, one per lot.
    assert counts["movements"] == counts["lots"]


def test_seed_demo_twice_changes_nothing(runner):
    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    before, token = table_counts(), current_token()
    again = runner.invoke(args=["shop", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert (
        "added 0 brands, 0 ingredients, 0 indications, 0 pictures, 0 products, 0 stock lots"
        in again.output
    )
    assert table_counts() == before
    assert current_token() == token  # not even the catalogue cache is invalidated


def test_seed_demo_products_option_adds_generated_products_once(runner):
    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    token = current_token()
    first = runner.invoke(args=["shop", "seed-demo", "--products", "30"])
    assert first.exit_code == 0, first.output
    assert "generated products: added 30" in first.output
    assert current_token() != token  # bulk inserts invalidate the catalogue cache as well
    total = table_counts()["products"]
    again = runner.invoke(args=["shop", "seed-demo", "--products", "30"])
    assert "generated products: added 0" in again.output
    more = runner.invoke(args=["shop", "seed-demo", "--products", "45"])
    assert "generated products: added 15" in more.output
    assert table_counts()["products"] == total + 15
    generated = db.session.scalar(select(Product).where(Product.sku == "GEN-000045"))
    assert generated.composition and generated.indications and generated.professions
    assert "generated" not in generated.search_name and generated.search_text.strip()


def test_seed_demo_refuses_a_negative_count(runner):
    result = runner.invoke(args=["shop", "seed-demo", "--products", "-5"])
    assert result.exit_code != 0
    assert "-5 is not in the range" in result.output


# Demo accounts: development only ---------------------------------------------


def test_seed_demo_in_development_adds_the_demo_accounts(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_ENV", "development")
    result = runner.invoke(args=["shop", "seed-demo"])
    assert result.exit_code == 0, result.output
    assert "demo accounts: added 4 users, 2 licences, 2 addresses" in result.output

    admin = find_user_by_email(DEMO_ADMIN.email)
    professional = find_user_by_email(DEMO_PROFESSIONAL.email)
    customer = find_user_by_email(DEMO_CUSTOMER.email)
    assert admin.role == Role.ADMIN
    assert professional.role == customer.role == Role.CUSTOMER
    for account, user in (
        (DEMO_ADMIN, admin),
        (DEMO_PROFESSIONAL, professional),
        (DEMO_CUSTOMER, customer),
    ):
        assert user.email_confirmed and user.is_enabled
        assert password_matches(user, account.password)

    [licence] = db.session.scalars(select(Licence).where(Licence.user_id == professional.id))
    assert licence.status == LicenceStatus.APPROVED and licence.profession == Profession.PHYSICIAN
    assert licence.expires_on >= utcnow().date() + timedelta(days=4 * 365)
    assert licence.reviewer_id == admin.id and licence.decided_at is not None
    document = licence.document
    assert document.data.startswith(b"%PDF-1.4") and document.data.rstrip().endswith(b"%%EOF")
    assert b"DEMO ONLY" in document.data
    assert document.sha256 == hashlib.sha256(document.data).hexdigest()
    assert document.size_bytes == len(document.data)
    assert db.session.scalar(select(func.count()).where(Licence.user_id == customer.id)) == 0
    french = find_user_by_email(DEMO_PROFESSIONAL_FR.email)
    [licence_fr] = db.session.scalars(select(Licence).where(Licence.user_id == french.id))
    assert (licence_fr.country, licence_fr.status) == ("FR", LicenceStatus.APPROVED)
    [clinic] = list_addresses(french)
    assert (clinic.city, clinic.country, clinic.is_default) == ("Paris", "FR", True)


def test_the_demo_seeds_tax_rates_marked_for_the_accountant_and_serves_france(app, runner):
    text = (DEMO_CATALOGUE / "tax_rates.csv").read_text()
    assert "TO BE CHECKED BY THE SHOP'S ACCOUNTANT" in text
    result = runner.invoke(args=["shop", "seed-demo"])
    assert "29 tax rates" in result.output, result.output
    today = utcnow().date()
    rates = {
        (rate.country, rate.region, str(rate.tax_class)): rate.rate
        for rate in db.session.scalars(select(TaxRate))
        if rate.valid_from <= today
    }
    assert rates[("IE", "", "standard")] == Decimal("23")
    assert rates[("FR", "", "standard")] == Decimal("20")
    assert rates[("US", "CA", "standard")] == Decimal("7.25")
    paris = ShippingAddress(
        "Cabinet", "12 rue de Rivoli", "Paris", "75004", "FR", "+33 1 44 00 00 17"
    )
    assert {option.code for option in shipping_options(Parcel("FR", "", "EUR", 10000, 500))} >= {
        "standard",
        "express",
    }
    assert check_address(paris).country == "FR"
    again = runner.invoke(args=["shop", "seed-demo"])
    assert "0 tax rates" in again.output


def test_the_demo_pdf_has_a_cross_reference_table_that_points_at_its_objects():
    pdf = demo_licence_pdf("Dr Demo (Test)", "DEMO-1", utcnow().date())
    startxref = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    table = pdf[startxref:].split(b"\n")
    assert table[0] == b"xref" and table[1] == b"0 6"
    for number, line in enumerate(table[3:8], start=1):
        offset = int(line.split()[0])
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    assert b"(Holder: Dr Demo \\(Test\\)) '" in pdf  # parentheses escaped in PDF strings


def test_seed_demo_accounts_twice_changes_nothing(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "SHOP_ENV", "development")
    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    admin = find_user_by_email(DEMO_ADMIN.email)
    admin.name = "Renamed by hand"
    again = runner.invoke(args=["shop", "seed-demo"])
    assert "demo accounts: added 0 users, 0 licences, 0 addresses" in again.output
    assert admin.name == "Renamed by hand"
    assert db.session.scalar(select(func.count()).select_from(User)) == 4


def test_seed_demo_outside_development_creates_no_account(app, runner, monkeypatch):
    for environment in ("production", "testing"):
        monkeypatch.setitem(app.config, "SHOP_ENV", environment)
        result = runner.invoke(args=["shop", "seed-demo"])
        assert result.exit_code == 0, result.output
        assert "demo accounts: none (development only)" in result.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    assert db.session.scalar(select(func.count()).select_from(Licence)) == 0


def test_the_demo_accounts_pass_the_password_policy_and_are_in_the_readme(app):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for account in DEMO_ACCOUNTS:
        check_password_strength(account.password, name=account.name, email=account.email)
        assert f"`{account.email}`" in readme and f"`{account.password}`" in readme


def test_the_demo_administrator_logs_in_through_the_form(
    app, client, runner, monkeypatch, post_form
):
    monkeypatch.setitem(app.config, "SHOP_ENV", "development")
    runner.invoke(args=["shop", "seed-demo"])
    response = post_form("/login", {"email": DEMO_ADMIN.email, "password": DEMO_ADMIN.password})
    assert response.status_code == 302 and response.location == "/login/code"
    code = runner.invoke(args=["shop", "totp-code", DEMO_ADMIN.email])
    assert code.exit_code == 0 and code.output.strip().isdigit(), code.output
    response = post_form("/login/code", {"code": code.output.strip()})
    assert response.status_code == 302 and response.location == "/account"
    assert client.get("/admin/").status_code == 200


def test_the_demo_administrators_second_factor_is_in_the_readme_and_development_only(
    app, runner, monkeypatch
):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert f"`{DEMO_ADMIN_TOTP_SECRET}`" in readme
    assert "flask --app wsgi shop totp-code admin@mesopro.example" in readme
    monkeypatch.setitem(app.config, "SHOP_ENV", "development")
    runner.invoke(args=["shop", "seed-demo"])
    assert find_user_by_email(DEMO_ADMIN.email).totp_secret == DEMO_ADMIN_TOTP_SECRET
    monkeypatch.setitem(app.config, "SHOP_ENV", "production")
    refused = runner.invoke(args=["shop", "totp-code", DEMO_ADMIN.email])
    assert refused.exit_code != 0 and "development only" in refused.output
    with pytest.raises(ShopError, match="never in production"):
        seed_demo_accounts()


def test_seed_demo_loads_its_products_through_the_csv_importer_and_keeps_later_edits(runner):
    from shop.audit.models import AuditEvent
    from shop.catalog.csv_io import export_products
    from shop.demo import DEMO_PRODUCTS, demo_rows

    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    rows = demo_rows("products")
    # Every demo product was created by the importer, as the system, with its audit event.
    created = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "product.create")
    ).all()
    assert len(created) == len(rows) and {event.actor_id for event in created} == {None}
    # The catalogue exported is the demo file itself, cell for cell (in SKU order).
    exported = export_products().splitlines()
    demo = DEMO_PRODUCTS.read_text(encoding="utf-8").splitlines()
    assert exported[0] == demo[0] and sorted(exported[1:]) == sorted(demo[1:])

    edited = db.session.scalar(select(Product).where(Product.sku == rows[0]["sku"]))
    edited.price_cents += 100
    edited.name = "Renamed by an administrator"
    db.session.commit()
    again = runner.invoke(args=["shop", "seed-demo"])
    assert again.exit_code == 0, again.output
    assert "0 products" in again.output
    assert edited.name == "Renamed by an administrator"


def test_seed_demo_lots_expire_relative_to_the_day_of_seeding(runner):
    from shop.demo import demo_rows

    assert runner.invoke(args=["shop", "seed-demo"]).exit_code == 0
    today = utcnow().date()
    expiries = dict(db.session.execute(select(StockLot.lot_number, StockLot.expires_on)).all())
    for row in demo_rows("lots"):
        assert expiries[row["lot_number"]] == today + timedelta(days=int(row["expires_in_days"]))
