"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, and the
settings that point the app's mail delivery at it."""

from __future__ import annotations

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """aiosmtpd handler: keeps every message, refuses the recipients it is told to."""

    def __init__(self, *, refuse: set[str] = frozenset(), delay: float = 0.0) -> None:
        self.messages: list[EmailMessage] = []
        self.mail_options: list[list[str]] = []  # the MAIL FROM options of each message
        self.refuse = set(refuse)
        self.delay = delay
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self.mail_options.append(list(envelope.mail_options))
        return "250 Message accepted for delivery"


class LoopbackSmtpServer:
    def __init__(self, port: int | None = None, **inbox_options) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.inbox = Inbox(**inbox_options)
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages

    def start(self) -> LoopbackSmtpServer:
        self._controller = Controller(self.inbox, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def settings(self) -> dict:
        """The app's mail settings for this server."""
        return {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": self.host,
            "MAIL_PORT": self.port,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_TIMEOUT": 5.0,
            "MAIL_DEFAULT_SENDER": "MesoPro <no-reply@mesopro.example>",
        }


@pytest.fixture
def smtp_server():
    """A started loopback SMTP server; its ``messages`` are what it received."""
    server = LoopbackSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def deliver_to(app, monkeypatch):
    """``deliver_to(server)`` points the session app's mail delivery at ``server``."""

    def point(server: LoopbackSmtpServer) -> LoopbackSmtpServer:
        for name, value in server.settings().items():
            monkeypatch.setitem(app.config, name, value)
        return server

    return point
