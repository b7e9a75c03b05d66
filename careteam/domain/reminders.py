"""When a reminder is due. Plain rules on aware datetimes: a person's day and time are wall-clock
times in their own zone, so a Sunday 18:00 reminder stays at 18:00 across daylight-saving changes.

A reminder is due from its moment for WINDOW: the worker runs every minute, and one that was down
for a while still sends what is due, but not a "check in tonight" message the next morning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WINDOW = timedelta(hours=6)
FOLLOW_UP_AFTER_DAYS = 2
QUESTIONNAIRE_FOLLOW_UP_AFTER_DAYS = 3
APPOINTMENT_REMINDER_AT = time(18, 0)  # the evening before
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class DueCheckinReminder:
    kind: str  # "checkin_reminder" or "checkin_follow_up"
    week_start: date  # the Monday of the check-in's week


def parse_time(text: str) -> time | None:
    """"18:00" -> time(18, 0); anything else -> None."""
    match = _TIME.match((text or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def valid_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def at_local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time. A time skipped by a spring-forward change happens
    as many minutes after the change (02:30 -> 03:30); a time that occurs twice, the first time."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(timezone.utc)


def is_due(moment: datetime, now: datetime) -> bool:
    return moment <= now < moment + WINDOW


def week_start_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def due_checkin_reminders(now: datetime, zone: ZoneInfo, weekday: int, at: time) -> list[DueCheckinReminder]:
    """The weekly reminder on `weekday` at `at`, and its follow-up two days later, for the week
    that contains that weekday. The caller skips weeks whose check-in exists."""
    this_week = week_start_of(now.astimezone(zone).date())
    due = []
    for week_start in (this_week - timedelta(days=7), this_week):
        reminder_day = week_start + timedelta(days=weekday)
        if is_due(at_local(reminder_day, at, zone), now):
            due.append(DueCheckinReminder("checkin_reminder", week_start))
        if is_due(at_local(reminder_day + timedelta(days=FOLLOW_UP_AFTER_DAYS), at, zone), now):
            due.append(DueCheckinReminder("checkin_follow_up", week_start))
    return due


def next_day_question_due(now: datetime, zone: ZoneInfo, at: time, performed_on: date) -> bool:
    """The morning after a logged session, at the person's time."""
    return is_due(at_local(performed_on + timedelta(days=1), at, zone), now)


def sessions_day_asked_about(now: datetime, zone: ZoneInfo) -> date:
    """Sessions of this local day get their next-day question today."""
    return now.astimezone(zone).date() - timedelta(days=1)


def appointment_reminder_due(now: datetime, zone: ZoneInfo, starts_at: datetime) -> bool:
    """The evening before the appointment's local day."""
    day_before = starts_at.astimezone(zone).date() - timedelta(days=1)
    return is_due(at_local(day_before, APPOINTMENT_REMINDER_AT, zone), now) and now < starts_at


def due_questionnaire_reminders(now: datetime, zone: ZoneInfo, at: time, occurrence: date) -> list[str]:
    """On the day a questionnaire falls due, at the person's check-in time, and once more three
    days later. The caller passes the occurrence still unanswered and skips answered ones."""
    due = []
    if is_due(at_local(occurrence, at, zone), now):
        due.append("questionnaire_due")
    if is_due(at_local(occurrence + timedelta(days=QUESTIONNAIRE_FOLLOW_UP_AFTER_DAYS), at, zone), now):
        due.append("questionnaire_follow_up")
    return due
