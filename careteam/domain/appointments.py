"""Rules for an appointment's details: how long it lasts, where, and its video link."""

from __future__ import annotations

from urllib.parse import urlsplit

from careteam.domain.limits import APPOINTMENT_MINUTES, has_control_characters

DURATION_MIN, DURATION_MAX = APPOINTMENT_MINUTES
DEFAULT_DURATION = 30
PLACE_MAX = 200
VIDEO_URL_MAX = 500

VIDEO_URL_MESSAGE = "Enter the full https:// address of the video call, e.g. https://video.clinic.example/room."


def video_link_problem(url: str) -> str | None:
    """Why this cannot be an appointment's video link; None when it can.

    Only https: the link is shown to the patient as a link, so anything else (javascript:,
    data:, plain http) is refused. No user:password@ part, which can dress one host up as
    another (https://clinic.example@elsewhere.example).
    """
    if len(url) > VIDEO_URL_MAX:
        return f"Keep the link to {VIDEO_URL_MAX} characters."
    if has_control_characters(url) or any(c.isspace() for c in url) or "\\" in url:
        return "A link has no spaces or control characters."
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return VIDEO_URL_MESSAGE
    if parts.scheme.lower() != "https" or not host or "." not in host.strip("."):
        return VIDEO_URL_MESSAGE
    if parts.username is not None or parts.password is not None:
        return "Leave out any name or password before the @ in the link."
    return None


def duration_problem(minutes: int) -> str | None:
    if not DURATION_MIN <= minutes <= DURATION_MAX:
        return f"Choose a length from {DURATION_MIN} to {DURATION_MAX} minutes."
    return None

