"""Queueing mail: a message is an outbox row in the caller's transaction.

Nothing is sent here. The worker (shop.mail.delivery) delivers committed rows,
so a rolled-back change sends nothing and a crash after commit loses nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

from shop.extensions import db
from shop.mail.models import OutboxAttachment, OutboxMessage


@dataclass(frozen=True)
class Attachment:
    """A file for a mail: its bytes, or a document made only when the mail is sent,
    named by the ``source`` that makes it and its ``source_id``."""

    filename: str
    content_type: str
    data: bytes | None = None
    source: str = ""
    source_id: int | None = None


# What makes an attachment's bytes when its mail is sent, by source ("invoice"): the
# domain that owns the document registers it, so mail imports no domain.
_SOURCES: dict[str, Callable[[int], bytes]] = {}


def attachment_source(name: str):
    """Register ``render(source_id) -> bytes`` for attachments of source ``name``."""

    def register(render: Callable[[int], bytes]) -> Callable[[int], bytes]:
        _SOURCES[name] = render
        return render

    return register


def attachment_data(attachment: OutboxAttachment) -> bytes:
    """The attachment's bytes, made by its source now if it was queued without them."""
    if attachment.data is not None:
        return attachment.data
    return _SOURCES[attachment.source](attachment.source_id)


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
        OutboxAttachment(
            filename=a.filename,
            content_type=a.content_type,
            data=a.data,
            source=a.source,
            source_id=a.source_id,
        )
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
