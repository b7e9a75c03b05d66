"""Months of realistic history for the demo patients, part by part."""

from __future__ import annotations

from datetime import date

from careteam.models import Patient, User


def add_history(users: dict[str, User], records: dict[str, Patient], today: date) -> None:
    from careteam.demo.activity import add_activity_history
    from careteam.demo.exercises import add_exercise_history
    from careteam.demo.exposure import add_exposure_history, add_flare_plan_history
    from careteam.demo.record import add_record_history

    add_record_history(users, records, today)
    add_exercise_history(users, records, today)
    add_activity_history(users, records, today)
    add_exposure_history(users, records, today)
    add_flare_plan_history(users, records, today)  # links the interventions made above
    from careteam.demo.questionnaires import add_questionnaire_history

    add_questionnaire_history(users, records, today)
