"""A known record for the handover summary: every section has something, with known numbers."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from careteam.extensions import db
from careteam.models import Appointment, RedFlagAlert, User
from careteam.services import clock
from tests.support import exercises, exposure, ledger, notes

MARKERS = {
    "team_and_patient": "MARK-TEAM-7a1",
    "clinicians": "MARK-CLINICIANS-4b2",
    "psychologists": "MARK-PSYCH-9c3",
}
PAIN = [7, 7, 6, 6, 5, 5, 4]  # the last 7 weeks, oldest first


def handover_record(clinic, record=None) -> dict:
    """Patient A (or `record`), last appointment 6 weeks ago. Commits. Returns ids by name."""
    today = clock.today()
    a = record or clinic.record_a
    physician = db.session.get(User, clinic.physician.id)
    physio = db.session.get(User, clinic.physio.id)
    psych = db.session.get(User, clinic.psych.id)
    last_visit = today - timedelta(weeks=6)
    db.session.add(Appointment(patient_id=a.id, clinician_id=physician.id, kind="follow_up", created_by_id=physician.id,
                               starts_at=datetime.combine(last_visit, time(9), tzinfo=clock.zone())))
    weeks = ledger.checkin_weeks(a.id, a.user_id, today, len(PAIN), lambda n: PAIN[n])
    weeks[-2].red_flags = ["night_pain_unrelieved"]
    heat = ledger.intervention(a.id, physio.id, "Moist heat pack", details="15 minutes, evenings")
    ledger.rate(weeks, heat.id, [1, 2, 1, 2, 2, 1, 2])
    ibuprofen = ledger.intervention(a.id, physician.id, "Ibuprofen", tier="immediate_relief", kind="medication",
                                    introduced_by="physician")
    ledger.rate(weeks, ibuprofen.id, [0, 0, 0, 0, None, 0, 0])
    goal = ledger.goal(a.id, physician.id, "Walk the dog for 30 minutes", baseline=3, target=8)
    ledger.scores(goal.id, a.user_id, [4, 5, 6], today)
    db.session.add(RedFlagAlert(patient_id=a.id, checkin_id=weeks[-2].id, flags=["night_pain_unrelieved"]))
    db.session.commit()
    bridge = exercises.add_prescription(a.id, physio, {"sets": 3, "reps": 10, "sessions_per_week": 3},
                                        {"sets": 3, "reps": 12, "sessions_per_week": 3,
                                         "effective_from": today - timedelta(weeks=2)},
                                        name="Glute bridge", started_on=today - timedelta(weeks=10))
    item = exposure.add_item(a.id, psych, 40, description="Carry the laundry basket upstairs")
    exposure.add_attempts(item, physio, [(70, 45)], first_day=today - timedelta(days=12))
    exposure.add_flare_plan(a.id, physio, tool_ids=(heat.id,), minimum_activity="Walk 5 minutes twice a day")
    exposure.add_flare_day(a.id, db.session.get(User, a.user_id), today - timedelta(days=9))
    for visibility, marker in MARKERS.items():
        notes.add_note(a.id, psych, visibility, f"{marker} note body for {visibility}.")
    notes.add_question(a.id, db.session.get(User, a.user_id), "Can I start swimming again?")
    return {"bridge": bridge, "heat": heat.id, "goal": goal.id, "last_visit": last_visit}


def grow(clinic, record, weeks: int = 26) -> None:
    """Much more of everything on top of handover_record: the summary's query count must not move."""
    today = clock.today()
    physio = db.session.get(User, clinic.physio.id)
    psych = db.session.get(User, clinic.psych.id)
    older = ledger.checkin_weeks(record.id, record.user_id, today - timedelta(weeks=len(PAIN)), weeks)
    for n in range(8):
        item = ledger.intervention(record.id, physio.id, f"Extra intervention {n}")
        ledger.rate(older, item.id, [1] * weeks)
        ledger.scores(ledger.goal(record.id, physio.id, f"Extra goal {n}").id, record.user_id, [3, 4, 5], today)
    db.session.commit()
    for n in range(4):
        exercises.add_prescription(record.id, physio, {"sets": 2, "reps": 8, "sessions_per_week": 2},
                                   {"sets": 3, "reps": 8, "sessions_per_week": 3,
                                    "effective_from": today - timedelta(weeks=1)},
                                   name=f"Extra exercise {n}", started_on=today - timedelta(weeks=30))
        item = exposure.add_item(record.id, psych, 20 + n * 10, description=f"Extra fear {n}")
        exposure.add_attempts(item, physio, [(60, 40), (40, 20)])
    for n in range(30):
        notes.add_note(record.id, physio, "clinicians", f"Extra note {n}")
        notes.add_question(record.id, physio, f"Extra question {n}?")
