"""Where outgoing e-mail goes: the configured SMTP server (STARTTLS or SSL), or, with no SMTP
host, .eml files under instance/mail/ so that a new user sees what would be sent."""

from __future__ import annotations

import smtplib
import time
import uuid
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

from flask import current_app


def writes_files() -> bool:
    return not current_app.config.get("CARETEAM_SMTP_HOST")


def describe() -> str:
    """One line for the start-up message."""
    config = current_app.config
    if writes_files():
        return f"E-mail: no SMTP host set, messages are written as .eml files to {config['CARETEAM_MAIL_DIR']}"
    return f"E-mail: SMTP {config['CARETEAM_SMTP_HOST']}:{config['CARETEAM_SMTP_PORT']}"


class _FileSink:
    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send_message(self, message: EmailMessage) -> None:
        name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:10]}.eml"
        (self.directory / name).write_bytes(bytes(message))


@contextmanager
def transport():
    """One connection for a batch of messages: `with transport() as t: t.send_message(m)`."""
    config = current_app.config
    if writes_files():
        yield _FileSink(config["CARETEAM_MAIL_DIR"])
        return
    host, port = config["CARETEAM_SMTP_HOST"], config["CARETEAM_SMTP_PORT"]
    smtp_class = smtplib.SMTP_SSL if config.get("CARETEAM_SMTP_SSL") else smtplib.SMTP
    with smtp_class(host, port, timeout=10) as smtp:
        if config["CARETEAM_SMTP_STARTTLS"] and not config.get("CARETEAM_SMTP_SSL"):
            smtp.starttls()
        if config["CARETEAM_SMTP_USER"]:
            smtp.login(config["CARETEAM_SMTP_USER"], config["CARETEAM_SMTP_PASSWORD"])
        yield smtp
