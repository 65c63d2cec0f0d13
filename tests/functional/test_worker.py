"""The worker: runs each periodic job at its interval, survives a failing pass, stops cleanly
on SIGTERM; every job is also its own command."""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from shop.extensions import db
from shop.mail.enums import OutboxStatus
from shop.mail.models import OutboxMessage
from shop.worker import PERIODIC_JOBS, PeriodicJob, Worker, run_job
from tests.dbs import create_sqlite_file
from tests.migration_cli import flask

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def mail_folder(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    return tmp_path / "mail"


def queue(subject="Hello") -> OutboxMessage:
    message = OutboxMessage(to_address="dr.rossi@example.org", subject=subject, body_text="Hi\n")
    db.session.add(message)
    db.session.flush()
    return message


def worker_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "shop.worker"]


def test_worker_once_delivers_the_outbox(runner, mail_folder, caplog):
    caplog.set_level(logging.INFO, logger="shop.worker")
    message = queue()
    result = runner.invoke(args=["shop", "worker", "--once"])
    assert result.exit_code == 0, result.output
    lines = worker_lines(caplog)
    started = next(line for line in lines if " started (" in line)
    assert re.fullmatch(
        r"worker: \S+:\d+ started \(deliver-mail every 5s, expire-licences every 3600s, "
        r"expire-reservations every 60s, reconcile-payments every 300s, "
        r"course-reminders every 3600s, purge-sessions every 3600s\)",
        started,
    ), lines
    assert "deliver-mail: sent 1, will retry 0, failed 0" in lines
    assert re.fullmatch(r"worker: \S+:\d+ stopped", lines[-1])
    delivered = next(r for r in caplog.records if r.getMessage().startswith("deliver-mail:"))
    assert delivered.job == "deliver-mail"
    assert message.status == OutboxStatus.SENT
    assert len(list(mail_folder.glob("*.eml"))) == 1


def test_deliver_mail_is_its_own_command(runner, mail_folder):
    queue()
    first = runner.invoke(args=["shop", "deliver-mail"])
    assert first.exit_code == 0 and first.output == "deliver-mail: sent 1, will retry 0, failed 0\n"
    again = runner.invoke(args=["shop", "deliver-mail"])
    assert again.output == "deliver-mail: nothing to do\n"


def test_every_registered_job_has_a_command(app):
    commands = app.cli.commands["shop"].commands
    for job in PERIODIC_JOBS:
        assert job.name in commands
        assert job.description in commands[job.name].help


def test_a_failing_pass_is_reported_and_the_other_jobs_still_run(app, caplog):
    caplog.set_level(logging.INFO, logger="shop.worker")
    ran: list[str] = []

    def broken(now):
        """Always fails."""
        raise RuntimeError("the database went away")

    def fine(now):
        """Works."""
        ran.append("fine")
        return "did one thing"

    worker = Worker([PeriodicJob("broken", 60, broken), PeriodicJob("fine", 60, fine)])
    worker.run(once=True)
    reports = [(r.levelname, r.job, r.getMessage()) for r in caplog.records if hasattr(r, "job")]
    assert reports == [
        ("ERROR", "broken", "broken: failed: RuntimeError: the database went away"),
        ("INFO", "fine", "fine: did one thing"),
    ]
    assert ran == ["fine"]


def test_each_job_runs_at_its_own_interval_until_stopped(app, caplog):
    counts = {"often": 0, "rarely": 0}

    def job(name):
        def run(now):
            counts[name] += 1
            return ""

        return run

    worker = Worker(
        [PeriodicJob("often", 0.05, job("often")), PeriodicJob("rarely", 3600, job("rarely"))],
    )

    def serve():
        with app.app_context():
            worker.run()

    thread = threading.Thread(target=serve)
    thread.start()
    time.sleep(0.6)
    worker.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert [r for r in caplog.records if r.name == "shop.worker"] == []  # nothing to report
    assert counts["rarely"] == 1
    assert counts["often"] >= 4


def test_a_job_that_raises_leaves_nothing_half_written(app):
    def half(now):
        queue("half-written")
        raise RuntimeError("crash after the first write")

    with pytest.raises(RuntimeError):
        run_job(PeriodicJob("half", 60, half))
    assert db.session.query(OutboxMessage).count() == 0


def test_the_worker_process_stops_cleanly_on_sigterm(tmp_path):
    database = create_sqlite_file(tmp_path / "worker.sqlite3")
    assert flask(database, "db", "upgrade").returncode == 0
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SHOP_", "FLASK_"))},
        "SHOP_ENV": "development",
        "DATABASE_URL": database,
        "MAIL_FILE_DIR": str(tmp_path / "mail"),
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "shop", "worker"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        first_lines = [process.stdout.readline() for _ in range(2)]
        assert "worker: on SQLite, run one worker only" in first_lines[0]
        assert " started (" in first_lines[1]
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    last = output.splitlines()[-2:]
    # Each line says when, which process, how grave, and which logger.
    line = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \[\d+\] INFO shop\.worker \[-\] (.*)")
    assert line.fullmatch(last[0])[1] == "worker: stopping after the job under way", output
    assert re.fullmatch(r"worker: \S+:\d+ stopped", line.fullmatch(last[1])[1]), output
