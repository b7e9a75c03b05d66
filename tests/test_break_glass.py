"""Break-glass: a clinician outside the care team opens one record in an emergency."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import AuditEvent, BreakGlassGrant, Note
from tests.support.break_glass import REASON, move_clock, open_emergency

MARKER = "PSYONLY-bg-5a1e"


def grants(app) -> list[BreakGlassGrant]:
    with app.app_context():
        return list(db.session.scalars(select(BreakGlassGrant).order_by(BreakGlassGrant.id)))


def events_by(app, user_id: int, patient_id: int) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == user_id, AuditEvent.patient_id == patient_id).order_by(AuditEvent.id)))


@pytest.fixture
def outside(clinic, login_as):
    return login_as(clinic.outside_physician)


def test_a_reason_is_required_and_must_say_something(app, clinic, outside):
    for reason in ("", "   ", "urgent"):
        response = open_emergency(outside, clinic.record_a.id, reason)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert "Give the reason for emergency access in at least 20 characters" in html
        assert f'value="{clinic.record_a.id}"' in html  # the input is kept
    assert grants(app) == []
    assert outside.get(f"/patients/{clinic.record_a.id}").status_code == 404


def test_an_unknown_record_is_refused_with_one_message_and_audited(app, clinic, outside):
    for identifier in ("987654", "nobody@test.example.org", "Alice Patient", clinic.physician.email):
        response = open_emergency(outside, identifier)
        assert response.status_code == 422
        assert "No record matches" in response.get_data(as_text=True)
    assert grants(app) == []
    with app.app_context():
        denied = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.user_id == clinic.outside_physician.id, AuditEvent.action == "break_glass",
            AuditEvent.outcome == "denied"))
    assert denied == 4


def test_probing_for_records_is_limited_per_account(app, clinic, outside, login_as):
    for n in range(5):
        assert open_emergency(outside, f"nobody{n}@test.example.org").status_code == 422
    refused = open_emergency(outside, clinic.record_a.id)
    assert refused.status_code == 429
    assert "Too many" in refused.get_data(as_text=True)
    assert grants(app) == []
    other = login_as(clinic.outside_psych)  # the limit is the account's, not the address's
    assert open_emergency(other, clinic.record_a.id).status_code == 302


@pytest.mark.parametrize("who", ["patient_b", "admin"])
def test_patients_and_admins_cannot_break_glass(app, clinic, login_as, who):
    client = login_as(getattr(clinic, who))
    assert client.get("/emergency-access").status_code == 403
    assert open_emergency(client, clinic.record_a.id).status_code == 403
    assert grants(app) == []


def test_a_grant_opens_the_record_read_only_with_a_banner(app, clinic, outside):
    response = open_emergency(outside, clinic.record_a.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/patients/{clinic.record_a.id}")
    (grant,) = grants(app)
    assert grant.clinician_id == clinic.outside_physician.id and grant.reason == REASON
    assert grant.expires_at - grant.granted_at == timedelta(minutes=60)

    for path in ("", "/notes", "/summary", "/team"):
        page = outside.get(f"/patients/{clinic.record_a.id}{path}")
        assert page.status_code == 200, path
        html = page.get_data(as_text=True)
        assert "Emergency access — read-only." in html and REASON in html
        assert "Ends in 60 minutes" in html or "Ends in 59 minutes" in html

    refused = outside.post(f"/patients/{clinic.record_a.id}/notes",
                           data={"visibility": "clinicians", "body": "Should not be saved"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Note.id))) == 0
    # Other records stay closed.
    assert outside.get(f"/patients/{clinic.record_b.id}").status_code == 404


def test_the_record_can_be_found_by_the_patients_exact_email(app, clinic, outside):
    response = open_emergency(outside, clinic.patient_a.email.upper())
    assert response.status_code == 302
    assert [g.patient_id for g in grants(app)] == [clinic.record_a.id]


def test_every_access_under_the_grant_is_flagged_in_the_audit_trail(app, clinic, outside):
    open_emergency(outside, clinic.record_a.id)
    outside.get(f"/patients/{clinic.record_a.id}")
    outside.post(f"/patients/{clinic.record_a.id}/notes", data={"visibility": "clinicians", "body": "x"})
    (grant,) = grants(app)
    events = events_by(app, clinic.outside_physician.id, clinic.record_a.id)
    assert {e.outcome for e in events} == {"success", "denied"}
    assert len(events) >= 3
    assert all(e.break_glass_grant_id == grant.id for e in events)


def test_psychologists_notes_stay_hidden_under_break_glass(app, api, clinic, login_as):
    a = clinic.record_a.id
    api.psych.post(f"/api/v1/patients/{a}/notes", json={"visibility": "psychologists", "body": MARKER})
    api.physician.post(f"/api/v1/patients/{a}/notes", json={"visibility": "clinicians", "body": "Shared text"})
    client = login_as(clinic.outside_psych)
    open_emergency(client, a)
    notes = client.get(f"/patients/{a}/notes").get_data(as_text=True)
    assert "Shared text" in notes and MARKER not in notes
    for path in ("", "/summary", "/summary.pdf"):
        assert MARKER.encode() not in client.get(f"/patients/{a}{path}").data


def test_the_grant_ends_when_it_expires(app, clinic, outside, monkeypatch):
    open_emergency(outside, clinic.record_a.id)
    move_clock(monkeypatch, timedelta(minutes=59))
    assert outside.get(f"/patients/{clinic.record_a.id}").status_code == 200
    move_clock(monkeypatch, timedelta(minutes=61))
    assert outside.get(f"/patients/{clinic.record_a.id}").status_code == 404
    assert "Alice Patient" not in outside.get("/patients").get_data(as_text=True)


def test_the_length_comes_from_the_setting(app, clinic, outside, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_BREAK_GLASS_MINUTES", 15)
    open_emergency(outside, clinic.record_a.id)
    (grant,) = grants(app)
    assert grant.expires_at - grant.granted_at == timedelta(minutes=15)


def test_the_clinician_can_end_it_early(app, clinic, outside):
    open_emergency(outside, clinic.record_a.id)
    assert "Alice Patient" in outside.get("/patients").get_data(as_text=True)
    assert outside.post(f"/patients/{clinic.record_a.id}/emergency-access/end").status_code == 302
    assert grants(app)[0].ended_at is not None
    assert outside.get(f"/patients/{clinic.record_a.id}").status_code == 404
    assert outside.post(f"/patients/{clinic.record_a.id}/emergency-access/end").status_code == 404


def test_asking_again_reuses_the_open_grant_and_the_team_needs_none(app, clinic, outside, login_as):
    open_emergency(outside, clinic.record_a.id)
    open_emergency(outside, clinic.record_a.id)
    assert len(grants(app)) == 1
    team = login_as(clinic.physician)
    response = open_emergency(team, clinic.record_a.id)
    assert response.status_code == 302 and len(grants(app)) == 1


def test_the_patient_sees_who_opened_it_and_why(app, clinic, outside, login_as):
    open_emergency(outside, clinic.record_a.id)
    outside.get(f"/patients/{clinic.record_a.id}/summary")
    html = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/access-log").get_data(as_text=True)
    assert f"Emergency access by Dr. Olga Outside: {REASON}" in html
    summary_row = html[html.index("Viewed handover summary"):][:120]
    assert '<span class="badge warn">emergency access</span>' in summary_row


def test_the_team_physician_and_the_patient_are_told_without_health_data(app, clinic, outside, smtp):
    open_emergency(outside, clinic.record_a.id)
    open_emergency(outside, clinic.record_a.id)  # the open grant again: no second notice
    with app.app_context():
        from careteam.services import outbox as outbox_service
        outbox_service.deliver_due()
    assert sorted(m["To"] for m in smtp.inbox.messages) == sorted([clinic.physician.email, clinic.patient_a.email])
    for message in smtp.inbox.messages:
        text = message["Subject"] + message.get_content()
        assert "Alice" not in text and REASON not in text and "emergency access" in text
        assert f"/patients/{clinic.record_a.id}/access-log" in text
        assert "List-Unsubscribe" not in message  # a security notice cannot be switched off
    bell = clinic_bell(app, clinic.patient_a.id)
    assert bell == ["Your record was opened under emergency access"]


def clinic_bell(app, user_id: int) -> list[str]:
    from careteam.domain.notifications import wording
    from careteam.models import Notification

    with app.app_context():
        return [wording(kind).title for kind in db.session.scalars(
            select(Notification.kind).where(Notification.recipient_id == user_id))]


def test_a_failing_mail_server_does_not_undo_the_grant_and_loses_no_notice(app, clinic, outside, smtp):
    smtp.stop()
    assert open_emergency(outside, clinic.record_a.id).status_code == 302
    assert outside.get(f"/patients/{clinic.record_a.id}").status_code == 200
    with app.app_context():
        from careteam.services import outbox as outbox_service
        assert outbox_service.deliver_due() == (0, 2)
        assert outbox_service.queue_counts()["pending"] == 2  # retried later, not lost


def test_the_admin_reviews_every_emergency_access_without_clinical_content(app, api, clinic, outside, login_as):
    api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/notes",
                       json={"visibility": "clinicians", "body": "Clinical words here"})
    open_emergency(outside, clinic.record_a.id)
    outside.get(f"/patients/{clinic.record_a.id}/notes")
    html = login_as(clinic.admin).get("/admin/break-glass").get_data(as_text=True)
    for expected in ("Dr. Olga Outside", "Alice Patient", f"Record #{clinic.record_a.id}", REASON):
        assert expected in html
    assert "Clinical words here" not in html
    assert login_as(clinic.outside_physician).get("/admin/break-glass").status_code == 403


def test_a_psychologists_note_reaches_no_break_glass_clinician_by_any_route(app, clinic, login_as, api):
    """The note-leak walk of every GET route, for each discipline under break-glass."""
    from tests.test_note_leaks import MARKER as LEAK_MARKER
    from tests.test_note_leaks import requests_to_walk, responses, shows_marker

    a = clinic.record_a.id
    note = api.psych.post(f"/api/v1/patients/{a}/notes", json={
        "visibility": "psychologists", "body": f"Session 4. {LEAK_MARKER}"}).get_json()["id"]
    for who in ("outside_psych", "outside_physician"):
        client = login_as(getattr(clinic, who))
        assert open_emergency(client, a).status_code == 302
        requests = list(requests_to_walk(app, a, clinic.record_b.id, [note], [note]))
        answers = list(responses(client, requests))
        ok = [url for url, _, r in answers if r.status_code == 200]
        leaks = [url for url, _, r in answers if shows_marker(r)]
        assert len(ok) > 20 and leaks == [], who
