"""The worker: ``flask --app wsgi shop worker``, one long-running process type.

It runs the periodic jobs below, each at its own interval: delivering the mail
outbox now; expiring licences, reservations and reconciliation as they come. A
job plugs in with one ``PeriodicJob`` entry in ``PERIODIC_JOBS``, which also
gives it its own command, ``flask --app wsgi shop <name>``, for cron or a
one-off run. Several workers may run at once, on any host: each job runs once per
interval across all of them (a schedule row each: shop.operations.jobs), except mail
delivery, which every worker runs, each message claimed by one (shop.mail.delivery).
Every job must still be safe if two passes overlap: lock what it changes.

Each worker writes a heartbeat (shop.operations.workers) that ``flask shop
worker-status`` and the metrics show, and logs one line per pass that did something.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from shop.accounts.sessions import purge_sessions
from shop.accounts.throttle import purge_throttles
from shop.courses.plans import send_course_reminders
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.expiry import expire_licences
from shop.mail.delivery import deliver_due_messages
from shop.operations import jobs as schedules
from shop.operations import workers as heartbeats
from shop.orders.services import expire_reservations
from shop.payments.reconcile import reconcile_payments

log = logging.getLogger(__name__)

# After the database failed the worker's own bookkeeping, look again this soon.
RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class PeriodicJob:
    """``run(now)`` does one pass and returns a one-line report, or "" when it found
    nothing to do. It runs in an app context; ``run_job`` commits after it, or rolls
    back if it raises (a job may commit along the way, as mail delivery does).

    ``once_across_workers``: one pass per interval among all workers (the default), or
    a pass in every worker, for a job that shares its work out itself."""

    name: str
    interval_seconds: float
    run: Callable[[datetime], str]
    once_across_workers: bool = True

    @property
    def description(self) -> str:
        return (self.run.__doc__ or self.name).strip().splitlines()[0]


def deliver_mail(now: datetime) -> str:
    """Deliver the mail outbox: every message that is due, oldest first."""
    report = deliver_due_messages(now)
    return str(report) if report.attempted else ""


def expire_licences_job(now: datetime) -> str:
    """Expire licences past their date and e-mail the reminders 30 days before."""
    report = expire_licences(now)
    return str(report) if report.expired or report.reminded else ""


def expire_reservations_job(now: datetime) -> str:
    """Cancel unpaid orders whose reservation ran out and release their stock."""
    report = expire_reservations(now)
    return str(report) if report.cancelled else ""


def reconcile_payments_job(now: datetime) -> str:
    """Compare recent orders with their PaymentIntents in Stripe and apply what was missed."""
    return str(reconcile_payments(now))


def course_reminders_job(now: datetime) -> str:
    """Mail each saved course plan's owner once when the course is usually repeated."""
    report = send_course_reminders(now)
    return str(report) if report.sent else ""


def purge_sessions_job(now: datetime) -> str:
    """Delete ended sessions and forget failed log-ins that have gone quiet."""
    sessions, throttles = purge_sessions(now), purge_throttles(now)
    if not sessions and not throttles:
        return ""
    return f"{sessions} ended sessions deleted, {throttles} quiet addresses forgotten"


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob("deliver-mail", 5, deliver_mail, once_across_workers=False),
    PeriodicJob("expire-licences", 3600, expire_licences_job),
    PeriodicJob("expire-reservations", 60, expire_reservations_job),
    PeriodicJob("reconcile-payments", 300, reconcile_payments_job),
    PeriodicJob("course-reminders", 3600, course_reminders_job),
    PeriodicJob("purge-sessions", 3600, purge_sessions_job),
]


def run_job(job: PeriodicJob, now: datetime | None = None) -> str:
    """One pass of ``job``, as its own transaction; its outcome is recorded on its schedule."""
    now = now or utcnow()
    try:
        report = job.run(now)
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        _record(schedules.record_failure, job.name, now, error)
        raise
    _record(schedules.record_success, job.name, utcnow())
    return report


