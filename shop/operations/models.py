"""Rows the shop keeps about running itself, not about its business."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shop.database import UTCDateTime
from shop.extensions import db


class SchemaCompatibility(db.Model):
    """A migration's promise: code whose newest migration is ``runs_code_from`` still runs
    on the schema this revision leaves (shop.operations.schema)."""

    __tablename__ = "schema_compatibility"

    revision: Mapped[str] = mapped_column(String(64), primary_key=True)
    runs_code_from: Mapped[str] = mapped_column(String(64))


class JobSchedule(db.Model):
    """One periodic job across every worker: the worker that moves ``due_at`` forward
    runs this interval's pass, the others skip it (shop.operations.jobs)."""

    __tablename__ = "job_schedules"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_by: Mapped[str] = mapped_column(String(255), default="")
    last_succeeded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(Text, default="")


class WorkerHeartbeat(db.Model):
    """A running worker, as it last reported in; removed when it stops cleanly."""

    __tablename__ = "worker_heartbeats"

    name: Mapped[str] = mapped_column(String(255), primary_key=True)  # "host:pid"
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    current_job: Mapped[str] = mapped_column(String(64), default="")
    job_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
