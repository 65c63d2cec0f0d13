"""Workers' heartbeats: each running worker keeps a row up to date, and removes it when it
stops cleanly. ``flask shop worker-status`` and the metrics read them."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from shop.extensions import db
from shop.operations.models import WorkerHeartbeat

# A worker silent this many heartbeats is reported as silent (a long job, or gone).
SILENT_AFTER_BEATS = 3
# Rows of workers that died without removing their row are dropped after this long.
FORGET_AFTER = timedelta(days=1)


def this_worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat(name: str, now: datetime, *, started_at: datetime, job: str = "") -> None:
    """Write this worker's heartbeat; ``job`` is the job it is about to run, if any.

    It writes before it reads: on SQLite a transaction that read first could not
    take the write lock once another connection had written meanwhile."""
    values = {"beat_at": now, "current_job": job, "job_started_at": now if job else None}
    updated = db.session.execute(
        update(WorkerHeartbeat)
        .where(WorkerHeartbeat.name == name)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if not updated.rowcount:
        hostname, _, pid = name.rpartition(":")
        db.session.add(
            WorkerHeartbeat(
                name=name, hostname=hostname, pid=int(pid or 0), started_at=started_at, **values
            )
        )
        db.session.flush()


def forget(name: str) -> None:
    db.session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.name == name))


def forget_long_silent(now: datetime) -> int:
    """Drop the rows of workers silent for a day: they died without a word."""
    result = db.session.execute(
        delete(WorkerHeartbeat).where(WorkerHeartbeat.beat_at < now - FORGET_AFTER)
    )
    return result.rowcount or 0


@dataclass(frozen=True)
class WorkerState:
    worker: WorkerHeartbeat
    silent_for: timedelta  # since its last heartbeat
    alive: bool


def list_workers(now: datetime, heartbeat_seconds: float) -> list[WorkerState]:
    limit = timedelta(seconds=heartbeat_seconds * SILENT_AFTER_BEATS)
    rows = db.session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.name))
    return [
        WorkerState(row, max(now - row.beat_at, timedelta()), now - row.beat_at <= limit)
        for row in rows
    ]
