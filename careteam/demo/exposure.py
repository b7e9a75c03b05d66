"""Demo history for graded exposure and the flare-up plan of patient A (Maria Lopez).

Call `add_exposure_history` and `add_flare_plan_history` from `careteam.demo.history.add_history`;
the flare-up plan links the patient's active immediate-relief and habit interventions, so call it
after the interventions' demo data. The caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import select

from careteam.domain.exposure import evaluate_mastery
from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import ExposureAttempt, ExposureItem, FlarePlan, Intervention, Patient, RecordEvent, User
from careteam.services.flare import default_seek_help, tools_in_order

# description, fear, predicted consequence, expectancy, days ago added, attempts:
# (days ago, who, expectancy before, after, fear after, what happened, what was learned)
HIERARCHY = [
    ("Bend forward to load the dishwasher", 30, "A sharp catch in my low back and I can't straighten up", 60, 56, [
        (42, "psychologist", 60, 35, 30, "Loaded half, then all of it. Stiff, no catch.", "Stiff is not stuck."),
        (35, "patient", 40, 15, 20, "Did it every evening this week.", "My back bends and comes back."),
        (28, "physiotherapist", 20, 10, 10, "Loaded it while chatting, hardly noticed.", "It is just a chore now."),
    ]),
    ("Carry a full laundry basket up the stairs", 55, "My back gives way and I drop it", 70, 56, [
        (21, "physiotherapist", 70, 45, 45, "Carried it with Priya on the stairs; sore afterwards, back to "
         "usual the next morning.", "Sore is not damage: it settled within 24 hours."),
        (9, "patient", 55, 30, 35, "Carried it up twice on Saturday.", "I can do it if I hold it close."),
    ]),
    ("Sit through a 2-hour film at the cinema", 65, "Pain so bad I have to leave halfway", 60, 56, []),
    # Maria's own goal names the same child: "Pick up my niece without fear of my back giving way".
    ("Lift my 3-year-old niece from the floor", 85, "Something in my spine slips", 80, 56, []),
]
ROLE_KEYS = {"psychologist": "psychologist", "physiotherapist": "physiotherapist", "patient": "patient_a"}
THRESHOLD = 20  # the default CARETEAM_MASTERY_THRESHOLD


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _change(patient: Patient, actor: User, part: Part, object_type: str, object_id: int, moment: datetime,
            summary: str, reason: str = "") -> None:
    """A timeline entry at the very moment of the change it describes."""
    db.session.add(RecordEvent(patient_id=patient.id, actor_id=actor.id, actor_role=actor.role, part=part.value,
                               object_type=object_type, object_id=object_id, summary=summary, reason=reason,
                               occurred_at=moment))


def _add_item(patient: Patient, users: dict[str, User], today: date, spec) -> None:
    description, fear, consequence, expectancy, added_ago, attempts = spec
    psychologist = users["psychologist"]
    added = today - timedelta(days=added_ago)
    item = ExposureItem(patient_id=patient.id, description=description, fear_rating=fear,
                        predicted_consequence=consequence, expectancy=expectancy, created_by_id=psychologist.id,
                        created_at=_at(added))
    db.session.add(item)
    db.session.flush()
    _change(patient, psychologist, Part.EXPOSURE, "exposure_item", item.id, item.created_at,
            f"Exposure item added: {description} (fear {fear})")
    afters: list[int] = []
    for days_ago, who, before, after, fear_after, happened, learned in attempts:
        logger, day = users[ROLE_KEYS[who]], today - timedelta(days=days_ago)
        present = "alone" if who == "patient" else f"with {logger.name} ({who})"
        attempt = ExposureAttempt(item_id=item.id, attempted_on=day, present=present, expectancy_before=before,
                                  what_happened=happened, feared_outcome_occurred=False, expectancy_after=after,
                                  fear_after=fear_after, learned=learned, logged_by_id=logger.id,
                                  logged_by_role=logger.role, created_at=_at(day, 18))
        db.session.add(attempt)
        db.session.flush()
        _change(patient, logger, Part.EXPOSURE, "exposure_attempt", attempt.id, attempt.created_at,
                f"Exposure attempt at {description}: expectancy {before} → {after}")
        afters.append(after)
        mastery = evaluate_mastery(afters, THRESHOLD, marked_by_clinician=False)
        if mastery.mastered and item.mastered_at is None:
            item.mastered_at, item.mastery_reason = _at(day, 18), mastery.reason
            _change(patient, logger, Part.EXPOSURE, "exposure_item", item.id, item.mastered_at,
                    f"Mastered: {description} ({mastery.reason})")


def add_exposure_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """Patient A's hierarchy: one item mastered by attempts, one in progress (the suggested next
    one), two not yet tried. Attempts by the psychologist, the physiotherapist and the patient."""
    for spec in HIERARCHY:
        _add_item(records["patient_a"], users, today, spec)
    db.session.flush()


FLARE_VERSIONS = [
    # days ago, author key, minimum activity, return to the plan, reason
    (70, "physiotherapist", "Walk 20 minutes, split into two 10-minute walks.",
     "Day 2: back to half of each exercise dose. Day 4: full doses if the 24-hour rule says yes.",
     "First flare-up plan, written together with Maria."),
    (20, "psychologist", "Walk 5 minutes twice a day, and do the 3-minute breathing before bed.",
     "Add 5 minutes of walking a day while the next-day check says \"back to usual\"; full exercise doses "
     "once walking is back to 20 minutes.",
     "After the last flare: 20 minutes on day one was too much and Maria stopped altogether. A smaller "
     "minimum she can keep."),
]
WARNING_SIGNS = ("Stiff, sore mornings two days in a row; sleeping under 6 hours; skipping the warm-up because "
                 "of work deadlines.")


def _flare_tools(patient: Patient, today: date) -> list[Intervention]:
    candidates = db.session.scalars(select(Intervention).where(
        Intervention.patient_id == patient.id,
        Intervention.tier.in_(["immediate_relief", "stabilizing_habit"]))).all()
    return tools_in_order([t for t in candidates if t.active_on(today)])[:4]


def add_flare_plan_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """Patient A's flare-up plan in two versions (physiotherapist, then psychologist)."""
    patient = records["patient_a"]
    tools = _flare_tools(patient, today)
    for version, (days_ago, author_key, minimum, back, reason) in enumerate(FLARE_VERSIONS, start=1):
        author, day = users[author_key], today - timedelta(days=days_ago)
        plan = FlarePlan(patient_id=patient.id, version=version, early_warning_signs=WARNING_SIGNS,
                         minimum_activity=minimum, return_to_plan=back, seek_help=default_seek_help(),
                         reason=reason, created_by_id=author.id, created_at=_at(day, 16), tools=list(tools))
        db.session.add(plan)
        db.session.flush()
        summary = ("Flare-up plan written (version 1)" if version == 1 else
                   f"Flare-up plan version {version}: minimum activity, return to the plan changed")
        _change(patient, author, Part.FLARE_PLAN, "flare_plan", plan.id, plan.created_at, summary, reason)
