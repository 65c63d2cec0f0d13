"""Saved course plans and the patient leaflet's text."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.accounts.models import User
from shop.catalog.enums import TreatmentArea
from shop.catalog.models import Indication, Product
from shop.database import UTCDateTime, utcnow
from shop.extensions import db


class CoursePlan(db.Model):
    """A professional's course, saved to order again: what is treated, for how many
    patients, how many sessions from which date, with which products. Its name is a
    clinic's protocol; a plan never holds anything of a patient."""

    __tablename__ = "course_plans"
    __table_args__ = (
        CheckConstraint("patients >= 1", name="patients_positive"),
        CheckConstraint("sessions IS NULL OR sessions >= 1", name="sessions_positive"),
        # The worker looks for plans whose reminder is due and not yet sent.
        Index("ix_course_plans_reminder", "reminder_sent_at", "reminder_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    indication_id: Mapped[int | None] = mapped_column(
        ForeignKey("indications.id", ondelete="SET NULL")
    )
    area: Mapped[TreatmentArea] = mapped_column(String(32))
    patients: Mapped[int] = mapped_column(Integer)
    sessions: Mapped[int | None] = mapped_column(Integer)  # None: each product's usual most
    first_session_on: Mapped[date] = mapped_column(Date)
    # When the course is usually repeated; the worker mails one reminder then.
    reminder_due_on: Mapped[date] = mapped_column(Date)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_ordered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    indication: Mapped[Indication | None] = relationship()
    items: Mapped[list[CoursePlanProduct]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="CoursePlanProduct.position"
    )

    @property
    def treated(self) -> str:
        """What the course treats: the indication's name, or the area's."""
        return self.indication.name if self.indication else TreatmentArea(self.area).label

    @property
    def products(self) -> list[Product]:
        return [item.product for item in self.items]


class CoursePlanProduct(db.Model):
    __tablename__ = "course_plan_products"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("course_plans.id", ondelete="CASCADE"), primary_key=True
    )
    # A product deleted from the catalogue leaves the plans that named it.
    product_id: Mapped[int] = mapped_column(
        ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship()


class LeafletText(db.Model):
    """The patient leaflet's words, one row: administrators edit it in the back office
    (Markdown, sanitised when shown), and every leaflet of every product reads it."""

    __tablename__ = "leaflet_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment: Mapped[str] = mapped_column(Text)
    before_session: Mapped[str] = mapped_column(Text)
    after_session: Mapped[str] = mapped_column(Text)
    usual_reactions: Mapped[str] = mapped_column(Text)
    when_to_call: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
