"""Workers on several hosts reaching a job's interval at the same moment: one runs it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from shop.extensions import db
from shop.operations import jobs
from tests.postgres.together import run_together

pytestmark = pytest.mark.postgres

NOW = datetime(2027, 5, 3, 9, 0, tzinfo=UTC)


def test_of_workers_claiming_an_interval_at_once_exactly_one_gets_it(pg_app):
    with pg_app.app_context():
        jobs.ensure_schedules(["reconcile-payments"], NOW)
        db.session.commit()

    def claim(worker):
        def attempt():
            won = jobs.claim_interval("reconcile-payments", 300, NOW, worker)
            db.session.commit()
            return won

        return attempt

    outcomes = run_together(pg_app, *(claim(f"host-{n}:1") for n in range(6)))
    assert sorted(outcomes) == [False] * 5 + [True]