def _record(record: Callable, name: str, *args) -> None:
    try:
        schedules.ensure_schedules([name], args[0])
        record(name, *args)
        db.session.commit()
    except SQLAlchemyError as error:  # the database failed: the pass's own outcome stands
        db.session.rollback()
        log.warning("%s: could not record the outcome: %s", name, type(error).__name__)


class Worker:
    """Runs every job when it is due until ``stop()``; the job under way finishes first."""

    def __init__(
        self,
        jobs: list[PeriodicJob],
        *,
        clock: Callable[[], datetime] = utcnow,
        name: str | None = None,
        heartbeat_seconds: float = 10,
    ) -> None:
        self.jobs = jobs
        self.clock = clock
        self.name = name or heartbeats.this_worker_name()
        self.heartbeat_seconds = heartbeat_seconds
        self._stopping = threading.Event()
        self._started_at = clock()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, once: bool = False) -> None:
        """Run the jobs when due; with ``once``, each job once now, whatever the schedule."""
        self._prepare()
        next_run = {job.name: 0.0 for job in self.jobs}
        next_beat = 0.0
        try:
            while not self.stopping:
                for job in self.jobs:
                    if self.stopping:
                        break
                    if time.monotonic() >= next_run[job.name]:
                        wait = self._run_one(job) if once else self._run_when_due(job)
                        next_run[job.name] = time.monotonic() + wait
                if once:
                    break
                if time.monotonic() >= next_beat:
                    self._beat()
                    next_beat = time.monotonic() + self.heartbeat_seconds
                wake = min(*next_run.values(), next_beat)
                self._stopping.wait(max(0.0, wake - time.monotonic()))
        finally:
            self._leave()

    def _prepare(self) -> None:
        try:
            now = self.clock()
            schedules.ensure_schedules([job.name for job in self.jobs], now)
            heartbeats.forget_long_silent(now)
            heartbeats.beat(self.name, now, started_at=self._started_at)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.error("worker %s: the database is unavailable: %s", self.name, _first_line(error))

    def _run_when_due(self, job: PeriodicJob) -> float:
        """Run the job if this worker claims its interval; seconds until it looks again."""
        if not job.once_across_workers:
            return self._run_one(job)
        now = self.clock()
        try:
            claimed = schedules.claim_interval(job.name, job.interval_seconds, now, self.name)
            due = None if claimed else schedules.next_due(job.name)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.error(
                "%s: cannot read its schedule: %s",
                job.name,
                _first_line(error),
                extra={"job": job.name},
            )
            return min(RETRY_SECONDS, job.interval_seconds)
        if claimed:
            return self._run_one(job)
        if due is None:  # no schedule row (removed by hand): make it again
            self._prepare()
            return min(RETRY_SECONDS, job.interval_seconds)
        return max(1.0, (due - now).total_seconds())

    def _run_one(self, job: PeriodicJob) -> float:
        self._beat(job.name)
        try:
            report = run_job(job, self.clock())
        except Exception as error:  # noqa: BLE001 - one failed pass must not stop the worker
            log.exception(
                "%s: failed: %s: %s",
                job.name,
                type(error).__name__,
                _first_line(error),
                extra={"job": job.name},
            )
        else:
            if report:
                log.info("%s: %s", job.name, report, extra={"job": job.name})
        self._beat()
        return job.interval_seconds

    def _beat(self, job: str = "") -> None:
        try:
            heartbeats.beat(self.name, self.clock(), started_at=self._started_at, job=job)
            db.session.commit()
        except SQLAlchemyError as error:
            db.session.rollback()
            log.warning("worker %s: heartbeat not written: %s", self.name, type(error).__name__)

    def _leave(self) -> None:
        try:
            heartbeats.forget(self.name)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()


def _first_line(error: BaseException) -> str:
    """The error's message up to its first line break: a log line stays one line."""
    return (str(getattr(error, "orig", None) or error).strip().splitlines() or [""])[0]
