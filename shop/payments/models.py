"""Stripe events the shop has processed: each event id once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class StripeEvent(db.Model):
    """Inserted in the same transaction as the event's effects: a second delivery of
    the same event finds the row (or waits on its unique key) and changes nothing."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    object_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    order_id: Mapped[int | None] = mapped_column(
        ForeignKey("orders.id", ondelete="RESTRICT"), index=True
    )
    outcome: Mapped[str] = mapped_column(Text, default="")  # what it did, in a few words
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
