"""Table tests for graded activity: baseline, start quota, schedule, reachability, the engine."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from careteam.domain.graded_activity import (
    QuotaSession,
    Rules,
    SuggestionKind,
    amount,
    baseline,
    plan_problems,
    position,
    quota_phrase,
    quotas,
    schedule,
    start_problem,
    start_quota,
    step_down,
    step_up,
    suggest,
    visible_steps,
)
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse

TC, SG = ActivityMode.TIME_CONTINGENT, ActivityMode.SYMPTOM_GUIDED
SESSION, WEEK = IncrementEvery.SESSION, IncrementEvery.WEEK
YES, NOT_YET, WORSE = NextDayResponse.YES, NextDayResponse.NOT_YET, NextDayResponse.WORSE
WED = date(2026, 1, 7)  # a Wednesday; its ISO week starts on Monday 5 January


def rules(mode=SG, every=SESSION, start=12, increment=2, goal=20, goal_date=None, started_on=WED,
          unit="minutes") -> Rules:
    return Rules(mode=mode, unit=unit, start_quota=start, increment=increment, increment_every=every,
                 goal_value=goal, goal_date=goal_date, started_on=started_on)


@pytest.mark.parametrize(
    "done,ready,mean,message",
    [
        ([], False, None, "3 more baseline sessions needed (at least 3)."),
        ([10, 12], False, None, "1 more baseline session needed (at least 3)."),
        ([14, 16, 15], True, 15, "Baseline mean of 3 sessions."),
        ([10, 11, 12, 13], True, 11.5, "Baseline mean of 4 sessions."),
        ([0, 0, 3], True, 1, "Baseline mean of 3 sessions."),
    ],
)
def test_baseline_needs_three_sessions(done, ready, mean, message):
    result = baseline(done)
    assert (result.ready, result.mean, result.message) == (ready, mean, message)


@pytest.mark.parametrize(
    "mean,fraction,unit,expected",
    [
        (15, 0.8, "minutes", 12),  # 0.8 × 15 is 12.000000000000002 in floats
        (35 / 3, 0.8, "minutes", 9),  # 9.33 → nearest whole minute
        (15, 0.5, "minutes", 8),  # 7.5: halves round up
        (14.9, 0.7, "reps", 10),  # 10.43
        (20, 1.0, "reps", 20),
        (437, 0.8, "metres", 350),  # 349.6 → nearest 10 metres
        (2350, 0.8, "steps", 1900),  # 1880 → nearest 100 steps
        (0.4, 0.5, "minutes", 1),  # never below one step
        (0, 0.8, "metres", 10),
    ],
)
def test_start_quota_is_a_fraction_of_the_baseline_rounded_to_the_unit(mean, fraction, unit, expected):
    assert start_quota(mean, fraction, unit) == expected


@pytest.mark.parametrize(
    "start,goal,problem",
    [(12, 20, False), (19, 20, False), (20, 20, True), (25, 20, True)],
)
def test_start_quota_must_be_below_the_goal(start, goal, problem):
    assert (start_problem(start, goal, "minutes") is not None) is problem


@pytest.mark.parametrize(
    "start,increment,goal,expected",
    [
        (12, 2, 20, [12, 14, 16, 18, 20]),
        (12, 3, 20, [12, 15, 18, 20]),  # the last step stops at the goal, never beyond
        (12, 10, 20, [12, 20]),
        (19, 2, 20, [19, 20]),
        (350, 50, 500, [350, 400, 450, 500]),
    ],
)
def test_schedule_quotas_rise_in_fixed_increments_to_the_goal(start, increment, goal, expected):
    assert quotas(rules(start=start, increment=increment, goal=goal)) == expected


def days(steps) -> list[tuple[float, date | None, bool]]:
    return [(s.quota, s.on, s.reached) for s in steps]


def test_schedule_per_week_one_step_per_iso_week():
    plan = schedule(rules(every=WEEK, start=12, increment=3, goal=20, started_on=WED), WED)
    assert days(plan.steps) == [
        (12, WED, True),  # the start applies from the start day
        (15, date(2026, 1, 12), False),  # then each Monday of the following ISO weeks
        (18, date(2026, 1, 19), False),
        (20, date(2026, 1, 26), False),
    ]
    assert (plan.goal_on, plan.reachable, plan.warning) == (date(2026, 1, 26), None, "")


def test_schedule_per_week_projects_from_todays_quota_when_progress_lags():
    # 15 was set on 12 Jan and first walked on 13 Jan; by Wednesday 28 Jan the next step is overdue
    plan = schedule(rules(every=WEEK, start=12, increment=3, goal=20), date(2026, 1, 28),
                    current=15, quota_set_on=date(2026, 1, 12), sessions=[(date(2026, 1, 13), 15)])
    assert days(plan.steps) == [
        (12, WED, True), (15, date(2026, 1, 13), True),
        (18, date(2026, 1, 26), False),  # due this week
        (20, date(2026, 2, 2), False),
    ]


def test_schedule_per_session_one_step_per_session_at_the_logged_pace():
    logged = [(date(2026, 1, 7), 12), (date(2026, 1, 9), 12), (date(2026, 1, 11), 14)]
    plan = schedule(rules(every=SESSION, start=12, increment=2, goal=18), date(2026, 1, 12),
                    current=14, quota_set_on=date(2026, 1, 10), sessions=logged)
    assert days(plan.steps) == [
        (12, WED, True), (14, date(2026, 1, 11), True),
        (16, date(2026, 1, 13), False),  # the next session, two days after the last
        (18, date(2026, 1, 15), False),
    ]


def test_schedule_per_session_first_repeats_a_quota_not_yet_tried():
    plan = schedule(rules(every=SESSION, start=12, increment=2, goal=16), WED)
    assert days(plan.steps) == [(12, WED, True), (14, date(2026, 1, 8), False), (16, date(2026, 1, 9), False)]


def test_schedule_without_a_start_date_has_no_dates():
    plan = schedule(rules(started_on=None, goal_date=date(2026, 2, 1)), WED)
    assert all(step.on is None and not step.reached for step in plan.steps)
    assert (plan.goal_on, plan.reachable, plan.warning) == (None, None, "")


P3 = [(date(2026, 1, 7), 12), (date(2026, 1, 10), 12)]  # a session every three days


@pytest.mark.parametrize(
    "every,current,logged,today,goal_date,goal_on,reachable,warning",
    [
        # per week from Wednesday 7 Jan: 4 steps → the goal applies from Monday 2 Feb
        (WEEK, 12, [], WED, date(2026, 2, 2), date(2026, 2, 2), True, ""),
        (WEEK, 12, [], WED, date(2026, 2, 1), date(2026, 2, 2), False, "At one step a week"),
        (WEEK, 12, [], date(2026, 1, 21), date(2026, 2, 2), date(2026, 2, 9), False, "in the week of 9 Feb"),
        # per session, nothing logged yet: at best a session a day, 4 steps after the first session
        (SESSION, 12, [], WED, date(2026, 1, 11), date(2026, 1, 11), True, ""),
        (SESSION, 12, [], WED, date(2026, 1, 10), date(2026, 1, 11), False, "even with a session every day"),
        # per session, a session every 3 days: next on 13 Jan, then 16, 19, 22
        (SESSION, 12, P3, date(2026, 1, 11), date(2026, 1, 22), date(2026, 1, 22), True, ""),
        (SESSION, 12, P3, date(2026, 1, 11), date(2026, 1, 20), date(2026, 1, 22), False,
         "a session about every 3 days"),
        # the goal is reached: nothing to warn about, even after the goal date
        (SESSION, 20, P3, date(2026, 3, 1), date(2026, 2, 1), date(2026, 1, 7), True, ""),
        # no goal date: nothing to judge
        (WEEK, 12, [], WED, None, date(2026, 2, 2), None, ""),
    ],
)
def test_goal_date_reachable_at_this_pace(every, current, logged, today, goal_date, goal_on, reachable, warning):
    plan = schedule(rules(every=every, start=12, increment=2, goal=20, goal_date=goal_date), today,
                    current=current, sessions=logged)
    assert (plan.goal_on, plan.reachable) == (goal_on, reachable)
    assert warning in plan.warning and bool(plan.warning) is (reachable is False)


@pytest.mark.parametrize(
    "current,up,down,at",
    [
        (12, 14, 12, 0),  # at the start quota: the floor holds
        (14, 16, 12, 1),
        (13, 14, 12, 0),  # an overridden quota between steps moves to the neighbouring steps
        (20, 20, 18, 4),  # at the goal: never beyond it
        (10, 12, 12, 0),  # below the start (an override): a step back still stops at the start
    ],
)
def test_steps_up_and_down_stay_between_start_and_goal(current, up, down, at):
    plan = rules(start=12, increment=2, goal=20)
    assert (step_up(plan, current), step_down(plan, current), position(plan, current)) == (up, down, at)


def session(answer=None, flare=False, on=date(2026, 1, 8), quota=14):
    return QuotaSession(performed_on=on, quota=quota, done=quota, next_day=answer, flare=flare)


THU, NEXT_MON = date(2026, 1, 8), date(2026, 1, 12)


@pytest.mark.parametrize(
    "mode,every,current,sessions,today,kind,quota",
    [
        # time-contingent, per session: a session at the current quota earns the next step,
        # whatever the next-day answer
        (TC, SESSION, 14, [], THU, SuggestionKind.HOLD, 14),
        (TC, SESSION, 14, [session()], THU, SuggestionKind.SCHEDULE, 16),
        (TC, SESSION, 14, [session(NOT_YET)], THU, SuggestionKind.SCHEDULE, 16),
        (TC, SESSION, 14, [session(WORSE, flare=True)], THU, SuggestionKind.SCHEDULE, 16),
        (TC, SESSION, 14, [session(), session()], THU, SuggestionKind.SCHEDULE, 16),  # one step at a time
        (TC, SESSION, 20, [session(YES)], THU, SuggestionKind.HOLD, 20),  # goal reached
        # time-contingent, per week: the step is due once a new ISO week has begun
        (TC, WEEK, 14, [session(WORSE)], THU, SuggestionKind.HOLD, 14),
        (TC, WEEK, 14, [], NEXT_MON, SuggestionKind.SCHEDULE, 16),
        (TC, WEEK, 14, [session(WORSE)], NEXT_MON, SuggestionKind.SCHEDULE, 16),
        # symptom-guided, per session: the 24-hour rule decides
        (SG, SESSION, 14, [], THU, SuggestionKind.HOLD, 14),
        (SG, SESSION, 14, [session(None)], THU, SuggestionKind.HOLD, 14),  # no answer yet: hold and ask
        (SG, SESSION, 14, [session(YES)], THU, SuggestionKind.PROGRESS, 16),
        (SG, SESSION, 14, [session(NOT_YET)], THU, SuggestionKind.HOLD, 14),  # repeat
        (SG, SESSION, 14, [session(WORSE)], THU, SuggestionKind.STEP_BACK, 12),
        (SG, SESSION, 14, [session(WORSE, flare=True)], THU, SuggestionKind.STEP_BACK, 12),
        (SG, SESSION, 14, [session(None, flare=True)], THU, SuggestionKind.STEP_BACK, 12),
        (SG, SESSION, 12, [session(WORSE, quota=12)], THU, SuggestionKind.STEP_BACK, 12),  # the floor
        (SG, SESSION, 14, [session(WORSE), session(YES)], THU, SuggestionKind.PROGRESS, 16),  # the last counts
        (SG, SESSION, 14, [session(YES), session(None)], THU, SuggestionKind.HOLD, 14),
        (SG, SESSION, 19, [session(YES, quota=19)], THU, SuggestionKind.PROGRESS, 20),  # capped at the goal
        (SG, SESSION, 20, [session(YES, quota=20)], THU, SuggestionKind.HOLD, 20),
        (SG, SESSION, 20, [session(WORSE, quota=20)], THU, SuggestionKind.STEP_BACK, 18),
        # symptom-guided, per week: progress waits for the new week; a step back does not
        (SG, WEEK, 14, [session(YES)], THU, SuggestionKind.HOLD, 14),
        (SG, WEEK, 14, [session(YES)], NEXT_MON, SuggestionKind.PROGRESS, 16),
        (SG, WEEK, 14, [session(NOT_YET)], NEXT_MON, SuggestionKind.HOLD, 14),
        (SG, WEEK, 14, [session(WORSE)], THU, SuggestionKind.STEP_BACK, 12),
        (SG, WEEK, 14, [session(None)], NEXT_MON, SuggestionKind.HOLD, 14),
    ],
)
def test_next_quota(mode, every, current, sessions, today, kind, quota):
    result = suggest(rules(mode=mode, every=every), current, WED, sessions, today)
    assert (result.kind, result.quota, result.current) == (kind, quota, current)
    assert result.explanation and result.changes is (quota != current)


@pytest.mark.parametrize(
    "sessions,words",
    [
        ([session(None)], "Waiting for the next-day answer to the session on 8 Jan (14 minutes)"),
        ([session(YES)], "Progress to 16 minutes."),
        ([session(NOT_YET)], "repeat 14 minutes"),
        ([session(WORSE, flare=True)], "A flare the day after the session on 8 Jan (14 minutes): one step back "
                                       "to 12 minutes, and the physiotherapist is told."),
    ],
)
def test_suggestions_explain_themselves_in_plain_words(sessions, words):
    assert words in suggest(rules(), 14, WED, sessions, THU).explanation


def test_hold_per_week_says_when_the_next_step_is_due():
    result = suggest(rules(mode=TC, every=WEEK), 14, WED, [], THU)
    assert result.explanation == "The next step, to 16 minutes, is due from Monday 12 Jan."


@pytest.mark.parametrize(
    "count,current,shown",
    [
        (5, 2, [0, 1, 2, 3, 4]),
        (12, 0, list(range(12))),
        (30, 0, [0, 1, None, 28, 29]),
        (30, 10, [0, 1, None, 9, 10, 11, None, 28, 29]),
        (30, 3, [0, 1, 2, 3, 4, None, 28, 29]),
        (30, 29, [0, 1, None, 28, 29]),
    ],
)
def test_compact_schedule_shows_start_current_and_end(count, current, shown):
    assert visible_steps(count, current) == shown


GOOD = dict(activity="Walking", unit="minutes", mode="symptom_guided", start_fraction=0.8, increment=2,
            increment_every="week", goal_value=30, goal_date=date(2026, 3, 1), today=WED)


@pytest.mark.parametrize(
    "changes,field",
    [
        ({}, None),
        ({"activity": "  "}, "activity"),
        ({"unit": "furlongs"}, "unit"),
        ({"mode": "whenever"}, "mode"),
        ({"increment_every": "month"}, "increment_every"),
        ({"start_fraction": 0.49}, "start_fraction"),
        ({"start_fraction": 1.01}, "start_fraction"),
        ({"start_fraction": 0.5}, None),
        ({"start_fraction": 1.0}, None),
        ({"increment": 0}, "increment"),
        ({"increment": 1.5}, "increment"),  # whole minutes
        ({"unit": "metres", "increment": 25, "goal_value": 500}, "increment"),  # steps of 10 metres
        ({"unit": "metres", "increment": 50, "goal_value": 500}, None),
        ({"goal_value": -5}, "goal_value"),
        ({"increment": 30}, "increment"),  # not below the goal
        ({"unit": "reps", "increment": 1, "goal_value": 500}, "increment"),  # too many steps
        ({"goal_date": WED - timedelta(days=1)}, "goal_date"),
        ({"goal_date": None}, None),
    ],
)
def test_plan_settings(changes, field):
    problems = plan_problems(**{**GOOD, **changes})
    assert set(problems) == ({field} if field else set())


def test_a_kept_goal_date_may_have_passed():
    assert plan_problems(**{**GOOD, "goal_date": date(2025, 1, 1)}, check_goal_date=False) == {}


@pytest.mark.parametrize(
    "value,unit,activity,phrase",
    [
        (12, "minutes", "Walking", "12 minutes of walking"),
        (1, "minutes", "Sitting at a desk", "1 minute of sitting at a desk"),
        (1500, "steps", "Walking", "1,500 steps of walking"),
        (10, "reps", "TENS-assisted squats", "10 reps of TENS-assisted squats"),
    ],
)
def test_quota_phrase(value, unit, activity, phrase):
    assert quota_phrase(value, unit, activity) == phrase


def test_amount_keeps_a_half():
    assert amount(12.5, "minutes") == "12.5 minutes"
