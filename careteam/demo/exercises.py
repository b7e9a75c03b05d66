"""Demo history for patient A's (Maria Lopez's) exercise programme.

Eight weeks of three exercises prescribed by the physiotherapist, with three dose changes (two
progressions of the glute bridge, one step back of the bird dog after two "worse" next days),
the sessions Maria logged with her next-day answers, and the timeline entries. Each exercise's
latest session still waits for its answer, so the Today page has questions to ask.

Call `add_exercise_history(users, records, today)` from `careteam.demo.history.add_history`.
The caller commits.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from careteam.domain import dosing
from careteam.domain.policy import Part
from careteam.domain.vocabulary import NextDayResponse
from careteam.extensions import db
from careteam.models import ExerciseDose, ExercisePrescription, ExerciseSession, Patient, RecordEvent, User

# name, instructions, side, equipment, training weekdays (0 = Monday),
# doses: (days ago, sets, reps, hold s, load kg, rest s, per week, effort, reason)
PROGRAMME = [
    ("Glute bridge", "Lie on your back, knees bent. Tighten your tummy, lift your hips until your body is "
     "straight, hold, then lower slowly.", "both", "Mat", (0, 2, 4, 5), [
        (56, 2, 10, 3, None, 30, 3, 4, "Starting dose: learn the movement without a flare."),
        (35, 3, 10, 5, None, 45, 4, 5, "Back to usual within 24 hours after every session for two weeks."),
        (14, 3, 12, 5, None, 45, 4, 5, "Progressing: next-day answers mostly yes, pain after sessions stable."),
    ]),
    ("Bird dog", "On hands and knees, reach one arm forward and the opposite leg back, hold, and swap. "
     "Keep your back still.", "both", "Mat", (1, 3, 5), [
        (42, 2, 8, 5, None, 30, 3, 5, "Starting dose for trunk control."),
        (21, 2, 6, 3, None, 45, 3, 4, "Step back: worse the next day twice in one week."),
    ]),
    ("Sit to stand", "Stand up from a firm chair without using your hands, then sit down slowly.",
     "not_applicable", "Chair, 4 kg dumbbell", (0, 2, 4), [
        (28, 3, 8, 0, 4.0, 60, 3, 5, "Loaded sit to stand for getting out of the car and the office chair."),
    ]),
]
# Tom's one exercise, from his physiotherapist's first session with him.
TOM_EXERCISE = (
    "Cat-camel", "On hands and knees, slowly round your back up, then let it sag gently. Move within comfort.",
    "not_applicable", "Mat", (0, 3, 5), [
        (24, 2, 8, 0, None, 30, 3, 3, "Starting dose: gentle movement of the low back."),
        (10, 2, 12, 0, None, 30, 3, 4, "Back to usual the next day after every session: a little more."),
    ])
SKIPPED_DAYS_AGO = {30, 31, 32, 33, 9}  # a busy week, and one missed day
STEP_BACK_WEEK = range(22, 29)  # days ago: the bird dog's week before its step back
NOT_YET_EVERY = 5  # every fifth answer is "not yet"


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.utc)


def _change(patient: Patient, actor: User, object_type: str, object_id: int, day: date, summary: str,
            reason: str = "", hour: int = 15) -> None:
    db.session.add(RecordEvent(patient_id=patient.id, actor_id=actor.id, actor_role=actor.role,
                               part=Part.EXERCISE_DOSES.value, object_type=object_type, object_id=object_id,
                               summary=summary, reason=reason, occurred_at=_at(day, hour)))


def _prescribe(patient: Patient, physio: User, today: date, spec) -> ExercisePrescription:
    name, instructions, side, equipment, _, doses = spec
    prescription = ExercisePrescription(patient_id=patient.id, name=name, instructions=instructions, side=side,
                                        equipment=equipment, created_by_id=physio.id,
                                        created_at=_at(today - timedelta(days=doses[0][0]), 15))
    db.session.add(prescription)
    for number, (days_ago, sets, reps, hold, kg, rest, per_week, effort, reason) in enumerate(doses, start=1):
        day = today - timedelta(days=days_ago)
        prescription.doses.append(ExerciseDose(
            number=number, sets=sets, reps=reps, hold_seconds=hold, load_kg=kg, rest_seconds=rest,
            sessions_per_week=per_week, target_effort=effort, effective_from=day, reason=reason,
            changed_by_id=physio.id, changed_at=_at(day, 15)))
    db.session.flush()
    prescription.version = len(doses)
    _timeline(patient, physio, prescription)
    return prescription


def _timeline(patient: Patient, physio: User, prescription: ExercisePrescription) -> None:
    first, *later = prescription.doses
    _change(patient, physio, "exercise_prescription", prescription.id, first.effective_from,
            f"New exercise {prescription.name}: {dosing.describe(dosing.dose_of(first))}", first.reason)
    for previous, dose in zip(prescription.doses, later, strict=False):
        diff = dosing.dose_diff(dosing.dose_of(previous), dosing.dose_of(dose))
        _change(patient, physio, "exercise_prescription", prescription.id, dose.effective_from,
                f"Dose of {prescription.name}: {diff}", dose.reason)


def _training_days(prescription: ExercisePrescription, today: date, weekdays: tuple[int, ...]) -> list[date]:
    first = prescription.started_on
    days = [first + timedelta(days=n) for n in range((today - first).days)]
    return [d for d in days if d.weekday() in weekdays and (today - d).days not in SKIPPED_DAYS_AGO]


def _answer(day: date, days: list[date], count: int, worse_days: list[date]) -> str | None:
    if day == days[-1]:
        return None  # the latest session still waits for its next-day answer
    if day in worse_days:
        return NextDayResponse.WORSE.value
    return NextDayResponse.NOT_YET.value if count % NOT_YET_EVERY == 4 else NextDayResponse.YES.value


def _sessions(patient: Patient, maria: User, today: date, prescription: ExercisePrescription,
              weekdays: tuple[int, ...]) -> None:
    days = _training_days(prescription, today, weekdays)
    worse_days = [d for d in days if (today - d).days in STEP_BACK_WEEK][-2:] if prescription.name == "Bird dog" else []
    for count, day in enumerate(days):
        dose = dosing.dose_in_effect(prescription.doses, day)
        response = _answer(day, days, count, worse_days)
        session = ExerciseSession(
            prescription_id=prescription.id, patient_id=patient.id, dose_id=dose.id, performed_on=day,
            sets_done=dose.sets, reps_done=dose.reps, pain_before=4 - count % 2, pain_after=4 + (count % 3 == 0),
            next_day_response=response, responded_at=_at(day + timedelta(days=1), 8) if response else None,
            logged_by_id=maria.id, created_at=_at(day, 19))
        db.session.add(session)
        if response == NextDayResponse.WORSE:
            db.session.flush()
            _change(patient, maria, "exercise_session", session.id, day + timedelta(days=1),
                    f"Next day worse after {prescription.name}",
                    f"Session on {day:%-d %b %Y}; flagged for the physiotherapist", hour=8)


def add_exercise_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """Patient A's exercise programme, sessions and next-day answers over the last eight weeks."""
    patient, physio, maria = records["patient_a"], users["physiotherapist"], users["patient_a"]
    for spec in PROGRAMME:
        prescription = _prescribe(patient, physio, today, spec)
        _sessions(patient, maria, today, prescription, spec[4])


def add_tom_exercise(users: dict[str, User], patient: Patient, today: date) -> None:
    """Patient B's one exercise with one progression, and the sessions he logged."""
    prescription = _prescribe(patient, users["physiotherapist"], today, TOM_EXERCISE)
    _sessions(patient, users["patient_b"], today, prescription, TOM_EXERCISE[4])
