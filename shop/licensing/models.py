"""Professional licences and their documents."""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalog.enums import Profession
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db
from shop.licensing.enums import LicenceStatus


class LicenceDocument(db.Model):
    """The uploaded scan, kept in the database so every application server can serve it."""

    __tablename__ = "licence_documents"
    __table_args__ = (CheckConstraint("size_bytes > 0", name="not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))  # cleaned, for the download's name
    content_type: Mapped[str] = mapped_column(String(64))  # judged from the content
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Deferred: listing licences never loads up to 10 MB per row.
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @classmethod
    def of(cls, filename: str, content_type: str, data: bytes) -> LicenceDocument:
        """The stored document for these bytes, with their size and SHA-256."""
        return cls(
            filename=filename,
            content_type=content_type,
            size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
        )


class Licence(db.Model):
    __tablename__ = "licences"
    __table_args__ = (
        # One submission waiting for review per professional, enforced by the database.
        Index(
            "uq_licences_one_pending_per_user",
            "user_id",
            unique=True,
            sqlite_where=db.text("status = 'pending'"),
            postgresql_where=db.text("status = 'pending'"),
        ),
        Index("ix_licences_status_submitted", "status", "submitted_at"),
        Index("ix_licences_user_submitted", "user_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    profession: Mapped[Profession] = mapped_column(enum_column(Profession))
    licence_number: Mapped[str] = mapped_column(String(64))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    region: Mapped[str] = mapped_column(String(120), default="")
    expires_on: Mapped[date] = mapped_column(Date)
    npi: Mapped[str | None] = mapped_column(String(10))  # US National Provider Identifier
    document_id: Mapped[int] = mapped_column(
        ForeignKey("licence_documents.id", ondelete="RESTRICT")
    )
    status: Mapped[LicenceStatus] = mapped_column(
        enum_column(LicenceStatus), default=LicenceStatus.PENDING
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")  # told to the professional
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
    document: Mapped[LicenceDocument] = relationship()

    def __repr__(self) -> str:
        return f"<Licence {self.id} {self.status} of user {self.user_id}>"
