"""Queueing mail: a message is an outbox row in the caller's transaction.

Nothing is sent here. The worker (shop.mail.delivery) delivers committed rows,
so a rolled-back change sends nothing and a crash after commit loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from shop.extensions import db
from shop.mail.models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def queue_mail(
    to_address: str,
    subject: str,
    template: str,
    *,
    attachments: Sequence[Attachment] = (),
    **context,
) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` and queue it, with ``attachments``
    (flushes, never commits)."""
    # The bare template, without the pages' context processors: mail is queued from
    # requests, CLI commands and the worker alike, and needs nothing from a request.
    body = current_app.jinja_env.get_template(f"mail/{template}.txt").render(**context)
    message = OutboxMessage(to_address=to_address, subject=subject, body_text=body)
    message.attachments = [
        OutboxAttachment(filename=a.filename, content_type=a.content_type, data=a.data)
        for a in attachments
    ]
    db.session.add(message)
    db.session.flush()
    return message


def external_url(endpoint: str, **values) -> str:
    """An absolute link for a mail, on SHOP_BASE_URL; works in a request, a CLI command
    or the worker alike. Never built from the request's Host header, which the client
    chooses: a forged one would otherwise send a genuine reset link to another site."""
    base = urlsplit(current_app.config["SHOP_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
