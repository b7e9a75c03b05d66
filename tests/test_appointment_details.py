"""An appointment's place, length and video link (issue 14, item 7)."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, timezone

import time_machine
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import Appointment
from careteam.services import clock, outbox, reminders

PLACE = "Room 2.14, Hauptstraße 5"
LINK = "https://video.clinic.example/room/7f3a?pwd=x"


def _form(day, **extra):
    return {"day": day.isoformat(), "at": "14:30", "kind": "follow_up", **extra}


def test_place_length_and_video_link_are_recorded_and_shown(app, clinic, login_as):
    client = login_as(clinic.physio)
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post(f"/patients/{clinic.record_a.id}/appointments", data=_form(
        tomorrow, duration_minutes="45", place=f"  {PLACE} ", video_url=LINK))
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(select(Appointment))
        assert (stored.place, stored.duration_minutes, stored.video_url) == (PLACE, 45, LINK)
    for page in (client.get(f"/patients/{clinic.record_a.id}/appointments").get_data(as_text=True),
                 login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/appointments").get_data(as_text=True)):
        assert "45 min, until 15:15" in page and "Room 2.14, Hauptstraße 5" in page
        [link] = re.findall(r'<a href="([^"]*)" rel="([^"]*)" target="_blank" class="video-link">', page)
        assert link == (LINK.replace("&", "&amp;"), "noopener noreferrer")


def test_the_upcoming_page_shows_the_details(app, clinic, login_as):
    soon = datetime.combine(clock.today() + timedelta(days=1), time(9), tzinfo=clock.zone())
    with app.app_context():
        db.session.add(Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.physio.id, starts_at=soon,
                                   kind="telehealth", duration_minutes=20, video_url=LINK,
                                   created_by_id=clinic.physio.id))
        db.session.commit()
    page = login_as(clinic.physio).get("/appointments/upcoming").get_data(as_text=True)
    assert "20 min, until 09:20" in page and 'rel="noopener noreferrer"' in page


def test_a_past_appointment_shows_no_video_link(app, clinic, login_as):
    past = datetime.combine(clock.today() - timedelta(days=3), time(9), tzinfo=clock.zone())
    with app.app_context():
        db.session.add(Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.physio.id, starts_at=past,
                                   kind="telehealth", video_url=LINK, created_by_id=clinic.physio.id))
        db.session.commit()
    page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/appointments").get_data(as_text=True)
    assert "30 min, until 09:30" in page and "video.clinic.example" not in page


def test_every_problem_shows_in_one_round(clinic, login_as):
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/appointments", data={
        "day": "", "at": "09:00", "kind": "follow_up", "clinician_id": str(clinic.outside_physio.id),
        "duration_minutes": "1000", "place": "Room\x07 3", "video_url": "javascript:alert(1)"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Choose the date." in page
    assert "on this patient&#39;s care team" in page  # a service rule, in the same round
    assert "Number must be between 5 and 480." in page
    assert "Remove the control characters" in page
    assert "Enter the full https:// address" in page
    assert 'value="javascript:alert(1)"' in page  # input kept
    assert 'href="javascript' not in page


def test_http_and_disguised_links_are_refused(clinic, login_as):
    client = login_as(clinic.physician)
    tomorrow = clock.today() + timedelta(days=1)
    for bad in ("http://video.clinic.example/r", "https://clinic.example@elsewhere.example/",
                "https://video.clinic.example/a b"):
        response = client.post(f"/patients/{clinic.record_a.id}/appointments", data=_form(tomorrow, video_url=bad))
        assert response.status_code == 422, bad


def test_the_api_takes_and_gives_the_details_and_documents_them(app, clinic, api):
    url = f"/api/v1/patients/{clinic.record_a.id}/appointments"
    starts = datetime.combine(clock.today() + timedelta(days=4), time(8, 15), tzinfo=clock.zone()).isoformat()
    created = api.physician.post(url, json={"starts_at": starts, "kind": "review", "place": PLACE,
                                            "duration_minutes": 50, "video_url": LINK})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert (body["place"], body["duration_minutes"], body["video_url"]) == (PLACE, 50, LINK)
    plain = api.physician.post(url, json={"starts_at": starts, "kind": "review"}).get_json()
    assert (plain["place"], plain["duration_minutes"], plain["video_url"]) == ("", 30, None)
    refused = api.physician.post(url, json={"starts_at": starts, "kind": "review", "duration_minutes": 481,
                                            "video_url": "http://video.clinic.example/", "place": "a\x00b"})
    assert refused.status_code == 422
    assert set(refused.get_json()["errors"]) == {"duration_minutes", "video_url", "place"}
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    fields = spec["components"]["schemas"]["AppointmentIn"]["properties"]
    assert fields["duration_minutes"]["minimum"] == 5 and fields["duration_minutes"]["maximum"] == 480
    assert "https only" in fields["video_url"]["description"] and fields["place"]["maxLength"] == 200


def test_the_reminder_e_mail_names_neither_place_nor_link(app, clinic, smtp):
    with app.app_context():
        db.session.add(Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.physio.id, kind="follow_up",
                                   starts_at=datetime(2026, 3, 20, 9, 0, tzinfo=timezone.utc), place=PLACE,
                                   video_url=LINK, created_by_id=clinic.physio.id))
        db.session.commit()
    evening = datetime(2026, 3, 19, 18, 0, tzinfo=timezone.utc)
    with time_machine.travel(evening, tick=False), app.app_context():
        assert reminders.add_due(evening) == 1
        assert outbox.deliver_due(evening) == (1, 0)
    [message] = smtp.inbox.to(clinic.patient_a.email)
    text = message.as_string()
    assert "appointments" in message.get_content()  # the neutral link to the page
    for secret in ("Room", "Hauptstra", "video.clinic", "7f3a", "Follow-up", "Pat Physio"):
        assert secret not in text
