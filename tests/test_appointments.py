"""Appointments: who records them, the upcoming list, and the default summary period."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import Appointment
from careteam.services import clock


def form(day, hour="09:30", clinician_id=None, kind="follow_up"):
    data = {"day": day.isoformat(), "at": hour, "kind": kind}
    if clinician_id:
        data["clinician_id"] = str(clinician_id)
    return data


def test_clinician_records_and_cancels_an_appointment(app, clinic, login_as):
    client = login_as(clinic.physio)
    tomorrow = clock.today() + timedelta(days=1)
    response = client.post(f"/patients/{clinic.record_a.id}/appointments",
                           data=form(tomorrow, clinician_id=clinic.physician.id))
    assert response.status_code == 302
    with app.app_context():
        appointment = db.session.scalar(select(Appointment))
        assert appointment.clinician_id == clinic.physician.id and appointment.created_by_id == clinic.physio.id
        local = appointment.starts_at.astimezone(clock.zone())
        assert (local.date(), local.time()) == (tomorrow, time(9, 30))
    page = client.get(f"/patients/{clinic.record_a.id}/appointments").get_data(as_text=True)
    assert "Dr. Ann Physician" in page and "upcoming" in page and "Handover PDF" in page
    assert client.post(f"/patients/{clinic.record_a.id}/appointments/{appointment.id}/cancel").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Appointment)) is None


@pytest.mark.parametrize(
    "data,field,message",
    [
        ({"day": "", "at": "09:00", "kind": "follow_up"}, "day", "Choose the date."),
        ({"day": "2026-12-01", "at": "25:00", "kind": "follow_up"}, "at", "Choose the time."),
        ({"day": "2026-12-01", "at": "09:00", "kind": "party"}, "kind", "Not a valid choice"),
        ({"day": "2029-12-01", "at": "09:00", "kind": "follow_up"}, "starts_at", "within two years"),
        ({"day": "2099-12-01", "at": "09:00", "kind": "follow_up"}, "day", "Enter a date from"),
    ],
)
def test_bad_input_comes_back_with_messages(clinic, login_as, data, field, message):
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/appointments", data=data)
    assert response.status_code == 422 and message.encode() in response.data


def test_appointment_with_someone_off_the_team_is_refused(clinic, login_as):
    response = login_as(clinic.physician).post(
        f"/patients/{clinic.record_a.id}/appointments",
        data=form(clock.today() + timedelta(days=3), clinician_id=clinic.outside_physio.id))
    assert response.status_code == 422 and b"on this patient&#39;s care team" in response.data


def test_patient_sees_but_does_not_record(clinic, login_as):
    client = login_as(clinic.patient_a)
    page = client.get(f"/patients/{clinic.record_a.id}/appointments")
    assert page.status_code == 200 and b"Record an appointment" not in page.data
    refused = client.post(f"/patients/{clinic.record_a.id}/appointments", data=form(clock.today()))
    assert refused.status_code == 403


def test_upcoming_lists_only_my_appointments_on_visible_patients(app, clinic, login_as):
    soon = datetime.combine(clock.today() + timedelta(days=2), time(10), tzinfo=clock.zone())
    later = soon + timedelta(days=20)
    with app.app_context():
        db.session.add_all([
            Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.physio.id, starts_at=soon, kind="review",
                        created_by_id=clinic.physio.id),
            Appointment(patient_id=clinic.record_b.id, clinician_id=clinic.physio.id, starts_at=later, kind="review",
                        created_by_id=clinic.physio.id),
            Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.psych.id, starts_at=soon,
                        kind="follow_up", created_by_id=clinic.psych.id),
        ])
        db.session.commit()
    client = login_as(clinic.physio)
    week = client.get("/appointments/upcoming").get_data(as_text=True)
    assert "Alice Patient" in week and "Bob Patient" not in week and "Review" in week
    month = client.get("/appointments/upcoming?days=30").get_data(as_text=True)
    assert "Bob Patient" in month
    assert "No appointments" in login_as(clinic.physician).get("/appointments/upcoming").get_data(as_text=True)


def test_summary_period_runs_from_the_last_appointment(app, clinic, api):
    last = clock.today() - timedelta(days=30)
    with app.app_context():
        for day in (clock.today() - timedelta(days=90), last, clock.today() + timedelta(days=2)):
            db.session.add(Appointment(patient_id=clinic.record_a.id, clinician_id=clinic.physician.id,
                                       starts_at=datetime.combine(day, time(9), tzinfo=clock.zone()),
                                       kind="follow_up", created_by_id=clinic.physician.id))
        db.session.commit()
    period = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()["period"]
    assert period["start"] == last.isoformat() and period["basis"].startswith("since the last appointment")


def test_appointments_api(clinic, api):
    url = f"/api/v1/patients/{clinic.record_a.id}/appointments"
    starts = datetime.combine(clock.today() + timedelta(days=4), time(8, 15), tzinfo=clock.zone())
    created = api.physician.post(url, json={"starts_at": starts.isoformat(), "kind": "review"})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["clinician"]["id"] == clinic.physician.id and body["kind"] == "review"
    assert [a["id"] for a in api.patient_a.get(url).get_json()] == [body["id"]]
    assert api.patient_a.post(url, json={"starts_at": starts.isoformat(), "kind": "review"}).status_code == 403
    assert api.physician.post(url, json={"starts_at": starts.isoformat(), "kind": "review",
                                         "patient_id": 9}).status_code == 422
    naive = api.physician.post(url, json={"starts_at": "2026-12-01T09:00:00", "kind": "review"})
    assert naive.status_code == 422 and "starts_at" in naive.get_json()["errors"]
    upcoming = api.physician.get("/api/v1/appointments/upcoming").get_json()
    assert [a["patient"]["name"] for a in upcoming] == ["Alice Patient"]
    assert api.physician.delete(f"{url}/{body['id']}").status_code == 204
    assert api.outside_physician.get(url).status_code == 404
