"""Shipping methods, the zones they serve, their rates, and saved clinic addresses."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.database import UTCDateTime, enum_column, utcnow
from shop.extensions import db
from shop.shipping.enums import RateBasis


class ShippingMethod(db.Model):
    """A way of sending an order (standard, express, cold chain), by one carrier."""

    __tablename__ = "shipping_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)  # "express"
    name: Mapped[str] = mapped_column(String(80))
    carrier: Mapped[str] = mapped_column(String(60))
    delivery_estimate: Mapped[str] = mapped_column(String(80))  # "1 to 2 working days"
    # Packed with cooling and sent so that it stays between 2 and 8 °C: the only kind of
    # method offered for an order that holds a product requiring the cold chain.
    cold_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)  # the order buyers see them in

    rates: Mapped[list[ShippingRate]] = relationship(
        back_populates="method", order_by="ShippingRate.id"
    )

    def __repr__(self) -> str:
        return f"<ShippingMethod {self.code}>"


class ShippingZone(db.Model):
    """A set of countries, or of regions within them, that rates are given for."""

    __tablename__ = "shipping_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    areas: Mapped[list[ShippingZoneArea]] = relationship(
        back_populates="zone",
        cascade="all, delete-orphan",
        order_by="(ShippingZoneArea.country, ShippingZoneArea.region)",
    )
    rates: Mapped[list[ShippingRate]] = relationship(back_populates="zone")

    def __repr__(self) -> str:
        return f"<ShippingZone {self.name}>"


class ShippingZoneArea(db.Model):
    """A country (``region`` empty: all of it) or one region of it, in a zone."""

    __tablename__ = "shipping_zone_areas"
    __table_args__ = (
        UniqueConstraint("zone_id", "country", "region", name="uq_shipping_zone_areas_area"),
        Index("ix_shipping_zone_areas_country_region", "country", "region"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    zone_id: Mapped[int] = mapped_column(ForeignKey("shipping_zones.id", ondelete="CASCADE"))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    region: Mapped[str] = mapped_column(String(80), default="")  # as addresses store it

    zone: Mapped[ShippingZone] = relationship(back_populates="areas")


class ShippingRate(db.Model):
    """What a method costs into a zone for orders whose value or weight falls in
    ``[from_amount, up_to_amount)``; nothing from ``free_from_cents`` of value up."""

    __tablename__ = "shipping_rates"
    __table_args__ = (
        CheckConstraint("from_amount >= 0", name="from_not_negative"),
        CheckConstraint(
            "up_to_amount IS NULL OR up_to_amount > from_amount", name="bracket_not_empty"
        ),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint(
            "free_from_cents IS NULL OR free_from_cents > 0", name="free_from_positive"
        ),
        CheckConstraint("length(currency) = 3", name="currency_iso_code"),
        Index("ix_shipping_rates_method_zone", "method_id", "zone_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    method_id: Mapped[int] = mapped_column(ForeignKey("shipping_methods.id", ondelete="CASCADE"))
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("shipping_zones.id", ondelete="RESTRICT"), index=True
    )
    basis: Mapped[RateBasis] = mapped_column(enum_column(RateBasis), default=RateBasis.VALUE)
    from_amount: Mapped[int] = mapped_column(Integer, default=0)  # cents or grams, inclusive
    up_to_amount: Mapped[int | None] = mapped_column(Integer)  # exclusive; None: no limit
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    free_from_cents: Mapped[int | None] = mapped_column(Integer)

    method: Mapped[ShippingMethod] = relationship(back_populates="rates")
    zone: Mapped[ShippingZone] = relationship(back_populates="rates")


class ClinicAddress(db.Model):
    """A professional's saved clinic address; an order keeps its own copy."""

    __tablename__ = "clinic_addresses"
    __table_args__ = (
        # At most one default address per professional.
        Index(
            "uq_clinic_addresses_default",
            "user_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    clinic_name: Mapped[str] = mapped_column(String(120))
    address_line1: Mapped[str] = mapped_column(String(120))
    address_line2: Mapped[str] = mapped_column(String(120), default="")
    city: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80), default="")
    postal_code: Mapped[str] = mapped_column(String(16))
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    phone: Mapped[str] = mapped_column(String(32))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
