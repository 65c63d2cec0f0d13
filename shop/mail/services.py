"""Queueing mail: a message is an outbox row in the caller's transaction.

Nothing is sent here. The worker (shop.mail.delivery) delivers committed rows,
so a rolled-back change sends nothing and a crash after commit loses nothing.
"""

from __future__ import annotations

from flask import render_template

from shop.extensions import db
from shop.mail.models import OutboxMessage


def queue_mail(to_address: str, subject: str, template: str, **context) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` and queue it (flushes, never commits)."""
    body = render_template(f"mail/{template}.txt", **context)
    message = OutboxMessage(to_address=to_address, subject=subject, body_text=body)
    db.session.add(message)
    db.session.flush()
    return message
