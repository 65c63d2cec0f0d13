"""Mail that is never lost: the outbox is delivered over real SMTP (aiosmtpd on loopback),
retried with backoff while the server is down, sent once, and never for a rolled-back change."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from sqlalchemy import func, select

from shop.accounts.services import find_user_by_email
from shop.extensions import db
from shop.mail.delivery import _claim_next_message, deliver_due_messages
from shop.mail.enums import OutboxStatus
from shop.mail.models import OutboxMessage
from tests.functional.conftest import mail_to
from tests.mailserver import LoopbackSmtpServer, free_port

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
STRONG = "Quartz-Lantern-Meadow-58"


def queue(to="dr.rossi@example.org", subject="Hello", body="Body text\n") -> OutboxMessage:
    message = OutboxMessage(
        to_address=to, subject=subject, body_text=body, next_attempt_at=NOW, created_at=NOW
    )
    db.session.add(message)
    db.session.flush()
    return message


def outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_confirmation_mail_goes_through_a_real_smtp_server_and_its_link_works(
    client, post_form, smtp_server, deliver_to
):
    deliver_to(smtp_server)
    post_form(
        "/register",
        {"name": "Anna Rossi", "email": "anna.rossi@example.org", "password": STRONG},
    )
    report = deliver_due_messages()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)

    [received] = smtp_server.messages
    assert received["To"] == "anna.rossi@example.org"
    assert received["From"] == "MesoPro <no-reply@mesopro.example>"
    assert received["Subject"] == "Confirm your e-mail address for MesoPro"
    assert received["Message-ID"].endswith("@mesopro.example>")
    body = received.get_content()
    link = next(line for line in body.splitlines() if line.startswith("http://localhost/"))
    assert client.get(link.removeprefix("http://localhost")).status_code == 302
    [row] = mail_to("anna.rossi@example.org")
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at is not None
    assert find_user_by_email("anna.rossi@example.org").email_confirmed


def test_the_server_down_then_up_the_message_arrives_once(deliver_to):
    server = deliver_to(LoopbackSmtpServer(free_port()))  # not started: nothing listens
    message = queue()

    report = deliver_due_messages(NOW)
    assert (report.sent, report.retrying) == (0, 1)
    assert message.status == OutboxStatus.PENDING and message.attempts == 1
    assert "Connection refused" in message.last_error or "Errno" in message.last_error
    assert message.next_attempt_at == NOW + timedelta(seconds=60)
    # Not due again before its backoff has passed.
    assert deliver_due_messages(NOW + timedelta(seconds=30)).attempted == 0

    server.start()
    try:
        report = deliver_due_messages(NOW + timedelta(seconds=61))
        assert report.sent == 1
        assert deliver_due_messages(NOW + timedelta(hours=5)).attempted == 0
    finally:
        server.stop()
    assert len(server.messages) == 1
    assert server.messages[0]["Subject"] == "Hello"
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert message.last_error == ""


def test_a_rolled_back_transaction_sends_nothing(smtp_server, deliver_to):
    deliver_to(smtp_server)
    queue(subject="Committed")
    db.session.commit()
    queue(subject="Rolled back")
    db.session.rollback()
    assert deliver_due_messages(NOW).sent == 1
    assert [m["Subject"] for m in smtp_server.messages] == ["Committed"]
    assert outbox_count() == 1


def test_retries_back_off_exponentially_and_end_in_failed(app, deliver_to, monkeypatch):
    deliver_to(LoopbackSmtpServer(free_port()))  # never started
    monkeypatch.setitem(app.config, "MAIL_MAX_ATTEMPTS", 5)
    monkeypatch.setitem(app.config, "MAIL_RETRY_MAX_SECONDS", 300)
    message = queue()
    now, delays = NOW, []
    for _ in range(4):
        assert deliver_due_messages(now).retrying == 1
        delays.append((message.next_attempt_at - now).total_seconds())
        now = message.next_attempt_at
    assert delays == [60, 120, 240, 300]  # doubling, up to the cap
    report = deliver_due_messages(now)
    assert (report.retrying, report.failed) == (0, 1)
    assert message.status == OutboxStatus.FAILED and message.attempts == 5
    assert message.last_error  # kept, for whoever looks into it
    assert deliver_due_messages(now + timedelta(days=1)).attempted == 0


def test_a_claim_left_by_a_crashed_worker_is_retried_after_it_runs_out(
    app, smtp_server, deliver_to
):
    deliver_to(smtp_server)
    message = queue()
    # A worker claimed it and died before sending (or before recording the send).
    assert _claim_next_message(NOW, app.config["MAIL_CLAIM_SECONDS"]).id == message.id
    db.session.commit()
    assert deliver_due_messages(NOW + timedelta(seconds=10)).attempted == 0
    later = NOW + timedelta(seconds=app.config["MAIL_CLAIM_SECONDS"])
    assert deliver_due_messages(later).sent == 1
    assert message.attempts == 2 and len(smtp_server.messages) == 1


def test_a_refused_recipient_does_not_hold_up_the_others(deliver_to):
    server = deliver_to(LoopbackSmtpServer(refuse={"nobody@example.org"})).start()
    try:
        refused = queue(to="nobody@example.org")
        fine = queue(to="dr.rossi@example.org")
        report = deliver_due_messages(NOW)
    finally:
        server.stop()
    assert (report.sent, report.retrying) == (1, 1)
    assert refused.status == OutboxStatus.PENDING and "550" in refused.last_error
    assert fine.status == OutboxStatus.SENT
    assert [m["To"] for m in server.messages] == ["dr.rossi@example.org"]


def test_messages_go_out_oldest_first_up_to_the_limit(smtp_server, deliver_to):
    deliver_to(smtp_server)
    for n in range(3):
        queue(subject=f"Message {n}").next_attempt_at = NOW - timedelta(minutes=3 - n)
    db.session.flush()
    assert deliver_due_messages(NOW, limit=2).sent == 2
    assert [m["Subject"] for m in smtp_server.messages] == ["Message 0", "Message 1"]
    assert deliver_due_messages(NOW).sent == 1


def test_in_development_mail_is_written_to_a_folder_with_links_whole(app, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "file")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    link = "http://127.0.0.1:5000/confirm-email/" + "eyJ1Ijo0LCJlIjoibm9yYUBleGFtcGxlLm9yZyJ9" * 3
    first = queue(subject="First")
    queue(subject="Second", body=f"Open this link:\n\n{link}\n")
    assert deliver_due_messages(NOW).sent == 2
    files = sorted((tmp_path / "mail").iterdir())
    assert [f.suffix for f in files] == [".eml", ".eml"]  # no partial file left behind
    assert files[0].name == f"20270301T090000.outbox-{first.id}.eml"
    raw = files[1].read_text()
    assert f"\n{link}\n" in raw  # readable in an editor: not wrapped, not encoded
    parsed = email.message_from_string(raw, policy=policy.default)
    assert parsed["Subject"] == "Second"
    assert link in parsed.get_content()


def test_text_beyond_ascii_arrives_intact_as_8bit(smtp_server, deliver_to):
    deliver_to(smtp_server)
    queue(subject="Bienvenue, Zoë", body="Chère Zoë Müller,\nvotre compte est prêt.\n")
    assert deliver_due_messages(NOW).sent == 1
    [received] = smtp_server.messages
    assert received["Subject"] == "Bienvenue, Zoë"
    text = received.get_content().replace("\r\n", "\n")  # CRLF on the wire
    assert text == "Chère Zoë Müller,\nvotre compte est prêt.\n"
    assert received["Content-Transfer-Encoding"] == "8bit"
    assert "BODY=8BITMIME" in smtp_server.inbox.mail_options[0]


@pytest.mark.parametrize("backend", ["smtp", "file"])
def test_nothing_due_opens_no_connection_and_writes_nothing(app, monkeypatch, tmp_path, backend):
    # With nothing listening, an SMTP connection attempt would be recorded as an error.
    monkeypatch.setitem(app.config, "MAIL_BACKEND", backend)
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    report = deliver_due_messages(NOW)
    assert report.attempted == 0 and str(report) == "sent 0, will retry 0, failed 0"
    assert not (tmp_path / "mail").exists()
