"""Delivering the outbox: claim a due message, send it, record the outcome.

The worker (and ``flask shop deliver-mail``) calls ``deliver_due_messages``; it is
a transaction boundary like a view: it commits each claim and each outcome.

What it guarantees:
- Several workers never send one message at the same time. A claim is one
  conditional UPDATE (still pending, still due) that pushes the message's next
  attempt MAIL_CLAIM_SECONDS away and is committed before the send; on
  PostgreSQL its sub-select takes the row with FOR UPDATE SKIP LOCKED, so
  workers skip each other's rows instead of queueing behind them, and SQLite
  runs one writer at a time anyway.
- At least once. A worker that dies after the server accepted a message but
  before it committed "sent" leaves the message claimed: it is sent again once
  the claim runs out. SMTP has no two-phase commit, so "exactly once" cannot be
  promised across a crash; the repeat carries the same Message-ID, which lets
  mail systems recognise it. Without a crash, each message goes out once.
- Nothing lost. A failed send (server down, timeout, refusal) is retried with
  exponential backoff, and marked failed, with its last error, after
  MAIL_MAX_ATTEMPTS attempts; a claim counts as an attempt, so a message that
  kills its worker every time cannot loop for ever either.

An attachment queued without its bytes (an invoice's PDF, rendered after the payment's
transaction) is made by its source as the message is built, and stored and committed
before the send (shop.mail.services ``attachment_source``).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from shop.database import utcnow
from shop.extensions import db
from shop.mail.enums import OutboxStatus
from shop.mail.models import OutboxMessage
from shop.mail.services import attachment_data
from shop.mail.transports import MailTransport, open_transport

log = logging.getLogger(__name__)

# Refusals of one message; anything else (no connection, authentication, a timeout)
# would fail the next message the same way, so the pass stops there.
_MESSAGE_ERRORS = (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def __str__(self) -> str:
        return f"sent {self.sent}, will retry {self.retrying}, failed {self.failed}"


def deliver_due_messages(
    now: datetime | None = None,
    limit: int | None = None,
    *,
    transport: MailTransport | None = None,
) -> DeliveryReport:
    """Send up to ``limit`` messages that are due at ``now``, oldest first."""
    config = current_app.config
    now = now or utcnow()
    limit = config["MAIL_BATCH_SIZE"] if limit is None else limit
    transport = transport or open_transport(current_app)
    report = DeliveryReport()
    try:
        for _ in range(limit):
            message = _claim_next_message(now, config["MAIL_CLAIM_SECONDS"])
            db.session.commit()  # other workers now see it claimed
            if message is None:
                break
            keep_going = _send(message, transport, now, report)
            db.session.commit()
            if not keep_going:
                break
    finally:
        transport.close()
    return report


def _claim_next_message(now: datetime, claim_seconds: int) -> OutboxMessage | None:
    due = (OutboxMessage.status == OutboxStatus.PENDING) & (OutboxMessage.next_attempt_at <= now)
    next_due = (
        select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id == next_due, due)  # re-checked on the row as it is now
        .values(
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + timedelta(seconds=claim_seconds),
        )
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    )
    message_id = db.session.scalar(claim)
    if message_id is None:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def _send(
    message: OutboxMessage, transport: MailTransport, now: datetime, report: DeliveryReport
) -> bool:
    """Send one claimed message and record what happened; False when the pass should stop."""
    config = current_app.config
    try:
        email = build_email(message, config["MAIL_DEFAULT_SENDER"])
        # A document rendered for it now (an invoice's PDF) is stored before the send,
        # which may take long: its row is not held meanwhile.
        db.session.commit()
        transport.send(email)
    except Exception as error:  # noqa: BLE001 - whatever went wrong is recorded on the message
        if isinstance(error, SQLAlchemyError):
            db.session.rollback()  # storing a rendered document failed: the claim stands
        if not isinstance(error, smtplib.SMTPException | OSError):
            log.exception("mail %s: unexpected error while sending", message.id)
        _record_failure(message, error, now, report)
        return isinstance(error, _MESSAGE_ERRORS)
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = ""
    report.sent += 1
    return True


def _record_failure(
    message: OutboxMessage, error: Exception, now: datetime, report: DeliveryReport
) -> None:
    config = current_app.config
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= config["MAIL_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        report.failed += 1
        log.error("mail %s to %s failed for good: %s", message.id, message.to_address, error)
        return
    delay = min(
        config["MAIL_RETRY_BASE_SECONDS"] * 2 ** (message.attempts - 1),
        config["MAIL_RETRY_MAX_SECONDS"],
    )
    message.next_attempt_at = now + timedelta(seconds=delay)
    report.retrying += 1
    log.warning(
        "mail %s: attempt %s failed (%s); next in %ss", message.id, message.attempts, error, delay
    )


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    # The same id on every attempt, so a message sent again after a crash can be
    # recognised as the same message; it starts with the date so files sort by it.
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = f"<{message.created_at:%Y%m%dT%H%M%S}.outbox-{message.id}@{domain}>"
    # Plain 7bit or 8bit text, not quoted-printable: links stay whole on their line,
    # in a mail client and in the .eml files a developer opens in an editor.
    email.set_content(message.body_text, cte="7bit" if message.body_text.isascii() else "8bit")
    for attachment in message.attachments:
        maintype, _, subtype = attachment.content_type.partition("/")
        email.add_attachment(
            attachment_data(attachment),
            maintype=maintype,
            subtype=subtype,
            filename=attachment.filename,
        )
    return email
