"""Several workers on one PostgreSQL: each message goes out once, and a worker skips rows
another holds instead of waiting for them (FOR UPDATE SKIP LOCKED)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy import select

from shop.extensions import db
from shop.mail.delivery import DeliveryReport, deliver_due_messages
from shop.mail.enums import OutboxStatus
from shop.mail.models import OutboxMessage
from tests.conftest import make_app
from tests.mailserver import LoopbackSmtpServer

pytestmark = pytest.mark.postgres

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def mail_app(empty_postgres):
    server = LoopbackSmtpServer(delay=0.01).start()  # a little latency, so workers overlap
    # A worker that waited for a locked row would fail after 5 s instead of hanging.
    engine_options = {"connect_args": {"options": "-c lock_timeout=5s"}}
    app = make_app(empty_postgres, SQLALCHEMY_ENGINE_OPTIONS=engine_options, **server.settings())
    with app.app_context():
        upgrade()
    yield app, server
    server.stop()
    with app.app_context():
        db.engine.dispose()


def queue_committed(app, count: int) -> None:
    with app.app_context():
        for n in range(count):
            db.session.add(
                OutboxMessage(
                    to_address=f"pro{n}@example.org",
                    subject=f"Message {n}",
                    body_text="Hello\n",
                    next_attempt_at=NOW - timedelta(seconds=count - n),
                )
            )
        db.session.commit()


def test_two_workers_at_once_send_each_message_exactly_once(mail_app):
    app, server = mail_app
    queue_committed(app, 40)
    start = threading.Barrier(2)
    reports = [DeliveryReport(), DeliveryReport()]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with app.app_context():
                start.wait()
                while True:
                    report = deliver_due_messages(NOW, limit=3)
                    if not report.attempted:
                        break
                    reports[index].sent += report.sent
                    reports[index].retrying += report.retrying
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert errors == []

    subjects = [message["Subject"] for message in server.messages]
    assert sorted(subjects) == sorted(f"Message {n}" for n in range(40))  # all, none twice
    assert len(set(message["Message-ID"] for message in server.messages)) == 40
    assert reports[0].sent + reports[1].sent == 40
    assert reports[0].sent > 0 and reports[1].sent > 0  # they really did work side by side
    assert reports[0].retrying == reports[1].retrying == 0
    with app.app_context():
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert {row.status for row in rows} == {OutboxStatus.SENT}
        assert {row.attempts for row in rows} == {1}  # no message was claimed twice


def test_a_worker_skips_a_message_another_holds_instead_of_waiting(mail_app, empty_postgres):
    app, server = mail_app
    queue_committed(app, 2)
    with app.app_context():
        first_id, second_id = db.session.scalars(
            select(OutboxMessage.id).order_by(OutboxMessage.next_attempt_at)
        ).all()
    # Another worker's transaction holds the oldest message.
    other = sa.create_engine(empty_postgres)
    with other.connect() as connection, connection.begin():
        connection.execute(
            sa.text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"), {"id": first_id}
        )
        with app.app_context():
            report = deliver_due_messages(NOW, limit=1)
            assert report.sent == 1
            assert db.session.get(OutboxMessage, second_id).status == OutboxStatus.SENT
            assert db.session.get(OutboxMessage, first_id).status == OutboxStatus.PENDING
            db.session.remove()
    other.dispose()
    assert [m["Subject"] for m in server.messages] == ["Message 1"]
    with app.app_context():
        assert deliver_due_messages(NOW).sent == 1
        db.session.remove()
    assert [m["Subject"] for m in server.messages] == ["Message 1", "Message 0"]
