"""Due questionnaires reach the patient through the outbox: on the due day at her check-in time and
once more three days later, never once answered, never when switched off, and the e-mail says nothing
about which questionnaire."""

from __future__ import annotations

from datetime import date, datetime, timezone

import time_machine
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import EmailOptOut, Notification, QuestionnaireAssignment, QuestionnaireResponse, ReminderSettings
from careteam.services import outbox, reminders

WEDNESDAY = date(2026, 3, 11)


def _assign(clinic, record, instrument: str, every_weeks: int | None) -> None:
    db.session.add(QuestionnaireAssignment(patient_id=record.id, instrument_id=instrument, starts_on=WEDNESDAY,
                                           every_weeks=every_weeks, assigned_by_id=clinic.psych.id))


def _run(app, now: datetime) -> None:
    with time_machine.travel(now, tick=False), app.app_context():
        reminders.add_due(now)


def _rows(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        return sorted(tuple(r) for r in db.session.execute(
            select(Notification.kind, Notification.recipient_id, Notification.link)
            .where(Notification.kind.like("questionnaire%"))))


def test_due_day_and_follow_up_once_each_and_not_after_an_answer(app, clinic):
    with app.app_context():
        _assign(clinic, clinic.record_a, "phq9", 4)
        _assign(clinic, clinic.record_b, "gad7", None)
        db.session.commit()
    _run(app, datetime(2026, 3, 11, 17, 59, tzinfo=timezone.utc))
    assert _rows(app) == []  # the clinic's zone is UTC; the default time is 18:00
    _run(app, datetime(2026, 3, 11, 18, 0, tzinfo=timezone.utc))
    _run(app, datetime(2026, 3, 11, 18, 1, tzinfo=timezone.utc))  # the next minute adds nothing
    assert _rows(app) == sorted([("questionnaire_due", clinic.patient_a.id, "/my-record"),
                                 ("questionnaire_due", clinic.patient_b.id, "/my-record")])

    with app.app_context():  # B answers on Friday; A does not
        db.session.add(QuestionnaireResponse(patient_id=clinic.record_b.id, instrument_id="gad7",
                                             instrument_version="1", answered_on=date(2026, 3, 13),
                                             entered_by_id=clinic.patient_b.id, score=3, band="minimal"))
        db.session.commit()
    _run(app, datetime(2026, 3, 14, 18, 0, tzinfo=timezone.utc))
    assert [r for r in _rows(app) if r[0] == "questionnaire_follow_up"] == [
        ("questionnaire_follow_up", clinic.patient_a.id, "/my-record")]

    _run(app, datetime(2026, 3, 18, 18, 0, tzinfo=timezone.utc))  # a week on: nothing new
    assert len(_rows(app)) == 3
    _run(app, datetime(2026, 4, 8, 18, 0, tzinfo=timezone.utc))  # four weeks on: A's next occurrence
    assert _rows(app).count(("questionnaire_due", clinic.patient_a.id, "/my-record")) == 2


def test_switched_off_in_settings_nothing_is_added(app, clinic):
    with app.app_context():
        _assign(clinic, clinic.record_a, "phq9", None)
        db.session.add(ReminderSettings(user_id=clinic.patient_a.id, questionnaire_enabled=False))
        db.session.commit()
    _run(app, datetime(2026, 3, 11, 18, 0, tzinfo=timezone.utc))
    assert _rows(app) == []


def test_an_ended_assignment_is_not_reminded(app, clinic):
    with app.app_context():
        _assign(clinic, clinic.record_a, "phq9", 4)
        db.session.scalar(select(QuestionnaireAssignment)).ended_on = date(2026, 3, 10)
        db.session.commit()
    _run(app, datetime(2026, 3, 11, 18, 0, tzinfo=timezone.utc))
    assert _rows(app) == []


def test_the_email_names_no_questionnaire_and_can_be_switched_off(app, clinic):
    with app.app_context():
        for kind in ("questionnaire_due", "questionnaire_follow_up"):
            message = outbox.build_message(kind, "/my-record", clinic.patient_a.id, clinic.patient_a.email)
            text = (message["Subject"] + message.get_content()).lower()
            for word in ("phq", "gad", "depress", "anxi", "mood", "pain", clinic.patient_a.name.lower()):
                assert word not in text, (kind, word)
            assert "questionnaire" in text and "/my-record" in text
            assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_patient_switches_them_in_her_settings_page(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    assert "Remind me when a questionnaire from my care team is due" in client.get("/account/notifications").get_data(as_text=True)
    base = {"checkin_weekday": "6", "checkin_time": "18:00", "next_day_time": "08:00", "digest_time": "07:00"}
    assert client.post("/account/notifications", data=base).status_code == 302
    with app.app_context():
        assert db.session.get(ReminderSettings, clinic.patient_a.id).questionnaire_enabled is False
        outbox.unsubscribe(clinic.patient_a.id, "questionnaire_due")
        db.session.commit()
    assert client.post("/account/notifications", data={**base, "questionnaire_enabled": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(ReminderSettings, clinic.patient_a.id).questionnaire_enabled is True

        assert db.session.scalars(select(EmailOptOut.kind).where(EmailOptOut.user_id == clinic.patient_a.id)).all() == []
