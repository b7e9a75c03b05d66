"""The bell, the list, settings and reminders: what each person sees, in their own time zone."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import delete, select

from careteam.extensions import db
from careteam.models import Appointment, CareTeamMember, Notification, ReminderSettings, User, WeeklyCheckin
from careteam.services import outbox, reminders
from tests.support.checkins import LAST_WEEK, body, today  # noqa: F401


def add(app, recipient_id: int, kind: str, link: str, **kw) -> int:
    with app.app_context():
        outbox.notify(recipient_id, kind, link, **kw)
        db.session.commit()
        return db.session.scalar(select(Notification.id).order_by(Notification.id.desc()))


def test_the_bell_counts_unread_and_the_list_marks_them_read(app, clinic, login_as):
    first = add(app, clinic.physician.id, "red_flag", f"/patients/{clinic.record_a.id}/alerts#alert-1")
    add(app, clinic.physician.id, "red_flag", f"/patients/{clinic.record_a.id}/alerts#alert-2")
    client = login_as(clinic.physician)

    home = client.get("/notifications").get_data(as_text=True)
    assert 'aria-label="Notifications, 2 unread"' in home
    assert home.count("New alert on a patient&#39;s record") == 2 and "Alice" not in home

    opened = client.get(f"/notifications/{first}")
    assert opened.status_code == 302 and opened.headers["Location"] == f"/patients/{clinic.record_a.id}/alerts#alert-1"
    assert 'aria-label="Notifications, 1 unread"' in client.get("/notifications").get_data(as_text=True)

    client.post("/notifications/read-all")
    assert 'aria-label="Notifications, 0 unread"' in client.get("/notifications").get_data(as_text=True)


def test_someone_elses_notification_is_404(app, clinic, login_as):
    mine = add(app, clinic.physician.id, "red_flag", f"/patients/{clinic.record_a.id}/alerts")
    client = login_as(clinic.physio)
    assert client.get(f"/notifications/{mine}").status_code == 404
    client.post(f"/notifications/{mine}/read")
    with app.app_context():
        assert db.session.get(Notification, mine).read_at is None


def test_removed_from_the_team_the_notification_disappears_and_answers_404(app, clinic, login_as):
    kept = add(app, clinic.physio.id, "escalation", f"/patients/{clinic.record_b.id}/alerts")
    hidden = add(app, clinic.physio.id, "escalation", f"/patients/{clinic.record_a.id}/alerts")
    with app.app_context():
        db.session.execute(delete(CareTeamMember).where(CareTeamMember.patient_id == clinic.record_a.id,
                                                        CareTeamMember.clinician_id == clinic.physio.id))
        db.session.commit()
    client = login_as(clinic.physio)
    page = client.get("/notifications").get_data(as_text=True)
    assert f"/notifications/{kept}" in page and f"/notifications/{hidden}" not in page
    assert 'aria-label="Notifications, 1 unread"' in page
    missing = client.get(f"/notifications/{hidden}")
    assert missing.status_code == 404 and "alert" not in missing.get_data(as_text=True).lower()


def test_settings_refuse_a_bad_time_zone_and_time_and_keep_the_input(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    response = client.post("/account/notifications", data={
        "timezone": "Mars/Olympus", "checkin_enabled": "y", "checkin_weekday": "6", "checkin_time": "25:00",
        "next_day_time": "08:00", "digest_time": "07:00"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a time zone we know" in text and "Use a 24-hour time" in text
    assert 'value="Mars/Olympus"' in text and 'value="25:00"' in text

    saved = client.post("/account/notifications", data={
        "timezone": "Europe/Berlin", "checkin_weekday": "5", "checkin_time": "19:30",
        "next_day_enabled": "y", "next_day_time": "07:15", "digest_time": "07:00"})
    assert saved.status_code == 302
    with app.app_context():
        settings = db.session.get(ReminderSettings, clinic.patient_a.id)
        assert (settings.checkin_enabled, settings.checkin_weekday, settings.checkin_time) == (False, 5, "19:30")
        assert db.session.get(User, clinic.patient_a.id).timezone == "Europe/Berlin"


def _kinds(app, clinic) -> list[tuple[str, int]]:
    """The test clinic's notifications only: a PostgreSQL run found another test's demo clinic left
    in the worker's database, whose patients get reminders too."""
    people = [user.id for user in vars(clinic).values() if isinstance(user, User)]
    with app.app_context():
        return sorted(tuple(row) for row in db.session.execute(
            select(Notification.kind, Notification.recipient_id).where(Notification.recipient_id.in_(people))))


def _run_reminders(app, now: datetime) -> int:
    with time_machine.travel(now, tick=False), app.app_context():
        return reminders.add_due(now)


