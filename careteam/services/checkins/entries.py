"""The entries a check-in carries into other parts (effect ratings, goal scores, session counts)
as plain values, so that an edit's timeline entry keeps them before and after like its own fields."""

from __future__ import annotations

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import ExercisePrescription, FunctionalGoal, GoalScore, Intervention, WeeklyCheckin

LABEL_LENGTH = 60  # a key names its object; the full text stays in its own part


def _label(kind: str, name: str, object_id: int) -> str:
    short = name if len(name) <= LABEL_LENGTH else name[: LABEL_LENGTH - 1] + "…"
    return f"{kind}: {short} (#{object_id})"


def entry_values(checkin: WeeklyCheckin) -> dict[str, object]:
    """{"rating: Heat pack (#3)": 1, "days used: Heat pack (#3)": 5, "goal score: … (#7)": 6,
    "sessions: Bird dog (#2)": 3} as they are now in the session (flushed or not)."""
    values: dict[str, object] = {}
    ratings = list(checkin.effect_ratings)
    names = dict(db.session.execute(select(Intervention.id, Intervention.name).where(
        Intervention.id.in_([r.intervention_id for r in ratings]))).all()) if ratings else {}
    for row in ratings:
        name = names.get(row.intervention_id, "")
        values[_label("rating", name, row.intervention_id)] = row.rating
        values[_label("days used", name, row.intervention_id)] = row.days_used
    counts = list(checkin.exercise_counts)
    exercise_names = dict(db.session.execute(select(ExercisePrescription.id, ExercisePrescription.name).where(
        ExercisePrescription.id.in_([c.prescription_id for c in counts]))).all()) if counts else {}
    for row in counts:
        values[_label("sessions", exercise_names.get(row.prescription_id, ""), row.prescription_id)] = row.sessions_done
    if checkin.id is not None:
        for goal_id, activity, score in db.session.execute(
                select(GoalScore.goal_id, FunctionalGoal.activity, GoalScore.score)
                .join(FunctionalGoal, FunctionalGoal.id == GoalScore.goal_id)
                .where(GoalScore.checkin_id == checkin.id)):
            values[_label("goal score", activity, goal_id)] = score
    return values


def entry_changes(before: dict[str, object], after: dict[str, object]) -> dict[str, tuple]:
    """{key: (before, after)} for every entry added, removed or changed; None where absent."""
    return {key: (before.get(key), after.get(key)) for key in sorted(before.keys() | after.keys())
            if before.get(key) != after.get(key)}
