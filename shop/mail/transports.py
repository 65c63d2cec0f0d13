"""Where delivered mail goes: an SMTP server, or (development) a folder of .eml files."""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from contextlib import suppress
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol

from flask import Flask


class MailTransport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One connection per delivery pass, opened at the first message and dropped on an
    error, so a broken connection is never reused for the next message."""

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        use_ssl: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.timeout = host, port, timeout
        self.username, self.password = username, password
        self.use_tls, self.use_ssl = use_tls, use_ssl
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self.use_ssl:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                connection.starttls(context=ssl.create_default_context())
            if self.username:
                connection.login(self.username, self.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, message: EmailMessage) -> None:
        if self._connection is None:
            self._connection = self._connect()
        try:
            self._connection.ehlo_or_helo_if_needed()
            eight_bit = message.get("Content-Transfer-Encoding") == "8bit"
            options = (
                ("BODY=8BITMIME",) if eight_bit and self._connection.has_extn("8bitmime") else ()
            )
            self._connection.send_message(message, mail_options=options)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            with suppress(smtplib.SMTPException, OSError):
                self._connection.quit()
            self._connection.close()
            self._connection = None


class FileTransport:
    """One .eml file per message, named by date and outbox id, written whole or not at all."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9.-]+", "-", message["Message-ID"].strip("<>").split("@")[0])
        target = self.folder / f"{name}.eml"
        partial = self.folder / f".{name}.eml.partial"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, target)  # a reader never sees half a message

    def close(self) -> None:
        pass


def mail_folder(app: Flask) -> Path:
    return Path(app.config.get("MAIL_FILE_DIR") or Path(app.instance_path) / "mail")


def open_transport(app: Flask) -> MailTransport:
    config = app.config
    if config["MAIL_BACKEND"] == "file":
        return FileTransport(mail_folder(app))
    return SmtpTransport(
        host=config["MAIL_SERVER"],
        port=int(config["MAIL_PORT"]),
        username=config.get("MAIL_USERNAME"),
        password=config.get("MAIL_PASSWORD"),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        use_ssl=bool(config.get("MAIL_USE_SSL")),
        timeout=float(config["MAIL_TIMEOUT"]),
    )
