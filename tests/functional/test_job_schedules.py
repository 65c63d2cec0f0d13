"""Each periodic job once per interval however many workers run; heartbeats; and
``flask shop worker-status``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import time_machine

from shop.extensions import db
from shop.operations.models import JobSchedule, WorkerHeartbeat
from shop.worker import PERIODIC_JOBS, PeriodicJob, Worker

NOW = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def counting_job(name: str, runs: list[str], interval: float = 300, **kw) -> PeriodicJob:
    def run(now):
        """Counts its passes."""
        runs.append(name)
        return ""

    return PeriodicJob(name, interval, run, **kw)


def test_two_workers_run_a_job_once_per_interval(app):
    runs: list[str] = []
    clock = Clock(NOW)
    job = counting_job("reconcile", runs)
    first = Worker([job], clock=clock, name="host-a:1")
    second = Worker([job], clock=clock, name="host-b:2")
    first._prepare()
    second._prepare()
    wait_first = first._run_when_due(job)
    wait_second = second._run_when_due(job)
    assert runs == ["reconcile"]
    assert wait_first == 300
    assert wait_second == 300  # it looks again when the interval is over
    clock.now = NOW + timedelta(seconds=299)
    first._run_when_due(job)
    second._run_when_due(job)
    assert runs == ["reconcile"]
    clock.now = NOW + timedelta(seconds=301)
    second._run_when_due(job)
    first._run_when_due(job)
    assert runs == ["reconcile", "reconcile"]
    schedule = db.session.get(JobSchedule, "reconcile")
    assert schedule.last_started_by == "host-b:2"
    assert schedule.due_at == NOW + timedelta(seconds=601)
    assert schedule.last_succeeded_at is not None


def test_a_job_that_shares_its_work_runs_in_every_worker(app):
    runs: list[str] = []
    job = counting_job("deliver", runs, interval=5, once_across_workers=False)
    for name in ("host-a:1", "host-b:2"):
        worker = Worker([job], clock=Clock(NOW), name=name)
        worker._prepare()
        worker._run_when_due(job)
    assert runs == ["deliver", "deliver"]


def test_mail_delivery_is_the_job_every_worker_runs():
    shared = [job.name for job in PERIODIC_JOBS if not job.once_across_workers]
    assert shared == ["deliver-mail"]


def test_a_failed_pass_is_recorded_and_the_next_success_clears_it(app):
    def broken(now):
        """Fails."""
        raise RuntimeError("Stripe is unreachable")

    worker = Worker([PeriodicJob("flaky", 60, broken)], clock=Clock(NOW), name="host-a:1")
    worker._prepare()
    worker._run_when_due(worker.jobs[0])
    schedule = db.session.get(JobSchedule, "flaky")
    assert schedule.last_error == "RuntimeError: Stripe is unreachable"
    assert schedule.last_failed_at is not None and schedule.last_succeeded_at is None


def test_a_worker_beats_while_it_runs_and_leaves_no_row_when_it_stops(app):
    seen: list[tuple[str, str]] = []

    def look(now):
        """Looks at its own heartbeat."""
        row = db.session.get(WorkerHeartbeat, "host-a:7", populate_existing=True)
        seen.append((row.name, row.current_job))
        return ""

    worker = Worker([PeriodicJob("look", 60, look)], clock=Clock(NOW), name="host-a:7")
    worker.run(once=True)
    assert seen == [("host-a:7", "look")]
    assert db.session.get(WorkerHeartbeat, "host-a:7") is None


@time_machine.travel(NOW, tick=False)
def test_worker_status_shows_workers_and_jobs_and_fails_without_a_live_worker(app, runner):
    from shop.operations import jobs, workers

    empty = runner.invoke(args=["shop", "worker-status"])
    assert empty.exit_code == 1
    assert "Error: no worker has reported in within 30 seconds" in empty.output
    now = NOW
    workers.beat("host-a:11", now - timedelta(seconds=4), started_at=now, job="reconcile-payments")
    workers.beat("host-b:12", now - timedelta(minutes=5), started_at=now)
    jobs.ensure_schedules(["expire-reservations", "reconcile-payments"], now)
    jobs.record_success("expire-reservations", now - timedelta(seconds=40))
    jobs.record_failure("reconcile-payments", now - timedelta(seconds=90), OSError("no route"))
    db.session.commit()
    result = runner.invoke(args=["shop", "worker-status"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "workers:"
    assert lines[1] == (
        "  host-a:11  alive, last heartbeat 4 seconds ago,"
        " running reconcile-payments since 4 seconds ago"
    )
    assert lines[2].startswith("  host-b:12  SILENT, last heartbeat 5 minutes ago, idle")
    assert "  expire-reservations  every 60s, last success 40 seconds ago" in lines
    assert any(
        line.startswith("  reconcile-payments  every 300s, last success never, last pass FAILED")
        and line.endswith("OSError: no route")
        for line in lines
    ), lines
    assert "  expire-licences  never run" in lines
