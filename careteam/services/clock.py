"""Today and now, in one place: dates in the clinic's time zone, instants in UTC.

Call these through the module (`clock.today()`), so that tests can move the clock.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def zone() -> ZoneInfo:
    name = current_app.config["CARETEAM_TIMEZONE"] if has_app_context() else "UTC"
    return ZoneInfo(name)


def now() -> datetime:
    return datetime.now(timezone.utc)


def today() -> date:
    return now().astimezone(zone()).date()
