"""Invoices, credit notes, and the counters that number them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from shop.database import UTCDateTime, utcnow
from shop.extensions import db
from shop.orders.models import Order


class DocumentCounter(db.Model):
    """The last number given in a series ("INV", "CN") in a year: the row that is locked
    while a number is taken, so numbers follow each other without gaps or repeats."""

    __tablename__ = "document_counters"

    series: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


# The PDF, its size and its digest are stored together or not at all.
PDF_ALL_OR_NOTHING = "(pdf IS NULL) = (size_bytes IS NULL) AND (pdf IS NULL) = (sha256 IS NULL)"


class _Document:
    """What an invoice and a credit note share: a number, a date, figures, the PDF.

    The number and the figures are the legal record, stored in the transaction that
    issues the document. The PDF is rendered from them afterwards (billing.services
    ``rendered_pdf``), once, and stored with its size and SHA-256: until then the three
    are empty, and from then on they never change."""

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)  # INV-2026-000123
    year: Mapped[int] = mapped_column(Integer)
    sequence: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    currency: Mapped[str] = mapped_column(String(3))
    net_cents: Mapped[int] = mapped_column(Integer)
    tax_cents: Mapped[int] = mapped_column(Integer)
    total_cents: Mapped[int] = mapped_column(Integer)
    buyer_name: Mapped[str] = mapped_column(String(120))
    clinic_name: Mapped[str] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    buyer_vat_number: Mapped[str] = mapped_column(String(20), default="")
    size_bytes: Mapped[int | None] = mapped_column(Integer)
    sha256: Mapped[str | None] = mapped_column(String(64))
    # Deferred: lists never load the documents themselves.
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)

    @property
    def filename(self) -> str:
        return f"{self.number}.pdf"


class Invoice(_Document, db.Model):
    __tablename__ = "invoices"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_invoices_year_sequence"),
        CheckConstraint("total_cents = net_cents + tax_cents", name="total_adds_up"),
        CheckConstraint(PDF_ALL_OR_NOTHING, name="pdf_all_or_nothing"),
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"), unique=True)
    order: Mapped[Order] = relationship(
        backref=backref("invoice", uselist=False, viewonly=True), viewonly=True
    )

    def __repr__(self) -> str:
        return f"<Invoice {self.number}>"


class CreditNote(_Document, db.Model):
    __tablename__ = "credit_notes"
    __table_args__ = (
        UniqueConstraint("year", "sequence", name="uq_credit_notes_year_sequence"),
        CheckConstraint("total_cents = net_cents + tax_cents", name="total_adds_up"),
        CheckConstraint(PDF_ALL_OR_NOTHING, name="pdf_all_or_nothing"),
        Index("ix_credit_notes_order", "order_id"),
    )

    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("invoices.id", ondelete="RESTRICT"), index=True
    )
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="RESTRICT"))
    reason: Mapped[str] = mapped_column(Text, default="")

    invoice: Mapped[Invoice] = relationship(viewonly=True)
    order: Mapped[Order] = relationship(
        backref=backref("credit_notes", order_by="CreditNote.id", viewonly=True), viewonly=True
    )
    lines: Mapped[list[CreditNoteLine]] = relationship(order_by="CreditNoteLine.id")

    def __repr__(self) -> str:
        return f"<CreditNote {self.number}>"


class CreditNoteLine(db.Model):
    """What a credit note gives back at one tax rate."""

    __tablename__ = "credit_note_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    credit_note_id: Mapped[int] = mapped_column(
        ForeignKey("credit_notes.id", ondelete="CASCADE"), index=True
    )
    tax_rate: Mapped[Decimal] = mapped_column(Numeric(6, 3))
    net_cents: Mapped[int] = mapped_column(Integer)
    tax_cents: Mapped[int] = mapped_column(Integer)


@event.listens_for(Invoice, "before_update")
@event.listens_for(Invoice, "before_delete")
@event.listens_for(CreditNote, "before_update")
@event.listens_for(CreditNote, "before_delete")
@event.listens_for(CreditNoteLine, "before_update")
@event.listens_for(CreditNoteLine, "before_delete")
def _documents_never_change(_mapper, _connection, target) -> None:
    # The one change allowed, storing the PDF the first time, is billing.services
    # ``rendered_pdf``'s UPDATE ... WHERE pdf IS NULL, which the database itself makes
    # happen once; an UPDATE statement passes no mapper hook, a change through the
    # session always does.
    raise RuntimeError(f"{target!r} is issued and cannot change")
