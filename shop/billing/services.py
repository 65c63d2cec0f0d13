"""Issuing invoices and credit notes, rendering their PDFs, and finding them again.

An invoice is issued when an order becomes paid (``orders.signals.order_paid``, sent
by the one transition that marks an order paid, whether a webhook, the return page
or reconciliation called it), in that same transaction; its PDF goes with the buyer's
"paid" mail. A credit note is issued for every refund recorded against an invoiced
order (``orders.signals.order_refunded``: the back office, or Stripe's dashboard
through a webhook or reconciliation), in the transaction that records it, and is
mailed to the buyer. An order paid only after it was cancelled has no invoice, and
its refund no credit note: nothing was sold.

Issuing stores the number and the figures, the legal record, and renders nothing:
WeasyPrint takes about 0.2 s a document, which would hold the series' counter row
(billing.numbering) locked and pay the orders one after the other. The PDF is
rendered from what was stored (the document, the order's snapshot of its lines,
address and tax) the first time it is wanted: by the worker as it sends the mail
that carries it (``attachment_source``), or by a download that comes first. It is
then stored with its SHA-256 and never changes: every server serves the same bytes.
Services flush and never commit, except ``rendered_pdf``, which stores the PDF in a
transaction of its own (its docstring says why).
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from sqlalchemy import select, update

from shop.accounts.models import User
from shop.billing.models import CreditNote, CreditNoteLine, Invoice
from shop.billing.numbering import (
    CREDIT_NOTE_SERIES,
    INVOICE_SERIES,
    document_number,
    take_number,
)
from shop.database import utcnow
from shop.extensions import db
from shop.mail.services import Attachment, attachment_source, external_url, queue_mail
from shop.orders.models import Order
from shop.orders.signals import order_paid, order_refunded
from shop.pdf import html_to_pdf
from shop.spreadsheet import guard_cell
from shop.tax.rounding import RatePart, split_credit
from shop.tax.seller import seller_of
from shop.templating import format_money

PDF = "application/pdf"


def _rate(value: Decimal) -> str:
    return f"{format(Decimal(value).normalize(), 'f')}%"


def _render(template: str, **context) -> bytes:
    # The bare template, as mail does: documents are issued from requests, the CLI and
    # the worker alike, and need nothing from a request.
    html = current_app.jinja_env.get_template(template).render(
        seller=seller_of(current_app.config), rate=_rate, **context
    )
    return html_to_pdf(html)


def _figures(document, order: Order) -> None:
    document.buyer_name = order.user.name
    document.clinic_name = order.clinic_name
    document.country = order.country
    document.buyer_vat_number = order.buyer_vat_number
    document.currency = order.currency


def find_invoice(order: Order) -> Invoice | None:
    return db.session.scalar(select(Invoice).where(Invoice.order_id == order.id))


def issue_invoice(order: Order, *, now: datetime | None = None) -> Invoice:
    """The paid order's invoice, numbered now (its PDF comes later: ``rendered_pdf``).
    Once per order: ``order_paid`` is sent once, as the locked order becomes paid, and
    the database refuses a second invoice for an order."""
    issued_at = now or order.paid_at or utcnow()
    sequence = take_number(INVOICE_SERIES, issued_at.year)
    invoice = Invoice(
        number=document_number(INVOICE_SERIES, issued_at.year, sequence),
        year=issued_at.year,
        sequence=sequence,
        issued_at=issued_at,
        issued_on=issued_at.date(),
        order_id=order.id,
        net_cents=order.subtotal_cents + order.shipping_cents,
        tax_cents=order.tax_cents,
        total_cents=order.total_cents,
    )
    _figures(invoice, order)
    db.session.add(invoice)
    db.session.flush()
    return invoice


@order_paid.connect
def _invoice_paid_order(order: Order) -> list[Attachment]:
    invoice = issue_invoice(order)
    return [Attachment(invoice.filename, PDF, source="invoice", source_id=invoice.id)]


def _render_document(document: Invoice | CreditNote) -> bytes:
    """The document's PDF, from what was stored when it was issued."""
    if isinstance(document, Invoice):
        return _render(
            "billing/invoice.html",
            order=document.order,
            number=document.number,
            issued_on=document.issued_on,
            buyer_name=document.buyer_name,
        )
    parts = [RatePart(line.tax_rate, line.net_cents, line.tax_cents) for line in document.lines]
    return _render(
        "billing/credit_note.html",
        order=document.order,
        invoice=document.invoice,
        number=document.number,
        issued_on=document.issued_on,
        buyer_name=document.buyer_name,
        parts=parts,
        net_cents=document.net_cents,
        tax_cents=document.tax_cents,
        total_cents=document.total_cents,
        reason=document.reason,
    )


