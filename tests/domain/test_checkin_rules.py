"""Table tests for the weekly check-in rules."""

from __future__ import annotations

from datetime import date

import pytest

from careteam.domain.checkins import (
    MESSAGES,
    TEXT_LIMIT,
    CheckinValues,
    ExerciseEntry,
    GoalEntry,
    RatingEntry,
    checkin_problems,
    editable_until,
    fillable_weeks,
    is_editable,
    needs_emergency_care,
    newly_raised,
    parse_week,
    peg_score,
    week_end,
    week_start_of,
)
from careteam.domain.vocabulary import RedFlag

MON = date(2026, 3, 2)  # a Monday
SUN = date(2026, 3, 8)


@pytest.mark.parametrize("day,monday", [
    (date(2026, 3, 2), MON),  # Monday itself
    (date(2026, 3, 4), MON),
    (date(2026, 3, 8), MON),  # Sunday belongs to the week before the next Monday
    (date(2026, 3, 9), date(2026, 3, 9)),
    (date(2026, 1, 1), date(2025, 12, 29)),  # ISO week across the new year
    (date(2024, 2, 29), date(2024, 2, 26)),  # leap day
])
def test_week_start_is_the_monday(day, monday):
    assert week_start_of(day) == monday


def test_week_end_is_the_sunday():
    assert week_end(MON) == SUN


@pytest.mark.parametrize("text,parsed", [
    ("2026-03-02", MON),
    ("2026-02-30", None),
    ("20260302", None),
    ("x", None),
    ("", None),
    ("2026-03-02T00:00", None),
])
def test_parse_week(text, parsed):
    assert parse_week(text) == parsed


@pytest.mark.parametrize("edit_days,until", [
    (0, SUN),
    (1, date(2026, 3, 9)),
    (7, date(2026, 3, 15)),
])
def test_editable_until_counts_whole_days_after_the_week_ends(edit_days, until):
    assert editable_until(MON, edit_days) == until


@pytest.mark.parametrize("today,edit_days,editable", [
    (date(2026, 3, 1), 7, False),  # the day before the week starts: a future week
    (MON, 7, True),
    (SUN, 0, True),  # last day of the week, no extra days
    (date(2026, 3, 9), 0, False),
    (date(2026, 3, 15), 7, True),  # the last day of the window is included
    (date(2026, 3, 16), 7, False),  # the day after: locked
    (date(2026, 4, 30), 7, False),
])
def test_is_editable(today, edit_days, editable):
    assert is_editable(MON, today, edit_days) is editable


@pytest.mark.parametrize("today,edit_days,weeks", [
    (MON, 7, [MON, date(2026, 2, 23)]),  # last week is open until this Sunday
    (date(2026, 3, 9), 7, [date(2026, 3, 9), MON]),
    (date(2026, 3, 15), 7, [date(2026, 3, 9), MON]),  # window of MON's week closes today
    (date(2026, 3, 16), 7, [date(2026, 3, 16), date(2026, 3, 9)]),
    (date(2026, 3, 16), 0, [date(2026, 3, 16)]),
    (date(2026, 3, 16), 14, [date(2026, 3, 16), date(2026, 3, 9), MON]),
])
def test_fillable_weeks_never_include_the_future(today, edit_days, weeks):
    assert fillable_weeks(today, edit_days) == weeks


@pytest.mark.parametrize("average,enjoyment,activity,peg", [
    (0, 0, 0, 0.0),
    (10, 10, 10, 10.0),
    (5, 5, 6, 5.3),
    (5, 6, 6, 5.7),
    (1, 0, 0, 0.3),
    (7, 4, 5, 5.3),
])
def test_peg_is_the_mean_of_three_rounded_to_one_decimal(average, enjoyment, activity, peg):
    assert peg_score(average, enjoyment, activity) == peg


def valid(**changes) -> CheckinValues:
    values = dict(pain_average=4, pain_worst=6, enjoyment_interference=3, activity_interference=5)
    return CheckinValues(**{**values, **changes})


