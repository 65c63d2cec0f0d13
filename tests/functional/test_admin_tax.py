"""The back office's tax page: the rates table through its forms, VAT numbers and
exemption certificates decided with an audit event and a mail."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from shop.audit.models import AuditEvent
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.documents import UploadedDocument
from shop.tax.certificates import submit_certificate
from shop.tax.enums import CertificateStatus, VatNumberStatus
from shop.tax.models import TaxRate
from tests.factories import PDF_BYTES, make_licence, make_professional, make_user
from tests.functional.conftest import field_errors, mail_to
from tests.taxes import add_rates, give_vat_number


def rate_form(**changes):
    data = {
        "country": "IE",
        "region": "",
        "tax_class": "standard",
        "rate": "23",
        "valid_from": "2026-01-01",
        "valid_to": "",
    }
    data.update(changes)
    return data


def test_an_administrator_adds_a_rate_and_it_is_listed(app, client, admin, post_form):
    response = post_form("/admin/tax/rates/new", rate_form())
    assert response.status_code == 303
    [rate] = db.session.scalars(select(TaxRate)).all()
    assert (rate.country, str(rate.rate)) == ("IE", "23.000")
    page = client.get("/admin/tax").text
    assert "Ireland" in page and "VAT 23%" in page
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "tax_rate.add"))
    assert event.actor_id == admin.id and "Ireland, standard rate" in event.reason


def test_bad_rates_get_their_fields_error_and_nothing_is_saved(app, client, admin, post_form):
    db.session.commit()  # a refused post rolls back the request's work, not the setup
    for changes, field, words in (
        ({"rate": "-5"}, "rate", "cannot be negative"),
        ({"country": "US", "region": "Narnia"}, "region", "not a region of United States"),
        ({"valid_to": "2025-01-01"}, "valid_to", "cannot come before"),
    ):
        response = post_form("/admin/tax/rates/new", rate_form(**changes))
        assert response.status_code == 422
        assert any(words in error for error in field_errors(response.text, field)), changes
    assert db.session.scalars(select(TaxRate)).all() == []


def test_an_overlapping_rate_is_refused_with_the_reason(app, client, admin, post_form):
    db.session.commit()
    post_form("/admin/tax/rates/new", rate_form(valid_to="2026-12-31"))
    response = post_form("/admin/tax/rates/new", rate_form(valid_from="2026-06-01", rate="21"))
    assert response.status_code == 422
    assert any("overlap" in error for error in field_errors(response.text, "valid_from"))


def test_a_used_rate_offers_no_change_and_an_unused_one_is_corrected(app, client, admin, post_form):
    [used, unused, *_] = add_rates()
    used.used_at = utcnow()
    db.session.commit()
    response = client.get(f"/admin/tax/rates/{used.id}")
    assert response.status_code == 303 and response.location.endswith("/admin/tax/rates/new")
    response = post_form(
        f"/admin/tax/rates/{unused.id}",
        rate_form(tax_class="reduced", rate="13.5", valid_from="2020-01-01"),
        page=f"/admin/tax/rates/{unused.id}",
    )
    assert response.status_code == 303
    db.session.refresh(unused)
    assert str(unused.rate) == "13.500"
    response = post_form(f"/admin/tax/rates/{used.id}/delete", {}, page="/admin/tax")
    assert response.status_code == 303
    assert db.session.get(TaxRate, used.id) is not None


def test_the_page_names_places_shipping_serves_without_a_rate(app, client, admin):
    from tests.factories import make_shipping

    make_shipping(areas="IE, GB")
    add_rates(("IE", "", "standard", "23"))
    db.session.commit()
    page = client.get("/admin/tax").text
    assert "United Kingdom" in page and "no standard rate today" in page


def test_an_administrator_verifies_or_refuses_a_vat_number(app, client, admin, post_form):
    buyer = make_user()
    make_licence(buyer, country="FR", region="")
    row = give_vat_number(buyer)
    db.session.commit()
    response = post_form(f"/admin/tax/vat-numbers/{row.id}/verify", {}, page="/admin/tax")
    assert response.status_code == 303
    db.session.refresh(row)
    assert row.status == VatNumberStatus.VERIFIED
    response = post_form(
        f"/admin/tax/vat-numbers/{row.id}/reject", {"reason": "Closed company."}, page="/admin/tax"
    )
    db.session.refresh(row)
    assert row.status == VatNumberStatus.REJECTED and row.reason == "Closed company."
    assert [m.subject for m in mail_to(buyer.email)] == [
        "Your VAT number is confirmed",
        "Your VAT number was not accepted",
    ]


def test_an_administrator_approves_a_certificate_and_downloads_it(app, client, admin, post_form):
    buyer = make_professional()
    certificate = submit_certificate(
        buyer,
        kind="exemption",
        region="New York",
        number="ST-120",
        expires_on=date.today() + timedelta(days=90),
        document=UploadedDocument("st-120.pdf", "application/pdf", PDF_BYTES, "0" * 64),
        today=date.today(),
    )
    db.session.commit()
    assert certificate.region == "NY"
    page = client.get("/admin/tax").text
    assert "ST-120" in page and "New York, United States" in page
    document = client.get(f"/admin/tax/certificates/{certificate.id}/document")
    assert document.status_code == 200 and document.data == PDF_BYTES
    response = post_form(f"/admin/tax/certificates/{certificate.id}/approve", {}, page="/admin/tax")
    assert response.status_code == 303
    db.session.refresh(certificate)
    assert certificate.status == CertificateStatus.APPROVED and certificate.reviewer_id == admin.id
    assert (
        db.session.scalar(
            select(AuditEvent.action)
            .where(AuditEvent.subject_type == "exemption_certificate")
            .order_by(AuditEvent.id.desc())
        )
        == "exemption_certificate.approve"
    )
    assert mail_to(buyer.email)[-1].subject == "Your tax exemption certificate is approved"


def test_the_back_office_tax_page_is_closed_to_professionals(app, client, login):
    login(make_professional())
    assert client.get("/admin/tax").status_code == 404
    assert client.get("/admin/invoices").status_code == 404
