"""Invoices and credit notes: issued with the payment and with each refund, numbered
without gaps per year, rendered to PDF after that transaction (by the mail that carries
it, or the first download) and stored once (read back here with pypdf), served only to
the buyer and administrators, listed and exported for the accountant."""

from __future__ import annotations

import csv
import email
import hashlib
import io
from datetime import date

import pytest
import time_machine
from pypdf import PdfReader
from sqlalchemy import select, update

import shop.billing.services as billing_services
from shop.billing.models import CreditNote, Invoice
from shop.billing.services import rendered_pdf
from shop.checkout.placing import place_order
from shop.checkout.services import add_to_cart
from shop.database import utcnow
from shop.extensions import db
from shop.inventory.services import today
from shop.mail.delivery import build_email, deliver_due_messages
from shop.orders.services import PaymentFacts, mark_paid, record_refund
from shop.pdf import html_to_pdf
from tests.factories import (
    STANDARD,
    make_admin,
    make_licence,
    make_product,
    make_professional,
    make_shipping,
    make_user,
    shipping_address,
)
from tests.functional.conftest import mail_to
from tests.payments.signed_events import event, intent_object, post_event
from tests.taxes import add_rates, give_vat_number

DUBLIN = shipping_address(region="Co. Dublin", clinic_name="Merrion Clinic")


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def count_renders(monkeypatch) -> list[str]:
    """The titles of the documents rendered to PDF from now on, as WeasyPrint is called."""
    renders: list[str] = []

    def render(html: str) -> bytes:
        renders.append(html[html.index("<title>") + 7 : html.index("</title>")])
        return html_to_pdf(html)

    monkeypatch.setattr(billing_services, "html_to_pdf", render)
    return renders


def facts(order, **changes) -> PaymentFacts:
    values = dict(
        payment_intent_id=f"pi_{order.number}",
        status="succeeded",
        amount_cents=order.total_cents,
        currency=order.currency.lower(),
        source="test",
    )
    values.update(changes)
    return PaymentFacts(**values)


def paid_order(buyer=None, address=DUBLIN, price_cents=14900, packs=1):
    buyer = buyer or make_professional(name="Dr Aoife Byrne")
    make_shipping(areas="IE, FR")
    add_to_cart(
        buyer,
        make_product("Hydra HA 20", price_cents=price_cents, stock=20).id,
        packs,
        today=today(),
    )
    order = place_order(buyer, address, STANDARD, now=utcnow())
    order.payment_intent_id = f"pi_{order.number}"
    assert mark_paid(order, facts(order)) == "paid"
    return order


def test_paying_issues_the_invoice_without_rendering_and_the_paid_mail_carries_its_pdf(
    app, monkeypatch
):
    add_rates()
    renders = count_renders(monkeypatch)
    order = paid_order()
    invoice = db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))
    year = order.paid_at.year
    assert invoice.number == f"INV-{year}-000001"
    assert (invoice.net_cents, invoice.tax_cents, invoice.total_cents) == (16400, 3772, 20172)
    assert (invoice.pdf, invoice.size_bytes, invoice.sha256) == (None, None, None)
    assert renders == []
    [paid_mail] = [m for m in mail_to(order.user.email) if "is paid" in m.subject]
    assert invoice.number in paid_mail.body_text and "VAT 23%: €37.72" in paid_mail.body_text
    # The worker builds the mail: the PDF is rendered then, and stored.
    message = email.message_from_bytes(
        build_email(paid_mail, "shop@example.org").as_bytes(), policy=email.policy.default
    )
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"{invoice.number}.pdf"
    assert attachment.get_content() == invoice.pdf and len(renders) == 1
    assert invoice.sha256 == hashlib.sha256(invoice.pdf).hexdigest()
    assert invoice.size_bytes == len(invoice.pdf)
    text = pdf_text(invoice.pdf)
    for expected in (
        invoice.number,
        "MesoPro Supplies Limited (demo)",
        "IE6388047V",  # the seller's VAT number
        "Merrion Clinic",
        "Dr Aoife Byrne",
        order.licence.licence_number,
        "Hydra HA 20",
        "€149.00",
        "23%",
        "€34.27",  # the line's VAT
        "€3.45",  # the shipping's VAT
        "€37.72",
        "€201.72",
        order.payment_intent_id,
    ):
        assert expected in text, expected


