"""Functional goals: create, edit, change status, score; progress for pages, the API and the summary.

Clinicians on the team write goals and may add a score at any time; the patient reads them and
adds scores (in the weekly check-in, or here outside it). `goal_progress` is for callers that
have authorized already; `list_goals` authorizes and audits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from careteam import queries
from careteam.domain import goals as rules
from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import GoalStatus
from careteam.extensions import db
from careteam.models import FunctionalGoal, GoalScore, Patient, User
from careteam.queries import PATIENT_ID
from careteam.services import audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Conflict, InvalidInput, NotFound

EDITABLE_FIELDS = ("activity", "baseline_score", "target_score", "target_date", "status")
ACTIVITY_MAX, REASON_MAX = 500, 1000
STATUS_ORDER = {status.value: index for index, status in enumerate(
    (GoalStatus.ACTIVE, GoalStatus.PAUSED, GoalStatus.ACHIEVED, GoalStatus.DROPPED))}
CHECKIN_SOURCE = "checkin"


@dataclass(frozen=True)
class ScorePoint:
    scored_on: date
    score: int  # 0-10 ability
    source: str  # "checkin", or the role of who scored it outside a check-in ("patient", "physician", ...)


@dataclass(frozen=True)
class GoalProgress:
    goal_id: int
    activity: str
    status: str  # vocabulary.GoalStatus value
    baseline_score: int
    target_score: int
    target_date: date | None
    latest_score: int | None
    latest_on: date | None
    change: int | None  # latest - baseline; None before the first score
    meaningful: bool  # |change| >= 2 (PSFS)
    progress: float  # 0.0-1.0 from baseline toward target
    scores: tuple[ScorePoint, ...]  # oldest first
    version: int  # for edits: the version they are based on


def _progress(goal, scores: list[ScorePoint]) -> GoalProgress:
    latest = scores[-1] if scores else None
    latest_score = latest.score if latest else None
    change = rules.change_from_baseline(goal.baseline_score, latest_score)
    return GoalProgress(
        goal_id=goal.id,
        activity=goal.activity,
        status=goal.status,
        baseline_score=goal.baseline_score,
        target_score=goal.target_score,
        target_date=goal.target_date,
        latest_score=latest_score,
        latest_on=latest.scored_on if latest else None,
        change=change,
        meaningful=rules.is_meaningful(change),
        progress=rules.progress(goal.baseline_score, goal.target_score, latest_score),
        scores=tuple(scores),
        version=goal.version,
    )


def _scores_by_goal(goal_ids: list[int]) -> dict[int, list[ScorePoint]]:
    rows = db.session.execute(
        select(GoalScore.goal_id, GoalScore.scored_on, GoalScore.score, GoalScore.checkin_id, User.role)
        .join(User, User.id == GoalScore.scored_by_id)
        .where(GoalScore.goal_id.in_(goal_ids))
        .order_by(GoalScore.scored_on, GoalScore.id)
    )
    return _score_points(rows)


GOALS = (select(FunctionalGoal.id, FunctionalGoal.activity, FunctionalGoal.status, FunctionalGoal.baseline_score,
                FunctionalGoal.target_score, FunctionalGoal.target_date, FunctionalGoal.version)
         .where(FunctionalGoal.patient_id == PATIENT_ID).order_by(FunctionalGoal.id))
PATIENT_SCORES = (select(GoalScore.goal_id, GoalScore.scored_on, GoalScore.score, GoalScore.checkin_id, User.role)
                  .join(User, User.id == GoalScore.scored_by_id)
                  .join(FunctionalGoal, FunctionalGoal.id == GoalScore.goal_id)
                  .where(FunctionalGoal.patient_id == PATIENT_ID)
                  .order_by(GoalScore.scored_on, GoalScore.id))


def _score_points(rows) -> dict[int, list[ScorePoint]]:
    scores: dict[int, list[ScorePoint]] = defaultdict(list)
    for goal_id, scored_on, score, checkin_id, role in rows:
        scores[goal_id].append(ScorePoint(scored_on, score, CHECKIN_SOURCE if checkin_id else role))
    return scores


def goal_progress(patient_id: int) -> list[GoalProgress]:
    """Every goal of a patient with its progress: active first, then paused, achieved, dropped;
    oldest first within each. No authorization: callers authorize first. Two prebuilt statements."""
    goals = queries.rows(GOALS, patient_id=patient_id)
    if not goals:
        return []
    scores = _score_points(queries.rows(PATIENT_SCORES, patient_id=patient_id))
    ordered = sorted(goals, key=lambda g: STATUS_ORDER[g.status])
    return [_progress(goal, scores[goal.id]) for goal in ordered]


def progress_for(goal: FunctionalGoal) -> GoalProgress:
    """One goal's progress, for a caller that has just been authorized for it (one query)."""
    return _progress(goal, _scores_by_goal([goal.id])[goal.id])


