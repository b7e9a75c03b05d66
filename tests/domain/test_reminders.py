"""Reminder timing: wall-clock times in the person's zone, across daylight-saving changes."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from careteam.domain.reminders import (
    DueCheckinReminder,
    appointment_reminder_due,
    at_local,
    due_checkin_reminders,
    due_questionnaire_reminders,
    next_day_question_due,
    parse_time,
    valid_zone,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")
SUNDAY = 6


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        (date(2026, 1, 11), time(18), BERLIN, utc(2026, 1, 11, 17)),  # winter: UTC+1
        (date(2026, 7, 12), time(18), BERLIN, utc(2026, 7, 12, 16)),  # summer: UTC+2
        (date(2026, 3, 29), time(18), BERLIN, utc(2026, 3, 29, 16)),  # the day clocks go forward
        (date(2026, 10, 25), time(18), BERLIN, utc(2026, 10, 25, 17)),  # the day clocks go back
        (date(2026, 3, 29), time(2, 30), BERLIN, utc(2026, 3, 29, 1, 30)),  # skipped hour: 03:30 CEST
        (date(2026, 10, 25), time(2, 30), BERLIN, utc(2026, 10, 25, 0, 30)),  # twice: the first
        (date(2026, 3, 8), time(18), NEW_YORK, utc(2026, 3, 8, 22)),  # US change, other date
    ],
)
def test_a_wall_clock_time_in_a_zone(day, at, zone, expected):
    assert at_local(day, at, zone) == expected


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        # Sunday 11 Jan 2026, 18:00 Berlin = 17:00 UTC: the reminder for the week of 5 Jan.
        (utc(2026, 1, 11, 16, 59), BERLIN, []),
        (utc(2026, 1, 11, 17, 0), BERLIN, [DueCheckinReminder("checkin_reminder", date(2026, 1, 5))]),
        (utc(2026, 1, 11, 22, 59), BERLIN, [DueCheckinReminder("checkin_reminder", date(2026, 1, 5))]),
        (utc(2026, 1, 11, 23, 0), BERLIN, []),  # six hours later it is no longer sent
        # Follow-up: Tuesday 13 Jan at 18:00 Berlin, still for the week of 5 Jan.
        (utc(2026, 1, 13, 17, 0), BERLIN, [DueCheckinReminder("checkin_follow_up", date(2026, 1, 5))]),
        (utc(2026, 1, 12, 17, 0), BERLIN, []),
        # Same instant, another zone: 17:00 UTC is 12:00 in New York, not yet 18:00.
        (utc(2026, 1, 11, 17, 0), NEW_YORK, []),
        (utc(2026, 1, 11, 23, 0), NEW_YORK, [DueCheckinReminder("checkin_reminder", date(2026, 1, 5))]),
        # Sunday 29 Mar 2026, clocks went forward that night: 18:00 CEST = 16:00 UTC.
        (utc(2026, 3, 29, 16, 0), BERLIN, [DueCheckinReminder("checkin_reminder", date(2026, 3, 23))]),
        (utc(2026, 3, 29, 15, 59), BERLIN, []),
        # Sunday 25 Oct 2026, clocks went back: 18:00 CET = 17:00 UTC.
        (utc(2026, 10, 25, 16, 0), BERLIN, []),
        (utc(2026, 10, 25, 17, 0), BERLIN, [DueCheckinReminder("checkin_reminder", date(2026, 10, 19))]),
        # Follow-up across the change: Tuesday 31 Mar 18:00 CEST.
        (utc(2026, 3, 31, 16, 0), BERLIN, [DueCheckinReminder("checkin_follow_up", date(2026, 3, 23))]),
    ],
)
def test_weekly_checkin_reminder_and_follow_up(now, zone, expected):
    assert due_checkin_reminders(now, zone, SUNDAY, time(18)) == expected


def test_a_monday_morning_reminder_is_for_the_week_it_falls_in():
    assert due_checkin_reminders(utc(2026, 1, 12, 8, 0), UTC, 0, time(8)) == [
        DueCheckinReminder("checkin_reminder", date(2026, 1, 12))]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 3, 29, 5, 59), False),  # 07:59 CEST: clocks went forward that night
        (utc(2026, 3, 29, 6, 0), True),  # 08:00 CEST on the morning after a Saturday session
        (utc(2026, 3, 29, 11, 59), True),
        (utc(2026, 3, 29, 12, 0), False),  # 14:00: past the window
    ],
)
def test_next_day_question_the_morning_after(now, expected):
    assert next_day_question_due(now, BERLIN, time(8), date(2026, 3, 28)) is expected


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 1, 14, 16, 59), False),
        (utc(2026, 1, 14, 17, 0), True),  # 18:00 Berlin the evening before
        (utc(2026, 1, 14, 22, 30), True),
        (utc(2026, 1, 15, 8, 0), False),
    ],
)
def test_appointment_reminder_the_evening_before(now, expected):
    assert appointment_reminder_due(now, BERLIN, utc(2026, 1, 15, 9, 0)) is expected


@pytest.mark.parametrize(("text", "expected"), [("18:00", time(18)), ("7:30", None), ("24:00", None),
                                                ("08:05", time(8, 5)), ("", None), ("noon", None)])
def test_parse_time(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize(("name", "expected"), [("Europe/Berlin", True), ("UTC", True), ("Mars/Base", False),
                                                ("", False), ("../etc/passwd", False)])
def test_valid_zone(name, expected):
    assert valid_zone(name) is expected


@pytest.mark.parametrize(
    ("now", "occurrence", "expected"),
    [
        (utc(2026, 1, 14, 16, 59), date(2026, 1, 14), []),  # 17:59 in Berlin: not yet
        (utc(2026, 1, 14, 17), date(2026, 1, 14), ["questionnaire_due"]),  # 18:00 on the day it falls due
        (utc(2026, 1, 14, 22, 59), date(2026, 1, 14), ["questionnaire_due"]),  # within the window
        (utc(2026, 1, 14, 23), date(2026, 1, 14), []),  # six hours later: the window is over
        (utc(2026, 1, 16, 17), date(2026, 1, 14), []),  # two days later: nothing
        (utc(2026, 1, 17, 17), date(2026, 1, 14), ["questionnaire_follow_up"]),  # three days later
        (utc(2026, 3, 29, 16), date(2026, 3, 29), ["questionnaire_due"]),  # 18:00 CEST on the change day
        (utc(2026, 1, 13, 17), date(2026, 1, 14), []),  # the day before
    ],
)
def test_questionnaire_reminder_on_the_due_day_and_three_days_later(now, occurrence, expected):
    assert due_questionnaire_reminders(now, BERLIN, time(18), occurrence) == expected
