"""The worker: runs each periodic job at its interval, survives a failing pass, stops cleanly
on SIGTERM; every job is also its own command."""

from __future__ import annotations

import os
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


def test_worker_once_delivers_the_outbox(runner, mail_folder):
    message = queue()
    result = runner.invoke(args=["shop", "worker", "--once"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == (
        "worker: started (deliver-mail every 5s, expire-licences every 3600s, "
        "expire-reservations every 60s, reconcile-payments every 300s, "
        "course-reminders every 3600s)"
    )
    assert "deliver-mail: sent 1, will retry 0, failed 0" in lines
    assert lines[-1] == "worker: stopped"
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


def test_a_failing_pass_is_reported_and_the_other_jobs_still_run(app):
    ran: list[str] = []

    def broken(now):
        """Always fails."""
        raise RuntimeError("the database went away")

    def fine(now):
        """Works."""
        ran.append("fine")
        return "did one thing"

    output: list[str] = []
    worker = Worker(
        [PeriodicJob("broken", 60, broken), PeriodicJob("fine", 60, fine)], echo=output.append
    )
    worker.run(once=True)
    assert output == ["broken: failed: RuntimeError: the database went away", "fine: did one thing"]
    assert ran == ["fine"]


def test_each_job_runs_at_its_own_interval_until_stopped(app):
    counts = {"often": 0, "rarely": 0}

    def job(name):
        def run(now):
            counts[name] += 1
            return ""

        return run

    output: list[str] = []
    worker = Worker(
        [PeriodicJob("often", 0.05, job("often")), PeriodicJob("rarely", 3600, job("rarely"))],
        echo=output.append,
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
    assert output == []  # nothing failed, nothing to report
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
        assert process.stdout.readline().startswith("worker: started")
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert output.splitlines()[-2:] == [
        "worker: stopping after the job under way",
        "worker: stopped",
    ]