@pytest.mark.parametrize("changes,problems", [
    ({}, {}),
    ({"pain_average": None}, {"pain_average": MESSAGES["required"]}),
    ({"pain_average": 11, "pain_worst": 11}, {"pain_average": MESSAGES["scale"], "pain_worst": MESSAGES["scale"]}),
    ({"activity_interference": -1}, {"activity_interference": MESSAGES["scale"]}),
    ({"enjoyment_interference": True}, {"enjoyment_interference": MESSAGES["scale"]}),
    ({"pain_average": 7, "pain_worst": 6}, {"pain_worst": MESSAGES["worst_below_average"]}),
    ({"pain_average": 0, "pain_worst": 0, "enjoyment_interference": 10, "activity_interference": 10}, {}),
    ({"sleep_quality": 0, "stress": 10, "mood": 5}, {}),
    ({"stress": 11}, {"stress": MESSAGES["scale"]}),
    ({"mood": -1}, {"mood": MESSAGES["scale"]}),
    ({"sleep_quality": 10.5}, {"sleep_quality": MESSAGES["scale"]}),
    ({"sleep_hours": 0}, {}),
    ({"sleep_hours": 6.5}, {}),
    ({"sleep_hours": 24}, {}),
    ({"sleep_hours": 6.25}, {"sleep_hours": MESSAGES["sleep_hours"]}),
    ({"sleep_hours": 24.5}, {"sleep_hours": MESSAGES["sleep_hours"]}),
    ({"sleep_hours": -0.5}, {"sleep_hours": MESSAGES["sleep_hours"]}),
    ({"flare_days": 0}, {}),
    ({"flare_days": 7}, {}),
    ({"flare_days": 8}, {"flare_days": MESSAGES["flare_days"]}),
    ({"red_flags": ["saddle_numbness"]}, {}),
    ({"red_flags": ["saddle_numbness", "headache"]}, {"red_flags": MESSAGES["red_flags"]}),
    ({"ratings": [RatingEntry(1, -2, 0), RatingEntry(2, 2, 7)]}, {}),
    ({"ratings": [RatingEntry(1, 3)]}, {"rating_1": MESSAGES["rating"]}),
    ({"ratings": [RatingEntry(1, -3)]}, {"rating_1": MESSAGES["rating"]}),
    ({"ratings": [RatingEntry(1, None, 3)]}, {"rating_1": MESSAGES["rating_missing"]}),
    ({"ratings": [RatingEntry(1, 1, 8)]}, {"days_used_1": MESSAGES["days_used"]}),
    ({"ratings": [RatingEntry(1, 1), RatingEntry(1, 2)]}, {"ratings": MESSAGES["twice"]}),
    ({"exercise_counts": [ExerciseEntry(3, 0), ExerciseEntry(4, 50)]}, {}),
    ({"exercise_counts": [ExerciseEntry(3, 51)]}, {"sessions_done_3": MESSAGES["sessions_done"]}),
    ({"exercise_counts": [ExerciseEntry(3, 1), ExerciseEntry(3, 2)]}, {"exercise_counts": MESSAGES["twice"]}),
    ({"goal_scores": [GoalEntry(5, 0), GoalEntry(6, 10)]}, {}),
    ({"goal_scores": [GoalEntry(5, 11)]}, {"goal_score_5": MESSAGES["goal_score"]}),
    ({"goal_scores": [GoalEntry(5, 1), GoalEntry(5, 1)]}, {"goal_scores": MESSAGES["twice"]}),
    ({"question": "x" * TEXT_LIMIT}, {}),
    ({"question": "x" * (TEXT_LIMIT + 1)}, {"question": MESSAGES["text"]}),
    ({"helped_most": "x" * (TEXT_LIMIT + 1)}, {"helped_most": MESSAGES["text"]}),
])
def test_checkin_problems(changes, problems):
    assert checkin_problems(valid(**changes)) == problems


LEG, BLADDER, SADDLE, FEVER, NIGHT = (RedFlag.LEG_NUMBNESS_OR_WEAKNESS, RedFlag.BLADDER_OR_BOWEL_CHANGE,
                                      RedFlag.SADDLE_NUMBNESS, RedFlag.FEVER_OR_WEIGHT_LOSS,
                                      RedFlag.NIGHT_PAIN_UNRELIEVED)


@pytest.mark.parametrize("previous,current,raised", [
    ([], [], []),
    ([], [FEVER], [FEVER]),
    ([FEVER], [FEVER], []),  # an edit that keeps the flag raises no second alert
    ([FEVER], [FEVER, SADDLE], [SADDLE]),
    ([FEVER, SADDLE], [FEVER], []),  # unticking raises nothing
    ([], [NIGHT, LEG, LEG], [LEG, NIGHT]),  # once each, in the vocabulary's order
    ([FEVER], [], []),
    ([], ["not_a_flag"], []),
])
def test_newly_raised_flags(previous, current, raised):
    assert newly_raised(previous, current) == raised


@pytest.mark.parametrize("flags,emergency", [
    ([], False),
    ([FEVER, NIGHT], False),
    ([BLADDER], True),
    ([SADDLE], True),
    ([LEG, FEVER], True),
])
def test_which_flags_call_for_emergency_services(flags, emergency):
    assert needs_emergency_care(flags) is emergency


# --- "Same as last week" ------------------------------------------------------------------------

@pytest.mark.parametrize("answered, previous, carried", [
    ({}, {"stress": 4, "mood": 6}, {"stress": 4, "mood": 6}),  # nothing answered: all of last week
    ({"stress": 7}, {"stress": 4, "mood": 6}, {"mood": 6}),  # an answer given this week wins
    ({"stress": None}, {"stress": 4}, {"stress": 4}),  # None is unanswered
    ({"stress": 0}, {"stress": 4}, {}),  # 0 is an answer
    ({}, {"stress": None}, {}),  # last week unanswered: nothing to carry
    ({}, {"red_flags": ["saddle_numbness"], "mood": 6}, {"mood": 6}),  # red flags never
    ({"rating_3": "none"}, {"rating_3": 2}, {}),  # "did not use it" is an answer
])
def test_same_as_last_week_fills_only_unanswered_questions(answered, previous, carried):
    from careteam.domain.checkins import carried_over
    assert carried_over(answered, previous) == carried


@pytest.mark.parametrize("previous_week, offered", [
    (None, False),
    (date(2026, 3, 2), True),  # last week
    (date(2026, 2, 9), True),  # 4 weeks back
    (date(2026, 2, 2), False),  # 5 weeks back: too old to be "as last week"
    (date(2026, 3, 9), False),  # the week itself
])
def test_same_as_last_week_is_offered_from_a_recent_checkin(previous_week, offered):
    from careteam.domain.checkins import offers_carry_over
    assert offers_carry_over(previous_week, date(2026, 3, 9)) is offered