def test_the_payment_event_commits_without_rendering_and_the_worker_mails_the_pdfs(
    app, client, monkeypatch, smtp_server, deliver_to
):
    add_rates()
    renders = count_renders(monkeypatch)
    make_shipping(areas="IE")
    buyer = make_professional(name="Dr Aoife Byrne")
    add_to_cart(buyer, make_product("Hydra HA 20", stock=5).id, 1, today=today())
    order = place_order(buyer, DUBLIN, STANDARD, now=utcnow())
    order.payment_intent_id = f"pi_{order.number}"
    db.session.commit()
    answer = post_event(client, app, event("payment_intent.succeeded", intent_object(order)))
    assert answer.get_json()["outcome"] == "paid"
    invoice = order.invoice
    assert invoice.number.startswith("INV-") and invoice.pdf is None and renders == []
    record_refund(order, facts(order, amount_refunded_cents=1000, source="refund re_1"))
    db.session.commit()
    [note] = order.credit_notes
    assert note.pdf is None and renders == []

    deliver_to(smtp_server)
    assert deliver_due_messages().sent == 2
    db.session.expire_all()
    assert renders == [f"Invoice {invoice.number}", f"Credit note {note.number}"]
    attached = {
        part.get_filename(): part.get_content()
        for received in smtp_server.messages
        for part in received.iter_attachments()
    }
    assert attached == {f"{invoice.number}.pdf": invoice.pdf, f"{note.number}.pdf": note.pdf}
    assert invoice.sha256 == hashlib.sha256(invoice.pdf).hexdigest()
    assert "Dr Aoife Byrne" in pdf_text(invoice.pdf) and note.number in pdf_text(note.pdf)


def test_a_download_before_the_worker_ran_renders_the_pdf_the_mail_then_carries(
    app, client, login, monkeypatch
):
    add_rates()
    renders = count_renders(monkeypatch)
    order = paid_order()
    db.session.commit()
    login(order.user)
    response = client.get(f"/orders/{order.number}/invoice")
    assert response.status_code == 200 and order.invoice.number in pdf_text(response.data)
    [paid_mail] = [m for m in mail_to(order.user.email) if "is paid" in m.subject]
    [attachment] = build_email(paid_mail, "shop@example.org").iter_attachments()
    assert attachment.get_content() == response.data
    assert len(renders) == 1


def test_the_invoice_says_reverse_charge_and_the_buyers_vat_number(app):
    add_rates()
    buyer = make_user(name="Dr Claire Martin")
    make_licence(buyer, country="FR", region="")
    give_vat_number(buyer)
    paris = shipping_address(
        clinic_name="Cabinet Rivoli",
        address_line1="12 rue de Rivoli",
        city="Paris",
        postal_code="75001",
        country="FR",
    )
    order = paid_order(buyer, paris)
    text = pdf_text(rendered_pdf(order.invoice))
    assert "Reverse charge" in text and "FR40303265045" in text and "Cabinet Rivoli" in text
    assert order.invoice.tax_cents == 0


def test_an_invoice_rendered_after_the_product_or_the_buyer_changed_shows_the_sale(
    app, client, login
):
    add_rates()
    order = paid_order()
    product = order.lines[0].product
    product.name, product.price_cents = "Renamed", 99
    order.user.name = "Someone Else"
    db.session.commit()
    login(order.user)
    response = client.get(f"/orders/{order.number}/invoice")  # the first: rendered now
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Hydra HA 20" in text and "Dr Aoife Byrne" in text and "€149.00" in text
    assert "Renamed" not in text and "Someone Else" not in text
    db.session.expire_all()
    assert order.invoice.pdf == response.data
    assert response.headers["X-Content-SHA256"] == hashlib.sha256(response.data).hexdigest()
    assert response.headers["X-Content-SHA256"] == order.invoice.sha256


