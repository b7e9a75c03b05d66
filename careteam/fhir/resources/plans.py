"""CarePlans: the exercise programme, each graded-activity plan, the exposure hierarchy and the
flare-up plan."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, number, patient_ref, ref, rid
from careteam.fhir.resources.exercises import current_dose
from careteam.fhir.resources.people import who
from careteam.fhir.source import RecordData


def _plan(data: RecordData, key: str, code: str, status: str, title: str, **more) -> dict:
    return drop_empty({
        "resourceType": "CarePlan", "id": rid("careplan", key), "status": status, "intent": "plan",
        "category": [codes.concept(codes.careteam(code))], "title": title,
        "subject": patient_ref(data.patient.id), **more,
    })


def _detail(status: str, text: str, description: str | None = None) -> dict:
    return {"detail": drop_empty({"code": codes.concept(text=text), "status": status, "description": description})}


def exercise_programme(data: RecordData) -> Iterator[dict]:
    current = [(p, current_dose(p)) for p in data.prescriptions]
    current = [(p, d) for p, d in current if d is not None]
    if not current:
        return
    active = any(p.ended_on is None for p, _ in current)
    yield _plan(data, f"exercise-{data.patient.id}", "exercise-programme", "active" if active else "completed",
                "Exercise programme",
                activity=[{"reference": ref("ServiceRequest", "exercise-dose", d.id, p.name)} for p, d in current])


def graded_activity(data: RecordData) -> Iterator[dict]:
    for plan in data.activity:
        status = {"active": "active", "ended": "completed"}.get(plan.status, "draft")
        quota = f"today's quota {number(plan.current_quota)} {plan.unit}" if plan.current_quota is not None \
            else f"baseline {plan.baseline.sessions} sessions"
        description = (f"{plan.activity}: {plan.mode.replace('_', '-')} quotas, start at "
                       f"{round(plan.start_fraction * 100)} % of the baseline, +{number(plan.increment)} {plan.unit} "
                       f"every {plan.increment_every}, goal {number(plan.goal_value)} {plan.unit}"
                       + (f" by {plan.goal_date.isoformat()}" if plan.goal_date else "") + f"; {quota}.")
        yield _plan(data, f"activity-{plan.plan_id}", "graded-activity-plan", status, f"Graded activity: {plan.activity}",
                    description=description,
                    period=drop_empty({"start": day(plan.started_on), "end": day(plan.ended_on)}) or None,
                    activity=[_detail({"active": "in-progress", "ended": "completed"}.get(plan.status, "not-started"),
                                      plan.activity, description)])


def exposure_hierarchy(data: RecordData) -> Iterator[dict]:
    if data.exposure is None:
        return
    activities = []
    for progress in data.exposure.items:
        item = progress.item
        status = "completed" if item.mastered_at else ("in-progress" if progress.attempts_count else "not-started")
        text = (f"Fear {item.fear_rating}/100; predicted: {item.predicted_consequence or 'not stated'} "
                f"(expected {item.expectancy}/100); {progress.attempts_count} attempts")
        if progress.last_expectancy_after is not None:
            text += f", last expectancy after {progress.last_expectancy_after}/100"
        activities.append(_detail(status, item.description, text + "."))
    yield _plan(data, f"exposure-{data.patient.id}", "exposure-hierarchy", "active", "Graded-exposure hierarchy",
                description="Feared or avoided activities in the order they are approached.", activity=activities)


def flare_up_plan(data: RecordData) -> Iterator[dict]:
    plan = data.flare_plan
    if plan is None:
        return
    sections = (("Early warning signs", plan.early_warning_signs), ("Minimum non-negotiable", plan.minimum_activity),
                ("Returning to the plan", plan.return_to_plan), ("When to seek help", plan.seek_help))
    yield _plan(data, f"flare-{plan.id}", "flare-up-plan", "active", f"Flare-up plan (version {plan.version})",
                description=plan.early_warning_signs or None, created=instant(plan.created_at),
                author=who(data, plan.created_by_id),
                note=[{"text": f"{label}: {text}"} for label, text in sections if text],
                activity=[_detail("not-started", tool.name, "Immediate tool in a flare-up")
                          for tool in plan.tools]
                + ([_detail("not-started", "Minimum non-negotiable", plan.minimum_activity)]
                   if plan.minimum_activity else []))


def resources(data: RecordData) -> Iterator[dict]:
    reads = data.visibility.reads
    if reads(Part.EXERCISE_DOSES):
        yield from exercise_programme(data)
    if reads(Part.GRADED_ACTIVITY):
        yield from graded_activity(data)
    if reads(Part.EXPOSURE):
        yield from exposure_hierarchy(data)
    if reads(Part.FLARE_PLAN):
        yield from flare_up_plan(data)
