"""Voiding a note: its author only, with a reason; the note stays, struck through, and the
handover summary leaves it out. The database refuses any other change and every delete."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from careteam.extensions import db
from careteam.models import AuditEvent, Note, RecordEvent
from tests.support.notes import add_note
from tests.test_summary_pdf import download, pdf_text

BODY = "Wrote this in the wrong record: lumbar MRI booked."


@pytest.fixture
def note_id(app, clinic):
    with app.app_context():
        return add_note(clinic.record_a.id, clinic.physio, "team_and_patient", BODY)


def void_url(clinic, note_id):
    return f"/patients/{clinic.record_a.id}/notes/{note_id}/void"


def stored(app, note_id) -> Note:
    with app.app_context():
        note = db.session.get(Note, note_id)
        db.session.expunge(note)
        return note


def events(app, **where):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)).all()


def test_the_author_voids_a_note_and_it_stays_struck_through(app, clinic, login_as, note_id):
    client = login_as(clinic.physio)
    response = client.post(void_url(clinic, note_id), data={"reason": "Wrong patient"})
    assert response.status_code == 302
    note = stored(app, note_id)
    assert note.body == BODY and note.void_reason == "Wrong patient" and note.voided_by_id == clinic.physio.id
    page = client.get(f"/patients/{clinic.record_a.id}/notes").get_data(as_text=True)
    assert f"<del>{BODY}</del>" in page and "voided by Pat Physio" in page
    assert "Wrong patient" in page
    # The patient (a reader of team-and-patient notes) sees it struck through too.
    patient_page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/notes/{note_id}")
    assert "<del>" in patient_page.get_data(as_text=True)
    assert [e.outcome for e in events(app, action="void")] == ["success"]
    with app.app_context():
        change = db.session.scalars(select(RecordEvent).where(RecordEvent.object_id == note_id)
                                    .order_by(RecordEvent.id.desc())).first()
    assert change.changes == {"voided": [False, True]} and change.reason == "Wrong patient"


def test_only_the_author_may_void(app, clinic, login_as, note_id):
    response = login_as(clinic.physician).post(void_url(clinic, note_id), data={"reason": "Not mine"})
    assert response.status_code == 403
    assert "Only the author" in response.get_data(as_text=True)
    assert stored(app, note_id).voided_at is None
    assert [(e.outcome, e.detail) for e in events(app, action="void")] == [("denied", "not the author")]


def test_a_reason_is_required_and_a_note_is_voided_once(app, clinic, login_as, note_id):
    client = login_as(clinic.physio)
    response = client.post(void_url(clinic, note_id), data={"reason": "  "})
    assert response.status_code == 422 and "Say why the note is void" in response.get_data(as_text=True)
    assert stored(app, note_id).voided_at is None
    assert client.post(void_url(clinic, note_id), data={"reason": "Wrong patient"}).status_code == 302
    again = client.post(void_url(clinic, note_id), data={"reason": "Still wrong"})
    assert again.status_code == 422 and "already been voided" in again.get_data(as_text=True)
    assert stored(app, note_id).void_reason == "Wrong patient"


def test_outsiders_get_404_and_a_denial(app, clinic, login_as, note_id):
    response = login_as(clinic.outside_physio).post(void_url(clinic, note_id), data={"reason": "x"})
    assert response.status_code == 404
    assert stored(app, note_id).voided_at is None
    assert any(e.outcome == "denied" and e.user_id == clinic.outside_physio.id for e in events(app))


def test_the_api_voids_and_shows_who_and_why(app, clinic, api, note_id):
    url = f"/api/v1/patients/{clinic.record_a.id}/notes/{note_id}/void"
    assert api.physician.post(url, json={"reason": "Not mine"}).status_code == 403
    assert api.physio.post(url, json={}).status_code == 422
    body = api.physio.post(url, json={"reason": "Wrong patient"}).get_json()
    assert body["void_reason"] == "Wrong patient" and body["voided_by_name"] == clinic.physio.name
    listed = api.patient_a.get(f"/api/v1/patients/{clinic.record_a.id}/notes").get_json()["items"]
    assert [(n["id"], n["void_reason"], n["body"]) for n in listed] == [(note_id, "Wrong patient", BODY)]


def test_a_voided_note_is_left_out_of_the_summary_and_its_pdf(app, clinic, login_as, note_id):
    with app.app_context():
        kept = add_note(clinic.record_a.id, clinic.physio, "team_and_patient", "Kept: walking 20 minutes daily.")
    client = login_as(clinic.physio)
    client.post(void_url(clinic, note_id), data={"reason": "Wrong patient"})
    page = client.get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    assert "Kept: walking 20 minutes daily." in page and "lumbar MRI" not in page
    _, pdf = pdf_text(download(client, clinic.record_a.id).data)
    assert "walking 20 minutes" in pdf and "lumbar MRI" not in pdf
    assert kept


@pytest.mark.parametrize("statement", [
    "UPDATE notes SET body = 'rewritten' WHERE id = :id",
    "UPDATE notes SET visibility = 'clinicians' WHERE id = :id",
    "UPDATE notes SET author_id = author_id + 1 WHERE id = :id",
    "DELETE FROM notes WHERE id = :id",
])
def test_the_database_refuses_to_edit_or_delete_a_note(app, note_id, statement):
    with app.app_context():
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text(statement), {"id": note_id})
        db.session.rollback()


def test_the_database_lets_a_note_be_voided_once_and_never_unvoided(app, clinic, note_id):
    with app.app_context():
        db.session.execute(text("UPDATE notes SET voided_at = CURRENT_TIMESTAMP, voided_by_id = :u, "
                                "void_reason = 'wrong record' WHERE id = :id"), {"id": note_id, "u": clinic.physio.id})
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"):
            db.session.execute(text("UPDATE notes SET voided_at = NULL WHERE id = :id"), {"id": note_id})
        db.session.rollback()