def test_an_invoice_is_rendered_once_and_then_never_changes(app, client, login, monkeypatch):
    add_rates()
    renders = count_renders(monkeypatch)
    order = paid_order()
    db.session.commit()
    login(order.user)
    first = client.get(f"/orders/{order.number}/invoice").data
    [paid_mail] = [m for m in mail_to(order.user.email) if "is paid" in m.subject]
    [attachment] = build_email(paid_mail, "shop@example.org").iter_attachments()
    again = client.get(f"/orders/{order.number}/invoice").data
    assert attachment.get_content() == first == again
    assert renders == [f"Invoice {order.invoice.number}"]
    with pytest.raises(RuntimeError):
        order.invoice.total_cents = 1
        db.session.flush()
    db.session.rollback()
    with pytest.raises(RuntimeError):
        order.invoice.pdf = b"%PDF-1.7 something else"
        db.session.flush()
    db.session.rollback()


def test_a_pdf_stored_by_another_process_while_this_one_rendered_is_the_one_kept(app, monkeypatch):
    add_rates()
    order = paid_order()
    invoice = order.invoice
    theirs = b"%PDF-1.7 rendered by the other process"

    def render_while_another_stores(document):
        db.session.execute(
            update(Invoice)
            .where(Invoice.id == document.id)
            .values(pdf=theirs, size_bytes=len(theirs), sha256=hashlib.sha256(theirs).hexdigest())
        )
        return b"%PDF-1.7 rendered here"

    monkeypatch.setattr(billing_services, "_render_document", render_while_another_stores)
    assert rendered_pdf(invoice) == theirs
    assert (invoice.pdf, invoice.sha256) == (theirs, hashlib.sha256(theirs).hexdigest())


def test_another_buyers_invoice_is_a_404_and_an_administrator_gets_it(app, client, login):
    add_rates()
    order = paid_order()
    other, administrator = make_professional(), make_admin()
    db.session.commit()
    login(other)
    assert client.get(f"/orders/{order.number}/invoice").status_code == 404
    login(administrator)
    assert client.get(f"/orders/{order.number}/invoice").status_code == 200
    assert f"Invoice {order.invoice.number}" in client.get(f"/admin/orders/{order.number}").text


def test_the_order_page_offers_the_invoice(app, client, login):
    add_rates()
    order = paid_order()
    db.session.commit()
    login(order.user)
    page = client.get(f"/orders/{order.number}").text
    assert f"/orders/{order.number}/invoice" in page and order.invoice.number in page
    assert "VAT 23% on €149.00" in page and "VAT 23% on shipping" in page


def test_numbers_follow_each_other_and_start_again_each_year(app):
    add_rates()
    with time_machine.travel("2026-12-31 23:00:00+00:00", tick=False):
        first = paid_order()
        second = paid_order()
    with time_machine.travel("2027-01-01 08:00:00+00:00", tick=False):
        third = paid_order()
    assert [first.invoice.number, second.invoice.number, third.invoice.number] == [
        "INV-2026-000001",
        "INV-2026-000002",
        "INV-2027-000001",
    ]


def test_paying_twice_issues_one_invoice(app):
    add_rates()
    order = paid_order()
    assert mark_paid(order, facts(order)) == "already paid"
    assert db.session.scalars(select(Invoice)).all() == [order.invoice]