def rendered_pdf(document: Invoice | CreditNote) -> bytes:
    """The document's PDF: rendered and stored the first time it is asked for, the
    stored bytes ever after.

    When it renders, it commits twice: once to end the transaction the rendering read
    in, once to store the PDF in a transaction of its own. SQLite cannot turn a
    transaction that has read into a writer once another process has written meanwhile
    ("database is locked", shop/database.py), and a render takes a fifth of a second
    on a shop that keeps writing; a transaction whose first statement is the write
    waits for the lock like any other writer. Its callers (the download and the mail
    worker) have nothing pending.

    The PDF is stored by one UPDATE that finds it still empty, so it is stored once
    even when two processes render it at the same moment: the second stores nothing
    and reads the first one's bytes."""
    if document.pdf is not None:
        return document.pdf
    pdf = _render_document(document)
    db.session.commit()
    model = type(document)
    db.session.execute(
        update(model)
        .where(model.id == document.id, model.pdf.is_(None))
        .values(pdf=pdf, size_bytes=len(pdf), sha256=hashlib.sha256(pdf).hexdigest())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(document, ["pdf", "size_bytes", "sha256"])
    return document.pdf


@attachment_source("invoice")
def _invoice_attachment(invoice_id: int) -> bytes:
    return rendered_pdf(db.session.get(Invoice, invoice_id))


@attachment_source("credit_note")
def _credit_note_attachment(credit_note_id: int) -> bytes:
    return rendered_pdf(db.session.get(CreditNote, credit_note_id))


def credit_notes_of(order: Order) -> list[CreditNote]:
    return list(
        db.session.scalars(
            select(CreditNote).where(CreditNote.order_id == order.id).order_by(CreditNote.id)
        )
    )


def left_to_credit(order: Order, credit_notes: list[CreditNote]) -> list[RatePart]:
    """The invoice's figures per rate, less what credit notes already gave back."""
    credited: dict[Decimal, list[int]] = {}
    for note in credit_notes:
        for line in note.lines:
            entry = credited.setdefault(Decimal(line.tax_rate).normalize(), [0, 0])
            entry[0] += line.net_cents
            entry[1] += line.tax_cents
    parts = []
    for total in order.tax_by_rate:
        net, tax = credited.get(Decimal(total.rate).normalize(), (0, 0))
        parts.append(RatePart(Decimal(total.rate), total.net_cents - net, total.tax_cents - tax))
    return parts


def issue_credit_note(
    order: Order, amount_cents: int, *, reason: str, now: datetime | None = None
) -> CreditNote | None:
    """A credit note for ``amount_cents`` given back on the order, numbered now (its PDF
    comes later: ``rendered_pdf``); None without an invoice."""
    invoice = find_invoice(order)
    if invoice is None:
        return None
    issued_at = now or utcnow()
    parts = split_credit(amount_cents, left_to_credit(order, credit_notes_of(order)))
    sequence = take_number(CREDIT_NOTE_SERIES, issued_at.year)
    net = sum(part.net_cents for part in parts)
    tax = sum(part.tax_cents for part in parts)
    note = CreditNote(
        number=document_number(CREDIT_NOTE_SERIES, issued_at.year, sequence),
        year=issued_at.year,
        sequence=sequence,
        issued_at=issued_at,
        issued_on=issued_at.date(),
        invoice_id=invoice.id,
        order_id=order.id,
        net_cents=net,
        tax_cents=tax,
        total_cents=net + tax,
        reason=reason,
        lines=[
            CreditNoteLine(tax_rate=part.rate, net_cents=part.net_cents, tax_cents=part.tax_cents)
            for part in parts
        ],
    )
    _figures(note, order)
    db.session.add(note)
    db.session.flush()
    return note


@order_refunded.connect
def _credit_refund(order: Order, *, amount_cents: int, source: str) -> None:
    note = issue_credit_note(order, amount_cents, reason=source)
    if note is None:
        return
    queue_mail(
        order.user.email,
        f"Credit note {note.number} for order {order.number}",
        "credit_note",
        attachments=[Attachment(note.filename, PDF, source="credit_note", source_id=note.id)],
        order=order,
        credit_note=note,
        order_url=external_url("orders.detail", number=order.number),
        format_money=format_money,
    )


# Finding them again ---------------------------------------------------------------


def _viewable(order: Order | None, viewer: User) -> bool:
    return order is not None and (order.user_id == viewer.id or viewer.is_admin)


def find_invoice_for_viewer(order_number: str, viewer: User) -> Invoice | None:
    """The order's invoice, if ``viewer`` bought the order or is an administrator."""
    invoice = db.session.scalar(
        select(Invoice)
        .join(Order, Order.id == Invoice.order_id)
        .where(Order.number == order_number)
    )
    return invoice if invoice is not None and _viewable(invoice.order, viewer) else None


def find_credit_note_for_viewer(order_number: str, number: str, viewer: User) -> CreditNote | None:
    note = db.session.scalar(
        select(CreditNote)
        .join(Order, Order.id == CreditNote.order_id)
        .where(Order.number == order_number, CreditNote.number == number)
    )
    return note if note is not None and _viewable(note.order, viewer) else None


@dataclass(frozen=True)
class DocumentRow:
    """An invoice or a credit note as the back office's list and CSV show it."""

    kind: str  # "invoice" or "credit note"
    number: str
    issued_on: date
    order_number: str
    refers_to: str  # a credit note's invoice
    buyer_name: str
    clinic_name: str
    country: str
    buyer_vat_number: str
    currency: str
    net_cents: int
    tax_cents: int
    total_cents: int

    @property
    def sign(self) -> int:
        return -1 if self.kind == "credit note" else 1


def list_documents(date_from: date | None = None, date_to: date | None = None) -> list[DocumentRow]:
    """Invoices and credit notes issued from ``date_from`` to ``date_to`` (both included),
    oldest first, as an accountant reads them."""
    invoices = select(Invoice, Order.number).join(Order, Order.id == Invoice.order_id)
    notes = (
        select(CreditNote, Order.number, Invoice.number)
        .join(Order, Order.id == CreditNote.order_id)
        .join(Invoice, Invoice.id == CreditNote.invoice_id)
    )
    if date_from is not None:
        invoices = invoices.where(Invoice.issued_on >= date_from)
        notes = notes.where(CreditNote.issued_on >= date_from)
    if date_to is not None:
        invoices = invoices.where(Invoice.issued_on <= date_to)
        notes = notes.where(CreditNote.issued_on <= date_to)
    rows = [
        _row("invoice", invoice, order_number, "")
        for invoice, order_number in db.session.execute(invoices)
    ] + [
        _row("credit note", note, order_number, invoice_number)
        for note, order_number, invoice_number in db.session.execute(notes)
    ]
    return sorted(rows, key=lambda row: (row.issued_on, row.kind != "invoice", row.number))


def _row(kind: str, document, order_number: str, refers_to: str) -> DocumentRow:
    return DocumentRow(
        kind=kind,
        number=document.number,
        issued_on=document.issued_on,
        order_number=order_number,
        refers_to=refers_to,
        buyer_name=document.buyer_name,
        clinic_name=document.clinic_name,
        country=document.country,
        buyer_vat_number=document.buyer_vat_number,
        currency=document.currency,
        net_cents=document.net_cents,
        tax_cents=document.tax_cents,
        total_cents=document.total_cents,
    )


CSV_COLUMNS = (
    "type",
    "number",
    "issue_date",
    "order",
    "credits_invoice",
    "buyer",
    "clinic",
    "country",
    "buyer_vat_number",
    "currency",
    "net",
    "tax",
    "gross",
)


def _amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def documents_csv(rows: list[DocumentRow]) -> Iterator[str]:
    """The rows as CSV for the accountant: amounts in currency units, credit notes negative."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow(
            [
                row.kind,
                row.number,
                row.issued_on.isoformat(),
                row.order_number,
                row.refers_to,
                guard_cell(row.buyer_name),
                guard_cell(row.clinic_name),
                row.country,
                row.buyer_vat_number,
                row.currency,
                _amount(row.sign * row.net_cents),
                _amount(row.sign * row.tax_cents),
                _amount(row.sign * row.total_cents),
            ]
        )
    yield buffer.getvalue()
