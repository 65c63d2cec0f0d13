"""Tax by destination: one service decides, checkout and the order snapshot it, and
the payment asks it again. Rates, VAT numbers and exemption certificates as the
back office and the buyer keep them."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.catalog.enums import TaxClass
from shop.checkout.placing import place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.errors import ShopError
from shop.extensions import db
from shop.inventory.services import today
from shop.licensing.documents import UploadedDocument
from shop.payments.settle import require_same_tax
from shop.tax.certificates import approve_certificate, reject_certificate, submit_certificate
from shop.tax.enums import TaxTreatment
from shop.tax.errors import TaxError
from shop.tax.models import TaxRate
from shop.tax.rates import RateFields, add_rate, change_rate, delete_rate
from shop.tax.services import tax_for
from shop.tax.vat_numbers import check_vat_number, reject_vat_number, verify_vat_number
from tests.factories import (
    PDF_BYTES,
    STANDARD,
    make_admin,
    make_licence,
    make_product,
    make_shipping,
    make_user,
    shipping_address,
)
from tests.functional.conftest import field_errors, mail_to
from tests.taxes import US_RATES, add_rates, give_vat_number

DUBLIN = shipping_address(region="Co. Dublin")
PARIS = shipping_address(
    address_line1="12 rue de Rivoli", city="Paris", postal_code="75001", country="FR"
)
LOS_ANGELES = shipping_address(
    address_line1="100 Wilshire Blvd",
    city="Los Angeles",
    region="CA",
    postal_code="90017",
    country="US",
)


def professional_in(country: str, region: str = ""):
    user = make_user()
    make_licence(user, country=country, region=region)
    return user


def order_for(user, address, *products_and_packs):
    make_shipping(areas="IE, FR, ES, GB, US")
    for product, packs in products_and_packs:
        add_to_cart(user, product.id, packs, today=today())
    return place_order(user, address, STANDARD, now=utcnow())


def test_an_irish_order_pays_irish_vat_per_line_at_the_products_class(app):
    add_rates()
    standard = make_product(price_cents=14900, stock=10)
    reduced = make_product(price_cents=1050, stock=10)
    reduced.tax_class = TaxClass.REDUCED
    order = order_for(professional_in("IE"), DUBLIN, (standard, 1), (reduced, 1))
    lines = {line.product_id: line for line in order.lines}
    assert (lines[standard.id].net_cents, lines[standard.id].tax_rate) == (14900, Decimal("23"))
    assert lines[standard.id].tax_cents == 3427
    assert (lines[reduced.id].tax_rate, lines[reduced.id].tax_cents) == (Decimal("13.5"), 142)
    # Shipping: 15.00 net at the standard rate.
    assert (order.shipping_cents, order.shipping_tax_cents) == (1500, 345)
    assert order.subtotal_cents == 14900 + 1050
    assert order.tax_cents == 3427 + 142 + 345
    assert order.total_cents == order.subtotal_cents + order.shipping_cents + order.tax_cents
    assert [(part.rate, part.tax_cents) for part in order.tax_by_rate] == [
        (Decimal("23"), 3427 + 345),
        (Decimal("13.5"), 142),
    ]
    assert order.tax_treatment == TaxTreatment.TAXED and order.tax_note == ""
    used = db.session.scalars(select(TaxRate).where(TaxRate.used_at.is_not(None))).all()
    assert {(rate.country, rate.tax_class) for rate in used} == {
        ("IE", TaxClass.STANDARD),
        ("IE", TaxClass.REDUCED),
    }


def test_a_french_professional_pays_french_vat_then_reverse_charge_with_a_vat_number(app):
    add_rates()
    product = make_product(price_cents=10000, stock=10)
    buyer = professional_in("FR")
    decision = tax_for(TaxClass.STANDARD, buyer, PARIS, date.today())
    assert (decision.treatment, decision.rate, decision.tax_name) == (
        TaxTreatment.TAXED,
        Decimal("20"),
        "VAT",
    )
    give_vat_number(buyer, "FR 40 303 265 045")
    order = order_for(buyer, PARIS, (product, 1))
    assert order.tax_cents == 0 and order.tax_treatment == TaxTreatment.REVERSE_CHARGE
    assert "Reverse charge" in order.tax_note and "FR40303265045" in order.tax_note
    assert order.buyer_vat_number == "FR40303265045"
    assert order.total_cents == 10000 + 1500


def test_a_refused_vat_number_brings_vat_back_and_the_buyer_is_told(app):
    add_rates()
    buyer = professional_in("FR")
    row = give_vat_number(buyer)
    admin = make_admin()
    reject_vat_number(admin, row.id, reason="VIES does not know this number.")
    assert tax_for(TaxClass.STANDARD, buyer, PARIS, date.today()).rate == Decimal("20")
    assert mail_to(buyer.email)[-1].subject == "Your VAT number was not accepted"
    verify_vat_number(admin, row.id)
    assert tax_for(TaxClass.STANDARD, buyer, PARIS, date.today()).rate == 0
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.subject_type == "vat_number")
    ).all()
    assert actions == ["vat_number.submit", "vat_number.reject", "vat_number.verify"]


def test_an_irish_vat_number_earns_no_reverse_charge_at_home(app):
    add_rates()
    buyer = professional_in("IE")
    give_vat_number(buyer, "IE6388047V")
    decision = tax_for(TaxClass.STANDARD, buyer, DUBLIN, date.today())
    assert decision.treatment == TaxTreatment.TAXED and decision.rate == Decimal("23")
    assert decision.buyer_vat_number == "IE6388047V"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("FR00303265045", "check digits"),
        ("FR4030326504", "not as long"),
        ("XX123456789", "not the prefix of an EU member state"),
        ("", "country prefix"),
    ],
)
def test_a_vat_number_that_fails_its_check_says_why(app, text, why):
    with pytest.raises(TaxError) as refused:
        check_vat_number(text)
    assert refused.value.field == "vat_number" and why in refused.value.message


def test_the_tax_settings_page_shows_a_vat_number_error_beside_the_field(
    app, client, login, csrf_token
):
    buyer = professional_in("FR")
    db.session.commit()  # the refused post rolls back what the request did, not the setup
    login(buyer)
    token = csrf_token("/account/tax")
    response = client.post(
        "/account/tax/vat-number", data={"csrf_token": token, "vat_number": "FR00303265045"}
    )
    assert response.status_code == 400
    assert any("check digits" in error for error in field_errors(response.text, "vat_number"))
    response = client.post(
        "/account/tax/vat-number", data={"csrf_token": token, "vat_number": "FR40303265045"}
    )
    assert response.status_code == 303, response.headers.get("Location")
    page = client.get("/account/tax").text
    assert "FR40303265045" in page and "The shop will confirm it" in page


def _certificate(buyer, *, expires_on=None, region="CA"):
    return submit_certificate(
        buyer,
        kind="resale",
        region=region,
        number="SR-123-456",
        expires_on=expires_on or date.today() + timedelta(days=200),
        document=UploadedDocument("cert.pdf", "application/pdf", PDF_BYTES, "0" * 64),
        today=date.today(),
    )


def test_a_state_rate_applies_and_an_approved_certificate_exempts_orders_there(app):
    add_rates(*US_RATES)
    buyer = professional_in("US", "CA")
    assert tax_for(TaxClass.STANDARD, buyer, LOS_ANGELES, date.today()).rate == Decimal("7.25")
    assert tax_for(TaxClass.STANDARD, buyer, LOS_ANGELES, date.today()).tax_name == "sales tax"
    certificate = _certificate(buyer)
    assert tax_for(TaxClass.STANDARD, buyer, LOS_ANGELES, date.today()).rate == Decimal("7.25")
    approve_certificate(make_admin(), certificate.id)
    decision = tax_for(TaxClass.STANDARD, buyer, LOS_ANGELES, date.today())
    assert decision.treatment == TaxTreatment.EXEMPT and decision.rate == 0
    assert "SR-123-456" in decision.note and "California" in decision.note
    assert mail_to(buyer.email)[-1].subject == "Your tax exemption certificate is approved"
    # Not after it expires.
    later = certificate.expires_on + timedelta(days=1)
    assert tax_for(TaxClass.STANDARD, buyer, LOS_ANGELES, later).treatment == TaxTreatment.TAXED


def test_a_rejected_certificate_needs_a_reason_and_mails_it(app):
    buyer = professional_in("US", "CA")
    certificate = _certificate(buyer)
    with pytest.raises(TaxError, match="reason"):
        reject_certificate(make_admin(), certificate.id, reason=" ")
    reject_certificate(make_admin(), certificate.id, reason="The signature is missing.")
    assert "The signature is missing." in mail_to(buyer.email)[-1].body_text
    with pytest.raises(TaxError) as again:
        approve_certificate(make_admin(), certificate.id)
    assert again.value.code == TaxError.ALREADY_DECIDED


def test_an_expired_certificate_is_refused(app):
    with pytest.raises(TaxError) as refused:
        _certificate(professional_in("US", "CA"), expires_on=date.today() - timedelta(days=1))
    assert (
        refused.value.code == TaxError.CERTIFICATE_EXPIRED and refused.value.field == "expires_on"
    )


@pytest.mark.parametrize(
    ("filename", "data", "why"),
    [
        ("cert.gif", b"GIF89a" + b"\x00" * 64, "Only PDF, JPEG or PNG"),
        ("cert.pdf", PDF_BYTES + b"0" * 6000, "larger than"),
        ("cert.pdf", b"", "empty"),
    ],
)
def test_a_certificate_that_is_not_a_pdf_or_image_or_too_large_is_refused(
    app, client, login, csrf_token, monkeypatch, filename, data, why
):
    monkeypatch.setitem(app.config, "LICENCE_MAX_BYTES", 4096)
    buyer = professional_in("US", "CA")
    db.session.commit()
    login(buyer)
    response = client.post(
        "/account/tax/certificates",
        data={
            "csrf_token": csrf_token("/account/tax"),
            "kind": "resale",
            "region": "CA",
            "number": "SR-1",
            "expires_on": (date.today() + timedelta(days=30)).isoformat(),
            "document": (io.BytesIO(data), filename),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert why in response.text
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.actor_id == buyer.id)).all()


def test_no_rate_kept_means_no_tax_and_the_order_says_why(app):
    buyer = professional_in("US", "NY")
    decision = tax_for(
        TaxClass.STANDARD,
        buyer,
        shipping_address(country="US", region="NY", city="New York", postal_code="10001"),
        date.today(),
    )
    assert decision.treatment == TaxTreatment.NO_RATE and decision.rate == 0
    assert "Export outside the European Union" in decision.note


def test_prices_entered_gross_keep_the_price_and_take_the_tax_out(app, monkeypatch):
    monkeypatch.setitem(app.config, "PRICES_ENTERED", "gross")
    add_rates()
    product = make_product(price_cents=12300, stock=10)
    order = order_for(professional_in("IE"), DUBLIN, (product, 1))
    line = order.lines[0]
    assert (line.net_cents, line.tax_cents, line.gross_cents) == (10000, 2300, 12300)
    assert order.prices_include_tax
    assert order.total_cents == 12300 + 1500  # shipping 15.00 gross


def test_the_payment_refuses_an_order_whose_tax_changed_since_checkout(app):
    add_rates()
    product = make_product(price_cents=10000, stock=10)
    buyer = professional_in("FR")
    order = order_for(buyer, PARIS, (product, 1))
    require_same_tax(order, date.today())
    give_vat_number(buyer)
    with pytest.raises(ShopError) as refused:
        require_same_tax(order, date.today())
    assert refused.value.code == TaxError.TAX_CHANGED and refused.value.status == 409


# The rates table -------------------------------------------------------------------


def _fields(**changes):
    values = dict(
        country="IE", region="", tax_class="standard", rate="23", valid_from=date(2026, 1, 1)
    )
    values.update(changes)
    return RateFields(**values)


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"rate": "-1"}, TaxError.NEGATIVE_RATE, "rate"),
        ({"rate": "101"}, TaxError.INVALID_RATE, "rate"),
        ({"rate": "abc"}, TaxError.INVALID_RATE, "rate"),
        ({"country": "QQ"}, TaxError.UNKNOWN_COUNTRY, "country"),
        ({"country": "US", "region": "Atlantis"}, TaxError.UNKNOWN_REGION, "region"),
        ({"region": "Dublin"}, TaxError.UNKNOWN_REGION, "region"),
        ({"valid_to": date(2025, 1, 1)}, TaxError.INVALID_RATE, "valid_to"),
    ],
)
def test_a_bad_rate_is_refused_with_its_field(app, changes, code, field):
    with pytest.raises(TaxError) as refused:
        add_rate(make_admin(), _fields(**changes), today=date(2026, 6, 1))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert db.session.scalars(select(TaxRate)).all() == []


def test_overlapping_dates_are_refused_and_a_newer_rate_ends_an_open_ended_one(app):
    admin = make_admin()
    first = add_rate(admin, _fields(valid_to=date(2026, 12, 31)), today=date(2026, 6, 1))
    with pytest.raises(TaxError) as refused:
        add_rate(admin, _fields(valid_from=date(2026, 6, 1), rate="21"), today=date(2026, 6, 1))
    assert refused.value.code == TaxError.OVERLAPPING_RATE
    open_ended = add_rate(admin, _fields(valid_from=date(2027, 1, 1)), today=date(2026, 6, 1))
    newer = add_rate(admin, _fields(valid_from=date(2028, 1, 1), rate="24"), today=date(2026, 6, 1))
    assert open_ended.valid_to == date(2027, 12, 31) and newer.valid_to is None
    assert first.valid_to == date(2026, 12, 31)
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.subject_type == "tax_rate")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["tax_rate.add", "tax_rate.add", "tax_rate.end", "tax_rate.add"]


def test_a_rate_used_by_an_order_is_never_changed_or_deleted(app):
    [rate, *_] = add_rates()
    order_for(professional_in("IE"), DUBLIN, (make_product(stock=5), 1))
    admin = make_admin()
    for attempt in (
        lambda: change_rate(admin, rate.id, _fields(rate="25"), today=date.today()),
        lambda: delete_rate(admin, rate.id),
    ):
        with pytest.raises(TaxError) as refused:
            attempt()
        assert refused.value.code == TaxError.RATE_IN_USE
    db.session.refresh(rate)
    assert rate.rate == Decimal("23")


def test_a_rate_changed_while_an_order_is_priced_refuses_that_order(app):
    from shop.tax.services import record_use

    [rate, *_] = add_rates()
    decision = tax_for(TaxClass.STANDARD, professional_in("IE"), DUBLIN, date.today())
    rate.rate = Decimal("21")  # an administrator's correction, committed meanwhile
    db.session.flush()
    with pytest.raises(TaxError) as refused:
        record_use([decision], utcnow())
    assert refused.value.code == TaxError.RATE_CHANGED