def test_every_refund_gets_a_credit_note_and_together_they_credit_the_invoice(app):
    add_rates()
    order = paid_order(price_cents=10000, packs=2)  # 200.00 + 15.00 shipping, 23%
    assert order.total_cents == 26445
    record_refund(order, facts(order, amount_refunded_cents=5000, source="refund re_1: damaged"))
    record_refund(order, facts(order, amount_refunded_cents=26445, source="webhook evt_2"))
    notes = db.session.scalars(select(CreditNote).order_by(CreditNote.id)).all()
    year = utcnow().year
    assert [note.number for note in notes] == [f"CN-{year}-000001", f"CN-{year}-000002"]
    assert [note.total_cents for note in notes] == [5000, 21445]
    assert sum(note.net_cents for note in notes) == order.invoice.net_cents
    assert sum(note.tax_cents for note in notes) == order.invoice.tax_cents
    first = pdf_text(rendered_pdf(notes[0]))
    assert notes[0].number in first and order.invoice.number in first and "-€50.00" in first
    assert "-€9.35" in first  # 50.00 × 23/123
    subjects = [m.subject for m in mail_to(order.user.email)]
    assert f"Credit note {notes[0].number} for order {order.number}" in subjects


def test_a_refund_of_an_order_paid_after_cancellation_has_no_credit_note(app):
    from shop.orders.services import cancel_order

    make_shipping(areas="IE")
    buyer = make_professional()
    add_to_cart(buyer, make_product(stock=5).id, 1, today=today())
    order = place_order(buyer, DUBLIN, STANDARD, now=utcnow())
    cancel_order(order, reason="changed my mind")
    mark_paid(order, facts(order))
    record_refund(order, facts(order, amount_refunded_cents=order.total_cents))
    assert db.session.scalars(select(Invoice)).all() == []
    assert db.session.scalars(select(CreditNote)).all() == []


def test_the_back_office_lists_invoices_by_date_and_exports_them(app, client, login):
    add_rates()
    with time_machine.travel("2026-03-10 10:00:00+00:00", tick=False):
        march = paid_order()
    with time_machine.travel("2026-05-02 10:00:00+00:00", tick=False):
        may = paid_order()
        record_refund(may, facts(may, amount_refunded_cents=1000))
    administrator = make_admin()
    db.session.commit()
    login(administrator)
    response = client.get("/admin/invoices?from=2026-04-01&to=2026-05-31")
    page = response.text
    assert response.status_code == 200, page[:3000]
    assert may.invoice.number in page and "CN-2026-000001" in page
    assert march.invoice.number not in page
    assert client.get("/admin/invoices?from=2026-05-31&to=2026-04-01").status_code == 400
    assert client.get("/admin/invoices?from=yesterday").status_code == 400
    response = client.get("/admin/invoices.csv?from=2026-01-01")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["number"] for row in rows] == [
        march.invoice.number,
        may.invoice.number,
        "CN-2026-000001",
    ]
    assert rows[1]["gross"] == "201.72" and rows[1]["tax"] == "37.72"
    assert rows[2]["type"] == "credit note" and rows[2]["gross"] == "-10.00"
    assert rows[2]["credits_invoice"] == may.invoice.number


def test_the_buyer_sees_the_credit_note_on_the_order_page(app, client, login):
    add_rates()
    order = paid_order()
    record_refund(order, facts(order, amount_refunded_cents=1000))
    db.session.commit()
    note = order.credit_notes[0]
    login(order.user)
    page = client.get(f"/orders/{order.number}").text
    assert f"Credit note {note.number}" in page
    response = client.get(f"/orders/{order.number}/credit-notes/{note.number}")
    assert response.status_code == 200 and pdf_text(response.data).startswith("Credit note")
    db.session.expire_all()
    assert response.data == note.pdf and note.sha256 == hashlib.sha256(note.pdf).hexdigest()
    login(make_professional())
    db.session.commit()
    assert client.get(f"/orders/{order.number}/credit-notes/{note.number}").status_code == 404


def test_invoice_dates_are_the_payment_day(app):
    add_rates()
    with time_machine.travel("2026-07-14 12:00:00+00:00", tick=False):
        order = paid_order()
    assert order.invoice.issued_on == date(2026, 7, 14)
    assert "14 July 2026" in pdf_text(rendered_pdf(order.invoice))
