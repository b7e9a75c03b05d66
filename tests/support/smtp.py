"""A real SMTP server for tests (aiosmtpd on a free local port) and the app settings to use it."""

from __future__ import annotations

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    """Collects what the server receives, parsed."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def bodies(self, address: str) -> list[str]:
        return [m.get_content() for m in self.to(address)]


class SmtpServer:
    def __init__(self, port: int):
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> SmtpServer:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app, monkeypatch):
    """The app sends through a local SMTP server; `smtp.inbox.messages` is what arrived."""
    server = SmtpServer(free_port())
    for key, value in {"CARETEAM_SMTP_HOST": "127.0.0.1", "CARETEAM_SMTP_PORT": server.port,
                       "CARETEAM_SMTP_STARTTLS": False, "CARETEAM_SMTP_USER": "",
                       "CARETEAM_MAIL_RETRY_SECONDS": 60, "CARETEAM_MAIL_MAX_ATTEMPTS": 3}.items():
        monkeypatch.setitem(app.config, key, value)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_inbox(smtp):
    """Only what arrived: for tests of mail sent at once (account notices)."""
    return smtp.inbox
