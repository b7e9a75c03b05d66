"""Telling an account's owner that something about their sign-in changed.

One function, so that delivery can later go through the outbox. The text is neutral: no
patient names, no clinical words, nothing but what changed and what to do if it was not them.
"""

from __future__ import annotations

import logging
import smtplib

from flask import current_app

from careteam.models import User
from careteam.services.mail import mail_configured, send_mail

logger = logging.getLogger("careteam.mail")

_IF_NOT_YOU = ("If this was not you, contact your clinic's careteam administrator at once.")

NOTICES = {
    "password_changed": ("Your careteam password was changed",
                         "The password of your careteam account was changed. Every other "
                         "session and every personal API token has been ended."),
    "password_reset_link": ("Reset your careteam password",
                            "Use this link to set a new careteam password. It works once and "
                            "expires in {minutes} minutes:\n\n{link}"),
    "set_password_link": ("Set your careteam password",
                          "Use this link to set your careteam password. It works once and "
                          "expires in {hours} hours:\n\n{link}"),
    "second_factor_enrolled": ("Two-factor sign-in is on for your careteam account",
                               "Two-factor sign-in was turned on for your careteam account."),
    "second_factor_reset": ("Your careteam two-factor sign-in was reset",
                            "An administrator reset the two-factor sign-in of your careteam "
                            "account. You were signed out everywhere and your personal API "
                            "tokens were ended. Set up two-factor sign-in again after signing in."),
    "recovery_code_used": ("A careteam recovery code was used",
                           "One of your careteam recovery codes was used to sign in. "
                           "{remaining} remain."),
    "alert_emails_off": ("Your careteam alert e-mails were switched off",
                         "An administrator switched off alert e-mails for your careteam account, "
                         "following your clinic's policy. New alerts still appear under the bell "
                         "when you sign in."),
    "alert_emails_on": ("Your careteam alert e-mails are on again",
                        "An administrator switched alert e-mails for your careteam account on again."),
    "token_created": ("A careteam API token was created",
                      "A personal API token was created for your careteam account."),
    "token_revoked": ("A careteam API token was revoked",
                      "A personal API token of your careteam account was revoked."),
    # Sent to both addresses; neither names the other, so a mistyped address learns nothing.
    "email_changed_old": ("Your careteam sign-in address was changed",
                          "The e-mail address you sign in to careteam with was changed by your "
                          "clinic's administrator. This address is no longer used for your account."),
    "email_changed_new": ("This is now your careteam sign-in address",
                          "Your clinic's administrator set this e-mail address as the one you sign "
                          "in to careteam with. Your password is unchanged."),
}


def send_account_notice(user: User, kind: str, *, to: str | None = None, **values) -> bool:
    """E-mail the owner (at `to` when given, e.g. a former address) when SMTP is configured.
    True when the message was handed over."""
    subject, body = NOTICES[kind]
    if not mail_configured():
        return False
    config = current_app.config
    values = {"hours": config["CARETEAM_SET_PASSWORD_LINK_HOURS"],
              "minutes": config["CARETEAM_RESET_LINK_MINUTES"], **values}
    text = f"Hello,\n\n{body.format(**values)}\n\n{_IF_NOT_YOU}\n"
    try:
        send_mail(to or user.email, subject, text)
    except (OSError, smtplib.SMTPException) as error:
        # The change itself stands; a lost notice must not undo it or answer 500.
        logger.warning("account notice %s to user %s not sent: %s", kind, user.id, type(error).__name__)
        return False
    return True
