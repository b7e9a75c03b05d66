"""Outgoing e-mail, only when an SMTP host is configured."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("CARETEAM_SMTP_HOST"))


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["CARETEAM_MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["CARETEAM_SMTP_HOST"], config["CARETEAM_SMTP_PORT"], timeout=10) as smtp:
        if config["CARETEAM_SMTP_STARTTLS"]:
            smtp.starttls()
        if config["CARETEAM_SMTP_USER"]:
            smtp.login(config["CARETEAM_SMTP_USER"], config["CARETEAM_SMTP_PASSWORD"])
        smtp.send_message(message)
