"""Numbers without gaps or repeats: ``INV-2026-000123``, ``CN-2026-000004``.

A number is taken by incrementing the series' counter row for the year, in the
caller's transaction: the UPDATE locks the row until that transaction ends, so
concurrent payments take numbers one after the other, and a transaction that rolls
back gives its number back with it. Never a sequence, which skips on rollback.
"""

from __future__ import annotations

from sqlalchemy import update

from shop.billing.models import DocumentCounter
from shop.database import insert_on_conflict
from shop.extensions import db

INVOICE_SERIES = "INV"
CREDIT_NOTE_SERIES = "CN"


def take_number(series: str, year: int) -> int:
    """The next number of ``series`` in ``year``; the counter row stays locked until commit."""
    bump = (
        update(DocumentCounter)
        .where(DocumentCounter.series == series, DocumentCounter.year == year)
        .values(last_number=DocumentCounter.last_number + 1)
        .returning(DocumentCounter.last_number)
        .execution_options(synchronize_session=False)
    )
    number = db.session.execute(bump).scalar()
    if number is None:
        # The year's first document: make its counter, which a concurrent transaction
        # may be making too (then this one waits for it and inserts nothing).
        db.session.execute(
            insert_on_conflict(DocumentCounter)
            .values(series=series, year=year, last_number=0)
            .on_conflict_do_nothing()
        )
        number = db.session.execute(bump).scalar_one()
    return number


def document_number(series: str, year: int, sequence: int) -> str:
    return f"{series}-{year}-{sequence:06d}"
