"""The worker: ``flask --app wsgi shop worker``, one long-running process type.

It runs the periodic jobs below, each at its own interval: delivering the mail
outbox now; expiring licences, reservations and reconciliation as they come. A
job plugs in with one ``PeriodicJob`` entry in ``PERIODIC_JOBS``, which also
gives it its own command, ``flask --app wsgi shop <name>``, for cron or a
one-off run. Several workers may run at once, on any host: every job must be
safe under that (lock what it changes; the outbox claims its rows).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from shop.courses.plans import send_course_reminders
from shop.database import utcnow
from shop.extensions import db
from shop.licensing.expiry import expire_licences
from shop.mail.delivery import deliver_due_messages
from shop.orders.services import expire_reservations
from shop.payments.reconcile import reconcile_payments

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    """``run(now)`` does one pass and returns a one-line report, or "" when it found
    nothing to do. It runs in an app context; ``run_job`` commits after it, or rolls
    back if it raises (a job may commit along the way, as mail delivery does)."""

    name: str
    interval_seconds: float
    run: Callable[[datetime], str]

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


PERIODIC_JOBS: list[PeriodicJob] = [
    PeriodicJob("deliver-mail", 5, deliver_mail),
    PeriodicJob("expire-licences", 3600, expire_licences_job),
    PeriodicJob("expire-reservations", 60, expire_reservations_job),
    PeriodicJob("reconcile-payments", 300, reconcile_payments_job),
    PeriodicJob("course-reminders", 3600, course_reminders_job),
]


def run_job(job: PeriodicJob, now: datetime | None = None) -> str:
    """One pass of ``job``, as its own transaction."""
    try:
        report = job.run(now or utcnow())
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


class Worker:
    """Runs every job when it is due until ``stop()``; the job under way finishes first."""

    def __init__(
        self,
        jobs: list[PeriodicJob],
        *,
        echo: Callable[[str], None] = print,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.jobs = jobs
        self.echo = echo
        self.clock = clock
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self, *, once: bool = False) -> None:
        """Run the jobs; with ``once``, each job once and return."""
        next_run = {job.name: 0.0 for job in self.jobs}
        while not self.stopping:
            for job in self.jobs:
                if self.stopping:
                    break
                if time.monotonic() >= next_run[job.name]:
                    self._run_one(job)
                    next_run[job.name] = time.monotonic() + job.interval_seconds
            if once:
                break
            self._stopping.wait(max(0.0, min(next_run.values()) - time.monotonic()))

    def _run_one(self, job: PeriodicJob) -> None:
        try:
            report = run_job(job, self.clock())
        except Exception as error:  # noqa: BLE001 - one failed pass must not stop the worker
            log.exception("job %s failed", job.name)
            reason = (str(error).splitlines() or [""])[0]  # the report stays one line
            self.echo(f"{job.name}: failed: {type(error).__name__}: {reason}")
        else:
            if report:
                self.echo(f"{job.name}: {report}")