def list_goals(actor: User, patient_id: int) -> tuple[Patient, list[GoalProgress]]:
    patient = authorize(actor, patient_id, Part.GOALS, Action.READ, object_type="goal")
    progress = goal_progress(patient.id)
    audit.record("read", actor=actor, patient_id=patient.id, object_type="goal")
    db.session.commit()
    return patient, progress


def _load(patient: Patient, goal_id: int) -> FunctionalGoal:
    goal = db.session.get(FunctionalGoal, goal_id)
    if goal is None or goal.patient_id != patient.id:
        raise NotFound()
    return goal


def get_goal(actor: User, patient_id: int, goal_id: int) -> tuple[Patient, GoalProgress]:
    patient = authorize(actor, patient_id, Part.GOALS, Action.READ, object_type="goal", object_id=goal_id)
    goal = _load(patient, goal_id)
    progress = progress_for(goal)
    audit.record("read", actor=actor, patient_id=patient.id, object_type="goal", object_id=goal.id)
    db.session.commit()
    return patient, progress


def patient_for_adding(actor: User, patient_id: int) -> Patient:
    """The patient whose record the add form is for; refuses who may not add goals."""
    return authorize(actor, patient_id, Part.GOALS, Action.WRITE, object_type="goal")


def current_values(goal: FunctionalGoal) -> dict[str, Any]:
    """What a Conflict reports: the goal as it is now, JSON-able."""
    return {
        "id": goal.id,
        "activity": goal.activity,
        "baseline_score": goal.baseline_score,
        "target_score": goal.target_score,
        "target_date": goal.target_date.isoformat() if goal.target_date else None,
        "status": goal.status,
        "version": goal.version,
    }


def _score_problem(value: Any) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or not rules.SCORE_MIN <= value <= rules.SCORE_MAX


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(values)
    errors: dict[str, str] = {}
    if "activity" in cleaned:
        cleaned["activity"] = (cleaned["activity"] or "").strip()
        if not cleaned["activity"] or len(cleaned["activity"]) > ACTIVITY_MAX:
            errors["activity"] = f"Describe the activity in the person's words (at most {ACTIVITY_MAX} characters)."
    for field in ("baseline_score", "target_score"):
        if field in cleaned and _score_problem(cleaned[field]):
            errors[field] = "Give a score from 0 (unable) to 10 (able as before)."
    if "status" in cleaned and cleaned["status"] not in STATUS_ORDER:
        errors["status"] = "Choose a status."
    if errors:
        raise InvalidInput(errors)
    return cleaned


def _check_target(baseline: int, target: int) -> None:
    problem = rules.target_problem(baseline, target)
    if problem:
        raise InvalidInput({"target_score": problem})


def new_goal_problems(actor: User, patient_id: int, values: Mapping[str, Any]) -> dict[str, str]:
    """The goal rules on the values a form could read (None: could not), without saving: with
    the form's own messages every problem shows in one round."""
    authorize(actor, patient_id, Part.GOALS, Action.WRITE, object_type="goal")
    readable = {k: v for k, v in values.items() if k in EDITABLE_FIELDS and v is not None}
    try:
        _clean(readable)
    except InvalidInput as error:
        return {name: messages[0] for name, messages in error.errors.items()}
    if "baseline_score" in readable and "target_score" in readable:
        problem = rules.target_problem(readable["baseline_score"], readable["target_score"])
        if problem:
            return {"target_score": problem}
    return {}


def create_goal(actor: User, patient_id: int, values: Mapping[str, Any]) -> FunctionalGoal:
    """values: activity, baseline_score, target_score, target_date (optional), status (default active)."""
    patient = authorize(actor, patient_id, Part.GOALS, Action.WRITE, object_type="goal")
    cleaned = _clean({"status": GoalStatus.ACTIVE.value, "target_date": None,
                      **{k: v for k, v in values.items() if k in EDITABLE_FIELDS}})
    missing = [f for f in ("activity", "baseline_score", "target_score") if f not in cleaned]
    if missing:
        raise InvalidInput({f: "This is required." for f in missing})
    _check_target(cleaned["baseline_score"], cleaned["target_score"])
    goal = FunctionalGoal(patient_id=patient.id, created_by_id=actor.id, **cleaned)
    db.session.add(goal)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type="goal", object_id=goal.id)
    timeline.record_change(actor, patient.id, Part.GOALS, "goal", goal.id,
                           f"Added goal “{goal.activity}” (baseline {goal.baseline_score}, "
                           f"target {goal.target_score})")
    db.session.commit()
    return goal


