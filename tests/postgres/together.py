"""Jobs run at the same moment, each in its own thread, app context and connection."""

from __future__ import annotations

import threading

from shop.extensions import db

JOIN_SECONDS = 60  # a thread still running then is reported as a hang, not waited for


def run_together(app, *jobs):
    """Run each job in its own thread, app context and database connection, at once.

    Returns what each job returned, or the exception it raised (its transaction is
    rolled back), in the order of ``jobs``.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)

    def run(index, job):
        with app.app_context():
            try:
                barrier.wait()
                outcomes[index] = job()
            except Exception as exc:  # noqa: BLE001 - reported to the test
                db.session.rollback()
                outcomes[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=JOIN_SECONDS)
    hung = [i for i, thread in enumerate(threads) if thread.is_alive()]
    assert not hung, f"jobs {hung} did not finish: a lock was never released"
    return outcomes
