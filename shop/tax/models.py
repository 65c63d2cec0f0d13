"""Tax rates by destination and product tax class, buyers' VAT numbers, and US
resale or exemption certificates."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalog.enums import TaxClass
from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db
from shop.tax.enums import CertificateKind, CertificateStatus, VatNumberStatus


class TaxRate(db.Model):
    """The rate of one tax class in a country (``region`` empty) or one of its regions,
    from ``valid_from`` to ``valid_to`` (both included; None: until further notice).

    Once an order has used it (``used_at``), it never changes: a new rate is added.
    """

    __tablename__ = "tax_rates"
    __table_args__ = (
        CheckConstraint("rate >= 0 AND rate <= 100", name="rate_within_bounds"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="dates_in_order"),
        Index("ix_tax_rates_place", "country", "region", "tax_class", "valid_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    region: Mapped[str] = mapped_column(String(80), default="")  # as addresses store it
    tax_class: Mapped[TaxClass] = mapped_column(enum_column(TaxClass))
    rate: Mapped[Decimal] = mapped_column(Numeric(6, 3))  # per cent: 23.000
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first order that took it

    def __repr__(self) -> str:
        place = f"{self.country}/{self.region}" if self.region else self.country
        return f"<TaxRate {place} {self.tax_class} {self.rate}%>"


class VatNumber(db.Model):
    """A buyer's VAT number (one per account): checked in form when given, then confirmed
    or refused by an administrator (the online VIES check is not reachable)."""

    __tablename__ = "vat_numbers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), unique=True, index=True
    )
    country: Mapped[str] = mapped_column(String(2))  # ISO code of the member state: GR for EL
    number: Mapped[str] = mapped_column(String(20))  # compact, with its prefix: FR40303265045
    status: Mapped[VatNumberStatus] = mapped_column(
        enum_column(VatNumberStatus), default=VatNumberStatus.UNVERIFIED
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])


class ExemptionCertificate(db.Model):
    """A buyer's resale or exemption certificate for one US state, with its scan."""

    __tablename__ = "exemption_certificates"
    __table_args__ = (
        CheckConstraint("size_bytes > 0", name="not_empty"),
        Index("ix_exemption_certificates_user_place", "user_id", "country", "region"),
        Index("ix_exemption_certificates_status", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[CertificateKind] = mapped_column(enum_column(CertificateKind))
    country: Mapped[str] = mapped_column(String(2), default="US")
    region: Mapped[str] = mapped_column(String(80))  # the state, as addresses store it: CA
    number: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date] = mapped_column(Date)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(64))  # judged from the content
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[CertificateStatus] = mapped_column(
        enum_column(CertificateStatus), default=CertificateStatus.PENDING
    )
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewer_id])
