"""Each periodic job once per interval, however many workers run it: a schedule row per job.

A worker that finds a job due claims the interval with one conditional UPDATE (still
due at ``now``) that moves ``due_at`` one interval on, and commits it before the pass
starts; a worker that comes later finds the row no longer due and skips the pass. The
row lock the UPDATE takes on PostgreSQL makes a second claimant wait for the first to
commit and then see the row moved on; SQLite runs one writer at a time. A worker that
dies during its pass loses that interval's pass; the next interval runs as usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shop.extensions import db
from shop.operations.models import JobSchedule

_INSERTS = {"postgresql": pg_insert, "sqlite": sqlite_insert}
ERROR_LIMIT = 2000  # characters of an error kept on the row


def ensure_schedules(names: list[str], now: datetime) -> None:
    """A schedule row, due now, for each job that has none yet."""
    insert = _INSERTS[db.session.get_bind().dialect.name]
    db.session.execute(
        insert(JobSchedule)
        .values([{"name": name, "due_at": now, "last_started_by": ""} for name in names])
        .on_conflict_do_nothing(index_elements=["name"])
    )


def claim_interval(name: str, interval_seconds: float, now: datetime, worker: str) -> bool:
    """Claim this interval's pass of the job for ``worker``; False when it is not due or
    another worker has claimed it. The caller commits before running the pass."""
    claimed = db.session.execute(
        update(JobSchedule)
        .where(JobSchedule.name == name, JobSchedule.due_at <= now)
        .values(
            due_at=now + timedelta(seconds=interval_seconds),
            last_started_at=now,
            last_started_by=worker,
        )
        .returning(JobSchedule.name)
        .execution_options(synchronize_session=False)
    ).first()
    return claimed is not None


def next_due(name: str) -> datetime | None:
    return db.session.scalar(select(JobSchedule.due_at).where(JobSchedule.name == name))


def record_success(name: str, now: datetime) -> None:
    db.session.execute(
        update(JobSchedule)
        .where(JobSchedule.name == name)
        .values(last_succeeded_at=now, last_error="")
        .execution_options(synchronize_session=False)
    )


def record_failure(name: str, now: datetime, error: BaseException) -> None:
    db.session.execute(
        update(JobSchedule)
        .where(JobSchedule.name == name)
        .values(last_failed_at=now, last_error=f"{type(error).__name__}: {error}"[:ERROR_LIMIT])
        .execution_options(synchronize_session=False)
    )


def list_schedules() -> list[JobSchedule]:
    return list(db.session.scalars(select(JobSchedule).order_by(JobSchedule.name)))
