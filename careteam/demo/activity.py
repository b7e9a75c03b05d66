"""Demo data: patient A's walking quota plan, in progress for about seven weeks.

The history is played forward through the engine itself: a session every two or three days,
the next-day answer the day after, and the physiotherapist accepting each suggestion that
changes the quota — except once, when she holds the quota over a busy week. One flare steps
the quota back. The last session was yesterday and waits for its next-day answer.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from careteam.domain import graded_activity as rules
from careteam.domain.vocabulary import ActivityMode, IncrementEvery, NextDayResponse
from careteam.extensions import db
from careteam.models import ActivityLog, GradedActivityPlan, Patient, QuotaDecision, User

YES, NOT_YET, WORSE = NextDayResponse.YES, NextDayResponse.NOT_YET, NextDayResponse.WORSE
BASELINE_MINUTES = (14, 17, 15)
# (days after the previous session, minutes done below the quota, next-day answer, flare)
SESSIONS = [
    (0, 0, YES, False), (2, 0, YES, False), (2, 0, NOT_YET, False), (3, 0, YES, False),
    (2, 0, YES, False), (2, 0, YES, False), (3, 0, YES, False), (2, 3, WORSE, True),
    (3, 0, NOT_YET, False), (2, 0, YES, False), (2, 0, YES, False), (3, 0, YES, False),
    (2, 0, YES, False), (2, 0, YES, False), (3, 0, NOT_YET, False), (2, 0, YES, False),
    (2, 0, YES, False), (3, 0, YES, False), (2, 0, YES, False), (2, 0, None, False),
]
HOLD_AT_SESSION = 12  # the physiotherapist overrides this progress suggestion
HOLD_REASON = "Maria has a busy week at work: keep the quota, then continue."


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def add_activity_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """Patient A's symptom-guided walking plan (+1 minute per session, goal 30 minutes). Caller commits."""
    physio, patient = users["physiotherapist"], records["patient_a"]
    started_on = today - timedelta(days=sum(gap for gap, *_ in SESSIONS) + 1)
    plan = GradedActivityPlan(
        patient_id=patient.id, activity="Walking", unit="minutes", mode=ActivityMode.SYMPTOM_GUIDED.value,
        start_fraction=0.8, increment=1, increment_every=IncrementEvery.SESSION.value, goal_value=30,
        goal_date=today + timedelta(weeks=8), created_by_id=physio.id,
        created_at=_at(started_on - timedelta(days=8), 9),
    )
    db.session.add(plan)
    db.session.flush()
    for days_before, minutes in zip((6, 4, 2), BASELINE_MINUTES, strict=True):
        day = started_on - timedelta(days=days_before)
        db.session.add(ActivityLog(plan_id=plan.id, performed_on=day, is_baseline=True, done=minutes,
                                   logged_by_id=patient.user_id, created_at=_at(day, 18)))
    plan.start_quota = rules.start_quota(rules.baseline(BASELINE_MINUTES).mean, plan.start_fraction, plan.unit)
    plan.started_on = started_on
    _play_sessions(plan, physio, patient.user_id)
    db.session.flush()


def _play_sessions(plan: GradedActivityPlan, physio: User, patient_user_id: int) -> None:
    plan_rules = rules.Rules(mode=ActivityMode(plan.mode), unit=plan.unit, start_quota=plan.start_quota,
                             increment=plan.increment, increment_every=IncrementEvery(plan.increment_every),
                             goal_value=plan.goal_value, started_on=plan.started_on)
    quota, day = plan.start_quota, plan.started_on
    for number, (gap, short, answer, flare) in enumerate(SESSIONS):
        day += timedelta(days=gap)
        db.session.add(ActivityLog(plan_id=plan.id, performed_on=day, is_baseline=False, quota=quota,
                                   done=quota - short, next_day_response=answer.value if answer else None,
                                   flare=flare, logged_by_id=patient_user_id, created_at=_at(day, 18)))
        if answer is None:
            continue
        session = rules.QuotaSession(day, quota, quota - short, answer, flare)
        suggestion = rules.suggest(plan_rules, quota, day, [session], day + timedelta(days=1))
        if not suggestion.changes:
            continue
        chosen, reason = suggestion.quota, ""
        if number == HOLD_AT_SESSION:
            chosen, reason = quota, HOLD_REASON
        db.session.add(QuotaDecision(plan_id=plan.id, suggested_quota=suggestion.quota,
                                     suggestion=suggestion.kind.value, quota=chosen, reason=reason,
                                     decided_by_id=physio.id, decided_at=_at(day + timedelta(days=1), 10)))
        quota = chosen