def _check_transition(current: GoalStatus, new: GoalStatus, reason: str) -> None:
    problem = rules.transition_problem(current, new, reason)
    if problem:
        raise InvalidInput({"status" if not rules.transition_allowed(current, new) else "reason": problem})


def _describe_changes(goal: FunctionalGoal, changes: Mapping[str, Any]) -> list[str]:
    labels = {"baseline_score": "baseline", "target_score": "target", "target_date": "target date",
              "status": "status", "activity": "activity"}
    described = []
    for field, new in changes.items():
        old = getattr(goal, field)
        if old == new:
            continue
        if field == "activity":
            described.append(f"activity “{old}” → “{new}”")
        elif field == "target_date":
            described.append(f"target date {_day(old)} → {_day(new)}")
        elif field == "status":
            described.append(f"status {rules.STATUS_LABELS[GoalStatus(old)].lower()} → "
                             f"{rules.STATUS_LABELS[GoalStatus(new)].lower()}")
        else:
            described.append(f"{labels[field]} {old} → {new}")
    return described


def _day(value: date | None) -> str:
    return value.strftime("%-d %b %Y") if value else "none"


def edit_goal(actor: User, patient_id: int, goal_id: int, version: int, changes: Mapping[str, Any],
              reason: str = "") -> FunctionalGoal:
    """Change some of EDITABLE_FIELDS (the status by the allowed transitions), based on `version`:
    when someone else saved in between, Conflict carries the current values and nothing changes."""
    patient = authorize(actor, patient_id, Part.GOALS, Action.WRITE, object_type="goal", object_id=goal_id)
    goal = _load(patient, goal_id)
    if version != goal.version:
        raise Conflict(current=current_values(goal))
    cleaned = _clean({k: v for k, v in changes.items() if k in EDITABLE_FIELDS})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise InvalidInput({"reason": f"Keep the reason to {REASON_MAX} characters."})
    _check_target(cleaned.get("baseline_score", goal.baseline_score), cleaned.get("target_score", goal.target_score))
    if "status" in cleaned:
        _check_transition(GoalStatus(goal.status), GoalStatus(cleaned["status"]), reason)
    described = _describe_changes(goal, cleaned)
    if not described:
        return goal
    title = goal.activity
    replaced = {field: (getattr(goal, field), value) for field, value in cleaned.items()}
    for field, value in cleaned.items():
        setattr(goal, field, value)
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise Conflict(current=current_values(db.session.get(FunctionalGoal, goal_id))) from None
    audit.record("update", actor=actor, patient_id=patient.id, object_type="goal", object_id=goal.id,
                 detail=",".join(sorted(cleaned)))
    timeline.record_change(actor, patient.id, Part.GOALS, "goal", goal.id,
                           f"Goal “{title}”: " + "; ".join(described), reason=reason, changes=replaced)
    db.session.commit()
    return goal


def change_status(actor: User, patient_id: int, goal_id: int, version: int, status: str,
                  reason: str = "") -> FunctionalGoal:
    return edit_goal(actor, patient_id, goal_id, version, {"status": status}, reason)


def score_problems(score: int | None, scored_on: date | None) -> dict[str, str]:
    """A score's rules on what a form could read (None: could not, or left empty)."""
    problems = {}
    if score is not None and _score_problem(score):
        problems["score"] = "Give a score from 0 (unable) to 10 (able as before)."
    if scored_on is not None and scored_on > clock.today():
        problems["scored_on"] = "The date cannot be in the future."
    return problems


def add_score(actor: User, patient_id: int, goal_id: int, score: int, scored_on: date | None = None) -> GoalScore:
    """A score outside the weekly check-in: clinicians (write) or the patient (log), dated today
    unless a past date is given."""
    action = Action.LOG if actor.role_enum == Role.PATIENT else Action.WRITE
    patient = authorize(actor, patient_id, Part.GOALS, action, object_type="goal_score", object_id=goal_id)
    goal = _load(patient, goal_id)
    problems = score_problems(score, scored_on)
    if problems:
        raise InvalidInput(problems)
    scored_on = scored_on or clock.today()
    entry = GoalScore(goal_id=goal.id, score=score, scored_on=scored_on, checkin_id=None, scored_by_id=actor.id)
    db.session.add(entry)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient.id, object_type="goal_score", object_id=entry.id)
    timeline.record_change(actor, patient.id, Part.GOALS, "goal", goal.id,
                           f"Scored “{goal.activity}”: {score}/10 (baseline {goal.baseline_score})")
    db.session.commit()
    return entry
