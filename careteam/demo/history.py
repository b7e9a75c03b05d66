"""Months of realistic history for the demo patients, part by part."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from careteam.domain.checkins import week_start_of
from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import CareTeamMember, Patient, RecordEvent, User

# Days before a patient's history starts that each clinician joined the care team: the referring
# physician first, the therapists at the first visits. Everything they write comes later.
JOINED_DAYS_BEFORE = {
    "patient_a": {"physician_a": 12, "physiotherapist": 4, "psychologist": 3},
    "patient_b": {"physician_b": 9, "physiotherapist": 3},
}
STAFF_SINCE_DAYS = 400  # the clinic's accounts are older than any demo record


def history_start(patient_key: str, today: date) -> date:
    from careteam.demo.record import TOM_WEEKS, WEEKS

    return week_start_of(today) - timedelta(weeks=WEEKS if patient_key == "patient_a" else TOM_WEEKS)


def add_team_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    """Dates for the accounts, the records and each team place, with the timeline entries of
    the joins: nobody is "on the team since" the day the demo was loaded."""
    from careteam.demo.record import at

    admin = users["admin"]
    for key, user in users.items():
        if user.role != "patient":
            user.created_at = at(today - timedelta(days=STAFF_SINCE_DAYS), 9)
    for patient_key, joined in JOINED_DAYS_BEFORE.items():
        record, start = records[patient_key], history_start(patient_key, today)
        opened = at(start - timedelta(days=max(joined.values()) + 1), 9)
        record.created_at = users[patient_key].created_at = opened
        members = {m.clinician_id: m for m in db.session.scalars(
            select(CareTeamMember).where(CareTeamMember.patient_id == record.id))}
        for clinician_key, days_before in sorted(joined.items(), key=lambda item: -item[1]):
            clinician = users[clinician_key]
            member = members[clinician.id]
            member.added_at = at(start - timedelta(days=days_before), 9, 15)
            db.session.add(RecordEvent(
                patient_id=record.id, occurred_at=member.added_at, actor_id=admin.id, actor_role=admin.role,
                part=Part.TEAM.value, object_type="care_team_member", object_id=clinician.id,
                summary=f"{clinician.name} joined the care team", changes={"on_team": [False, True]}))


def add_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    from careteam.demo.activity import add_activity_history
    from careteam.demo.exercises import add_exercise_history
    from careteam.demo.exposure import add_exposure_history, add_flare_plan_history
    from careteam.demo.record import add_record_history

    add_team_history(users, records, today)
    add_record_history(users, records, today)
    add_exercise_history(users, records, today)
    add_activity_history(users, records, today)
    add_exposure_history(users, records, today)
    add_flare_plan_history(users, records, today)  # links the interventions made above
    from careteam.demo.questionnaires import add_questionnaire_history

    add_questionnaire_history(users, records, today)
