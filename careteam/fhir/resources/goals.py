"""Functional goals as Goal, each ability score as an Observation the goal references."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, patient_ref, ref, rid
from careteam.fhir.resources.people import who
from careteam.fhir.source import Goal, RecordData

LIFECYCLE = {"active": "active", "achieved": "completed", "paused": "on-hold", "dropped": "cancelled"}
MEANINGFUL = 2  # PSFS: a change of 2 points or more


def achievement(goal: Goal) -> str:
    scores = goal.scores  # oldest first
    if goal.status == "achieved" or (scores and scores[-1].score >= goal.target_score):
        return "achieved"
    if not scores:
        return "in-progress"
    change = scores[-1].score - goal.baseline_score
    if change >= MEANINGFUL:
        return "improving"
    if change <= -MEANINGFUL:
        return "worsening"
    return "no-change"


def _score(data: RecordData, goal: Goal, score, checkins_shown: set[int]) -> dict:
    return drop_empty({
        "resourceType": "Observation", "id": rid("goal-score", score.id), "status": "final",
        "category": codes.SURVEY, "code": codes.concept(codes.careteam("goal-ability"), text=goal.activity),
        "subject": patient_ref(data.patient.id), "focus": [ref("Goal", "goal", goal.id)],
        "effectiveDateTime": day(score.scored_on), "issued": instant(score.created_at),
        "performer": [who(data, score.scored_by_id)], "valueInteger": score.score,
        "derivedFrom": [ref("QuestionnaireResponse", "checkin", score.checkin_id)]
        if score.checkin_id in checkins_shown else None,
    })


def resources(data: RecordData) -> Iterator[dict]:
    if not data.visibility.reads(Part.GOALS):
        return
    checkins_shown = {c.id for c in data.checkins}
    for goal in data.goals:
        scores = goal.scores
        yield drop_empty({
            "resourceType": "Goal", "id": rid("goal", goal.id),
            "lifecycleStatus": LIFECYCLE.get(goal.status, "active"),
            "achievementStatus": codes.concept(codes.coding(codes.GOAL_ACHIEVEMENT, achievement(goal))),
            "category": [codes.concept(codes.careteam("functional-goal"))],
            "description": {"text": goal.activity},
            "subject": patient_ref(data.patient.id),
            "startDate": day(goal.created_at.date()),
            "target": [drop_empty({"measure": codes.concept(codes.careteam("goal-ability")),
                                   "detailInteger": goal.target_score, "dueDate": day(goal.target_date)})],
            "statusDate": day(goal.updated_at.date()),
            "expressedBy": who(data, goal.created_by_id),
            "note": [{"text": f"Baseline ability {goal.baseline_score}/10, target {goal.target_score}/10."}],
            "outcomeReference": [ref("Observation", "goal-score", s.id) for s in scores],
        })
        for score in scores:
            yield _score(data, goal, score, checkins_shown)
