"""Table tests for the dosing rules: how a dose reads, diffs, adherence, the 24-hour rule, limits."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from careteam.domain import dosing
from careteam.domain.dosing import Advice, Dose, DoseStep, SessionFact, Source, WeekAdherence

FULL = Dose(sets=3, reps=12, hold_seconds=5, load_kg=4, rest_seconds=60, sessions_per_week=4, target_effort=6)
PLAIN = Dose(sets=3, reps=10, sessions_per_week=3)
MONDAY = date(2026, 3, 9)
WEDNESDAY = date(2026, 3, 11)


@pytest.mark.parametrize("dose,text", [
    (FULL, "3 × 12, hold 5 s, 4 kg, rest 60 s, 4×/week, effort 6/10"),
    (PLAIN, "3 × 10, 3×/week"),
    (Dose(2, 8, load_kg=2.5, sessions_per_week=7), "2 × 8, 2.5 kg, 7×/week"),
    (Dose(1, 15, load_band="red", sessions_per_week=2, target_effort=0), "1 × 15, red band, 2×/week, effort 0/10"),
    (Dose(3, 10, load_kg=0, sessions_per_week=3), "3 × 10, 0 kg, 3×/week"),
])
def test_describe(dose, text):
    assert dosing.describe(dose) == text


@pytest.mark.parametrize("dose,text", [
    (FULL, "3 sets of 12 repetitions, hold each for 5 seconds, with 4 kg. Rest 60 seconds between sets. "
           "4 times a week, at an effort of about 6 out of 10."),
    (PLAIN, "3 sets of 10 repetitions. 3 times a week."),
    (Dose(1, 1, hold_seconds=1, load_band="green", rest_seconds=1, sessions_per_week=1),
     "1 set of 1 repetition, hold each for 1 second, with the green band. Rest 1 second between sets. Once a week."),
    (Dose(2, 5, sessions_per_week=2), "2 sets of 5 repetitions. Twice a week."),
])
def test_in_plain_words(dose, text):
    assert dosing.in_plain_words(dose) == text


@pytest.mark.parametrize("old,new,text", [
    (Dose(3, 10, load_kg=2), Dose(3, 12, load_kg=4), "reps 10 → 12; load 2 → 4 kg"),
    (PLAIN, PLAIN, "same values"),
    (Dose(3, 10, load_kg=4), Dose(3, 10, load_band="red"), "load 4 kg → red band"),
    (PLAIN, Dose(3, 10, load_kg=2, sessions_per_week=3), "load none → 2 kg"),
    (Dose(3, 10, hold_seconds=0, rest_seconds=30), Dose(4, 10, hold_seconds=5, rest_seconds=60),
     "sets 3 → 4; hold 0 → 5 s; rest 30 → 60 s"),
    (Dose(3, 10, sessions_per_week=3), Dose(3, 10, sessions_per_week=4, target_effort=5),
     "frequency 3 → 4×/week; effort none → 5/10"),
    (Dose(3, 10, target_effort=5), Dose(3, 10), "effort 5 → none"),
])
def test_dose_diff(old, new, text):
    assert dosing.dose_diff(old, new) == text


def test_dose_of_reads_attributes_and_dicts():
    values = {"sets": 3, "reps": 10, "hold_seconds": 0, "load_kg": None, "load_band": "", "rest_seconds": 0,
              "sessions_per_week": 3, "target_effort": None, "reason": "ignored"}
    assert dosing.dose_of(values) == PLAIN


@pytest.mark.parametrize("day,monday", [
    (date(2026, 3, 9), date(2026, 3, 9)),
    (date(2026, 3, 15), date(2026, 3, 9)),
    (date(2026, 3, 16), date(2026, 3, 16)),
    (date(2026, 1, 1), date(2025, 12, 29)),  # ISO weeks cross the year
])
def test_week_start(day, monday):
    assert dosing.week_start(day) == monday


def test_weeks_ending_and_between():
    assert dosing.weeks_ending(WEDNESDAY, 3) == [date(2026, 2, 23), date(2026, 3, 2), MONDAY]
    assert dosing.weeks_between(date(2026, 3, 1), WEDNESDAY) == [date(2026, 2, 23), date(2026, 3, 2), MONDAY]


STEPS = [DoseStep(date(2026, 3, 4), 3), DoseStep(date(2026, 3, 12), 5)]


@pytest.mark.parametrize("week,ended_on,prescribed", [
    (date(2026, 2, 23), None, None),  # before the first dose
    (date(2026, 3, 2), None, 3),  # started mid-week: the dose in effect on Sunday counts
    (MONDAY, None, 5),  # the new dose started on Thursday of that week
    (date(2026, 3, 16), None, 5),
    (date(2026, 3, 16), date(2026, 3, 16), None),  # ended before the week began
    (MONDAY, date(2026, 3, 13), 5),  # ended during the week
])
def test_prescribed_in_week(week, ended_on, prescribed):
    assert dosing.prescribed_in_week(STEPS, week, ended_on) == prescribed


@pytest.mark.parametrize("logged,reported,done,source", [
    (3, None, 3, Source.LOGGED),
    (2, 4, 2, Source.LOGGED),  # logs win over the check-in count
    (0, 4, 4, Source.CHECK_IN),  # no logs: fall back to the check-in
    (0, 0, 0, Source.CHECK_IN),
    (0, None, 0, Source.NONE),
])
def test_week_adherence_prefers_logs(logged, reported, done, source):
    week = dosing.week_adherence(MONDAY, 4, logged, reported)
    assert (week.done, week.source) == (done, source)


@pytest.mark.parametrize("done,prescribed,percent", [(3, 4, 75), (0, 3, 0), (5, 4, 125), (1, 3, 33)])
def test_adherence_percent(done, prescribed, percent):
    assert WeekAdherence(MONDAY, prescribed, done, Source.LOGGED).percent == percent


def test_weekly_adherence_over_weeks():
    steps = [DoseStep(date(2026, 2, 23), 4)]
    logged = [date(2026, 2, 24), date(2026, 2, 26), date(2026, 2, 28), MONDAY]
    reported = {date(2026, 3, 2): 2, date(2026, 2, 23): 1}
    weeks = dosing.weekly_adherence([date(2026, 2, 16), date(2026, 2, 23), date(2026, 3, 2), MONDAY,
                                     date(2026, 3, 16)], steps, logged, reported, WEDNESDAY)
    assert [(w.week_start, w.done, w.prescribed, w.source, w.in_progress) for w in weeks] == [
        (date(2026, 2, 23), 3, 4, Source.LOGGED, False),
        (date(2026, 3, 2), 2, 4, Source.CHECK_IN, False),
        (MONDAY, 1, 4, Source.LOGGED, True),
    ]  # the week before the start and the future week are left out
    assert dosing.total_adherence(weeks) == (6, 12)


def test_weekly_evidence_means_and_answers():
    sessions = [
        SessionFact(date(2026, 3, 2), 3, 5, "yes"),
        SessionFact(date(2026, 3, 4), 4, 6, "worse"),
        SessionFact(date(2026, 3, 6), None, 4, None),
        SessionFact(MONDAY, 2, None, "not_yet"),
    ]
    weeks = dosing.weekly_evidence([date(2026, 3, 2), MONDAY], [DoseStep(date(2026, 3, 1), 3)], sessions, {},
                                   WEDNESDAY)
    first, second = weeks
    assert (first.adherence.done, first.pain_before, first.pain_after) == (3, 3.5, 5.0)
    assert first.answers == {"yes": 1, "not_yet": 0, "worse": 1}
    assert (second.adherence.done, second.pain_before, second.pain_after) == (1, 2.0, None)
    assert second.answers == {"yes": 0, "not_yet": 1, "worse": 0}


@pytest.mark.parametrize("response,advice,tell", [
    ("yes", Advice.PROGRESS, False),
    ("not_yet", Advice.HOLD, False),
    ("worse", Advice.STEP_BACK, True),
])
def test_twenty_four_hour_rule(response, advice, tell):
    suggestion = dosing.classify_next_day(response)
    assert (suggestion.advice, suggestion.tell_physiotherapist) == (advice, tell)
    assert suggestion.explanation


@pytest.mark.parametrize("counts,advice,words", [
    ({"yes": 0, "not_yet": 0, "worse": 0}, Advice.TOO_EARLY, "No next-day answers yet"),
    ({"yes": 3, "not_yet": 0, "worse": 0}, Advice.PROGRESS, "3 of 3 “yes”"),
    ({"yes": 3, "not_yet": 1, "worse": 0}, Advice.HOLD, "1 of 4 “not yet”"),
    ({"yes": 5, "not_yet": 2, "worse": 1}, Advice.STEP_BACK, "1 of 8 “worse”"),  # the most cautious wins
])
def test_suggestion_from_several_answers(counts, advice, words):
    suggestion = dosing.suggest_from_answers(counts)
    assert suggestion.advice == advice and words in suggestion.explanation
    assert suggestion.tell_physiotherapist == (advice == Advice.STEP_BACK)


TODAY = WEDNESDAY
VALID = {"sets": 3, "reps": 10, "hold_seconds": 0, "load_kg": None, "load_band": "", "rest_seconds": 0,
         "sessions_per_week": 3, "target_effort": None, "effective_from": TODAY, "reason": "Progressing"}


@pytest.mark.parametrize("change,field", [
    ({}, None),
    ({"sets": 0}, "sets"), ({"sets": 21}, "sets"), ({"sets": 20}, None), ({"sets": None}, "sets"),
    ({"reps": 0}, "reps"), ({"reps": 200}, None), ({"reps": 201}, "reps"),
    ({"hold_seconds": -1}, "hold_seconds"), ({"hold_seconds": 600}, None), ({"hold_seconds": 601}, "hold_seconds"),
    ({"load_kg": -0.5}, "load_kg"), ({"load_kg": 500}, None), ({"load_kg": 500.5}, "load_kg"),
    ({"load_kg": 2.5}, None),
    ({"rest_seconds": 901}, "rest_seconds"), ({"rest_seconds": 900}, None),
    ({"sessions_per_week": 0}, "sessions_per_week"), ({"sessions_per_week": 22}, "sessions_per_week"),
    ({"sessions_per_week": 21}, None),
    ({"target_effort": 11}, "target_effort"), ({"target_effort": -1}, "target_effort"), ({"target_effort": 0}, None),
    ({"sets": True}, "sets"),  # a boolean is not a number of sets
    ({"load_kg": 4, "load_band": "red"}, "load_band"),  # kg or a band, not both
    ({"load_band": "red"}, None),
    ({"load_band": "x" * 41}, "load_band"),
    ({"reason": ""}, "reason"), ({"reason": "   "}, "reason"), ({"reason": "x" * 2001}, "reason"),
    ({"effective_from": None}, "effective_from"),
    ({"effective_from": TODAY + timedelta(days=60)}, None),
    ({"effective_from": TODAY + timedelta(days=61)}, "effective_from"),
])
def test_dose_problems(change, field):
    problems = dosing.dose_problems({**VALID, **change}, TODAY)
    assert list(problems) == ([field] if field else [])


def test_a_new_dose_cannot_start_before_the_current_one():
    current = TODAY - timedelta(days=3)
    early = {**VALID, "effective_from": current - timedelta(days=1)}
    assert "effective_from" in dosing.dose_problems(early, TODAY, current)
    assert dosing.dose_problems({**VALID, "effective_from": current}, TODAY, current) == {}


@pytest.mark.parametrize("details,fields", [
    ({"name": "Bridge", "side": "both"}, []),
    ({"name": " ", "side": "both"}, ["name"]),
    ({"name": "x" * 201, "side": "left"}, ["name"]),
    ({"name": "Bridge", "side": "up"}, ["side"]),
    ({"name": "Bridge", "side": "right", "equipment": "x" * 201}, ["equipment"]),
    ({"name": "Bridge", "side": "right", "instructions": "x" * 5001}, ["instructions"]),
])
def test_prescription_problems(details, fields):
    assert list(dosing.prescription_problems(details)) == fields


START = date(2026, 3, 2)


@pytest.mark.parametrize("ended_on,reason,fields", [
    (TODAY, "Goal reached", []),
    (START, "Goal reached", []),
    (START - timedelta(days=1), "Goal reached", ["ended_on"]),
    (TODAY + timedelta(days=1), "Goal reached", ["ended_on"]),
    (None, "Goal reached", ["ended_on"]),
    (TODAY, " ", ["reason"]),
])
def test_end_problems(ended_on, reason, fields):
    assert list(dosing.end_problems(ended_on, START, TODAY, reason)) == fields


SESSION = {"performed_on": TODAY, "sets_done": 3, "reps_done": 10, "pain_before": 3, "pain_after": 4}
STARTED = date(2026, 3, 6)


@pytest.mark.parametrize("change,ended_on,fields", [
    ({}, None, []),
    ({"performed_on": TODAY + timedelta(days=1)}, None, ["performed_on"]),  # not in the future
    ({"performed_on": STARTED}, None, []),
    ({"performed_on": STARTED - timedelta(days=1)}, None, ["performed_on"]),  # before the exercise started
    ({"performed_on": None}, None, ["performed_on"]),
    ({}, TODAY, ["performed_on"]),  # ended today: no longer part of the programme
    ({"performed_on": TODAY - timedelta(days=1)}, TODAY, []),
    ({"sets_done": 51}, None, ["sets_done"]), ({"sets_done": 0}, None, []), ({"sets_done": None}, None, ["sets_done"]),
    ({"reps_done": 1001}, None, ["reps_done"]),
    ({"pain_before": 11}, None, ["pain_before"]), ({"pain_after": -1}, None, ["pain_after"]),
    ({"pain_before": None, "pain_after": None}, None, []),
])
def test_session_problems(change, ended_on, fields):
    assert list(dosing.session_problems({**SESSION, **change}, TODAY, STARTED, ended_on)) == fields


def test_sessions_can_be_logged_up_to_seven_days_back():
    long_ago = date(2026, 1, 1)
    assert dosing.session_problems({**SESSION, "performed_on": TODAY - timedelta(days=7)}, TODAY, long_ago, None) == {}
    assert "performed_on" in dosing.session_problems({**SESSION, "performed_on": TODAY - timedelta(days=8)}, TODAY,
                                                     long_ago, None)


@pytest.mark.parametrize("days_ago,answered,ok", [
    (0, False, False),  # the same day: too early
    (1, False, True),
    (3, False, True),
    (4, False, False),  # too late to remember well
    (1, True, False),  # once only
])
def test_next_day_answer_window(days_ago, answered, ok):
    performed_on = TODAY - timedelta(days=days_ago)
    assert (dosing.next_day_problem(performed_on, TODAY, answered) is None) is ok
    assert dosing.awaits_answer(performed_on, TODAY, "yes" if answered else None) is ok


class _D:
    def __init__(self, number, effective_from):
        self.number, self.effective_from = number, effective_from


@pytest.mark.parametrize("day,number", [
    (date(2026, 3, 1), 1),  # before any dose started: the first
    (date(2026, 3, 2), 1),
    (date(2026, 3, 10), 2),
    (date(2026, 3, 20), 2),  # dose 3 is planned for later
    (date(2026, 4, 1), 3),
])
def test_dose_in_effect(day, number):
    doses = [_D(1, date(2026, 3, 2)), _D(2, date(2026, 3, 9)), _D(3, date(2026, 4, 1))]
    assert dosing.dose_in_effect(doses, day).number == number


@pytest.mark.parametrize("day,active", [
    (date(2026, 3, 1), False), (START, True), (TODAY, True), (date(2026, 3, 20), False),
])
def test_is_active_on(day, active):
    assert dosing.is_active_on(day, START, date(2026, 3, 20)) is active