def test_the_weekly_reminder_skips_a_week_already_checked_in_and_follows_up_once(app, clinic):
    with app.app_context():
        db.session.get(User, clinic.patient_b.id).timezone = "America/New_York"
        db.session.add(WeeklyCheckin(patient_id=clinic.record_a.id, week_start=date(2026, 3, 9),
                                     submitted_by_id=clinic.patient_a.id, pain_average=4, pain_worst=6,
                                     enjoyment_interference=3, activity_interference=5, sleep_hours=7.5,
                                     sleep_quality=6, stress=4, mood=6))
        db.session.commit()
    sunday_18_utc = datetime(2026, 3, 15, 18, 0, tzinfo=timezone.utc)  # clinic zone UTC
    _run_reminders(app, sunday_18_utc)
    _run_reminders(app, sunday_18_utc + timedelta(minutes=1))  # the next minute adds nothing
    assert _kinds(app, clinic) == []  # A checked in; B's 18:00 is 22:00 UTC (New York, summer time)

    _run_reminders(app, datetime(2026, 3, 15, 22, 0, tzinfo=timezone.utc))
    assert _kinds(app, clinic) == [("checkin_reminder", clinic.patient_b.id)]

    _run_reminders(app, datetime(2026, 3, 17, 22, 0, tzinfo=timezone.utc))  # two days later
    _run_reminders(app, datetime(2026, 3, 17, 22, 5, tzinfo=timezone.utc))
    assert _kinds(app, clinic) == [("checkin_follow_up", clinic.patient_b.id), ("checkin_reminder", clinic.patient_b.id)]


def test_appointment_reminder_the_evening_before_unless_switched_off(app, clinic):
    with app.app_context():
        for record in (clinic.record_a, clinic.record_b):
            db.session.add(Appointment(patient_id=record.id, clinician_id=clinic.physio.id, kind="follow_up",
                                       starts_at=datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc),
                                       created_by_id=clinic.physio.id))
        db.session.add(ReminderSettings(user_id=clinic.patient_b.id, appointment_enabled=False))
        db.session.commit()
    _run_reminders(app, datetime(2026, 3, 19, 18, 0, tzinfo=timezone.utc))
    assert [k for k in _kinds(app, clinic) if k[0] == "appointment_reminder"] == [("appointment_reminder", clinic.patient_a.id)]


@pytest.mark.usefixtures("today")
def test_acknowledging_needs_a_note_and_the_patient_sees_who_saw_it(app, api, clinic, login_as):
    api.patient_a.put(f"/api/v1/patients/{clinic.record_a.id}/checkins/{LAST_WEEK.isoformat()}",
                      json=body(red_flags=["saddle_numbness"]))
    with app.app_context():
        from careteam.models import RedFlagAlert

        alert_id = db.session.scalar(select(RedFlagAlert.id))
    url = f"/patients/{clinic.record_a.id}/alerts/{alert_id}/acknowledge"
    physician = login_as(clinic.physician)
    refused = physician.post(url, data={"note": "  "})
    assert refused.status_code == 422 and "Say briefly what was done" in refused.get_data(as_text=True)
    assert api.physician.post(f"/api/v1{url}", json={}).status_code == 422

    assert physician.post(url, data={"note": "Called her, advised emergency department"}).status_code == 302
    team_view = physician.get(f"/patients/{clinic.record_a.id}/alerts").get_data(as_text=True)
    assert "Seen by Dr. Ann Physician at" in team_view and "advised emergency department" in team_view

    patient_view = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/alerts").get_data(as_text=True)
    assert "Seen by Dr. Ann Physician at" in patient_view and "advised emergency department" not in patient_view
    assert api.patient_a.get(f"/api/v1/patients/{clinic.record_a.id}/alerts?status=all").get_json()[0][
        "acknowledgement_note"] is None


def test_the_red_flag_guidance_shows_the_clinics_contact_details(app, clinic, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_PHONE", "+49 30 1234 567")
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_HOURS", "Mon–Fri 8–18")
    monkeypatch.setitem(app.config, "CARETEAM_EMERGENCY_NUMBER", "112")
    page = login_as(clinic.patient_a).get("/my-record/flare").get_data(as_text=True)
    assert "+49 30 1234 567" in page and "Mon–Fri 8–18" in page and 'href="tel:112"' in page


def test_the_morning_digest_is_one_link_and_the_counts_are_behind_sign_in(app, api, clinic, login_as):
    from careteam.services import digest

    with app.app_context():
        db.session.add(ReminderSettings(user_id=clinic.physician.id, digest_enabled=True, digest_time="07:00"))
        db.session.commit()
    with time_machine.travel(datetime(2026, 3, 11, 8, 0, tzinfo=timezone.utc), tick=False):
        api.patient_a.put(f"/api/v1/patients/{clinic.record_a.id}/checkins/{LAST_WEEK.isoformat()}",
                          json=body(red_flags=["fever_or_weight_loss"]))
    for minute in (0, 1):  # 07:00 UTC and a minute later: one digest
        with time_machine.travel(datetime(2026, 3, 12, 7, minute, tzinfo=timezone.utc), tick=False), app.app_context():
            digest.add_due(datetime(2026, 3, 12, 7, minute, tzinfo=timezone.utc))
    with app.app_context():
        [sent] = db.session.scalars(select(Notification).where(Notification.kind == "digest")).all()
        assert sent.recipient_id == clinic.physician.id and sent.link.startswith("/digest?since=")
        body_text = outbox.build_message(sent.kind, sent.link, sent.recipient_id, "x@example.org").get_content()
    assert "Alice" not in body_text and "alert" not in body_text.lower()

    with time_machine.travel(datetime(2026, 3, 12, 7, 5, tzinfo=timezone.utc), tick=False):
        page = login_as(clinic.physician).get(sent.link).get_data(as_text=True)
    assert "Alice Patient" in page and "Bob Patient" not in page
    row = page[page.index("Alice Patient"):].split("</tr>")[0]
    assert row.count("<td>1</td>") == 1 and "<td>0</td>" in row  # one new check-in, no worse answer
    assert f'/patients/{clinic.record_a.id}/alerts">1</a>' in row  # the open alert
    assert login_as(clinic.patient_a).get("/digest").status_code == 404
