"""Judging a new password: the pure rule, plus an optional breach-corpus look-up.

The look-up uses k-anonymity (the Pwned Passwords range API): only the first five hex digits
of the password's SHA-1 leave the server, and the answer lists every suffix with that prefix.
It is off unless `CARETEAM_BREACH_CHECK_URL` is set. When the service is slow or away, the
password is judged by the local rule alone and one warning is logged: sign-up never hangs on it.
"""

from __future__ import annotations

import hashlib
import logging
import urllib.error
import urllib.request

from flask import current_app

from careteam.domain.passwords import context_words, normalise, password_problem

logger = logging.getLogger("careteam.passwords")

BREACHED_MESSAGE = ("This password appears in a published list of passwords stolen from other "
                    "websites, so attackers try it early. Choose another one.")


def breached(password: str) -> bool | None:
    """True or False from the configured breach corpus; None when not configured or unreachable."""
    base_url = current_app.config.get("CARETEAM_BREACH_CHECK_URL", "")
    if not base_url:
        return None
    digest = hashlib.sha1(normalise(password).encode()).hexdigest().upper()  # noqa: S324 (the API's format)
    prefix, suffix = digest[:5], digest[5:]
    request = urllib.request.Request(base_url.rstrip("/") + "/" + prefix,
                                     headers={"Add-Padding": "true", "User-Agent": "careteam"})
    timeout = current_app.config.get("CARETEAM_BREACH_CHECK_TIMEOUT_SECONDS", 2)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (admin-set URL)
            body = response.read(2_000_000).decode("ascii", "replace")
    except (OSError, urllib.error.URLError, ValueError) as error:
        logger.warning("breach check unavailable, judging the password locally only: %s",
                       type(error).__name__)
        return None
    for line in body.splitlines():
        candidate, _, count = line.strip().partition(":")
        if candidate.upper() == suffix and count.strip() not in ("", "0"):  # padding rows count 0
            return True
    return False


def new_password_problem(password: str, *, email: str, name: str) -> str | None:
    """The message to show for a password someone chose for this account, or None."""
    context = context_words(email=email, name=name,
                            clinic_name=current_app.config.get("CARETEAM_CLINIC_NAME", ""))
    problem = password_problem(password, context)
    if problem is None and breached(password):
        return BREACHED_MESSAGE
    return problem
