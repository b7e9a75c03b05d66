"""The audit trail: what is recorded, what never is, and that it cannot be rewritten."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from careteam.domain.policy import Action, Part
from careteam.extensions import db
from careteam.models import AuditEvent, User
from careteam.services import access
from careteam.services.audit import write_pending_denials
from careteam.services.errors import NotFound
from tests import factories
from tests.factories import PASSWORD


def all_events(app):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_reading_a_record_is_audited_with_who_what_when_where(app, clinic, login_as):
    client = login_as(clinic.psych)
    response = client.get(f"/patients/{clinic.record_a.id}", headers={"X-Request-ID": "req-1234-abcd"})
    assert response.headers["X-Request-ID"] == "req-1234-abcd"
    (event,) = [e for e in all_events(app) if e.action == "read"]
    assert (event.user_id, event.role, event.patient_id) == (clinic.psych.id, "psychologist", clinic.record_a.id)
    assert (event.object_type, event.object_id, event.outcome) == ("dashboard", str(clinic.record_a.id), "success")
    assert event.address == "127.0.0.1" and event.request_id == "req-1234-abcd"
    assert event.occurred_at.tzinfo is not None


def test_api_reads_are_audited_too(app, api, clinic):
    api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/team")
    events = [e for e in all_events(app) if e.action == "read"]
    assert [(e.object_type, e.user_id) for e in events] == [("care_team", clinic.physician.id)]


def test_denial_survives_the_rollback_of_the_request(app, clinic):
    """Work done before the refusal is rolled back; the denial is written anyway."""
    with app.test_request_context("/"):
        outsider = db.session.get(User, clinic.outside_physio.id)
        db.session.add(User(email="half-done@example.org", name="Half done", role="patient"))
        db.session.flush()
        with pytest.raises(NotFound):
            access.authorize(outsider, clinic.record_a.id, Part.CHECKINS, Action.READ)
        write_pending_denials()
    with app.app_context():
        assert db.session.scalar(select(User).where(User.email == "half-done@example.org")) is None
        denied = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(d.user_id, d.patient_id, d.object_type) for d in denied] == [
        (clinic.outside_physio.id, clinic.record_a.id, "checkins")]


def test_denial_for_a_patient_that_does_not_exist(app, clinic, login_as):
    login_as(clinic.physician).get("/patients/424242")
    (denied,) = [e for e in all_events(app) if e.outcome == "denied"]
    assert denied.patient_id is None and denied.object_id == "424242" and denied.detail == "no such patient"


def test_no_password_or_token_reaches_the_audit_trail_or_the_logs(app, client, clinic, login_as, caplog):
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="careteam")
    client.post("/login", data={"email": clinic.physician.email, "password": PASSWORD})
    client.post("/login", data={"email": clinic.physio.email, "password": "wrong-but-secret-words"})
    created = login_as(clinic.physician).post("/account/tokens", data={"name": "reporting"})
    token = created.data.decode().split('data-testid="new-token">')[1].split("<")[0]
    with app.app_context():  # a first-time link is shown to the admin; a reset link never is
        newcomer_id = factories.user("psychologist", password=False).id
        db.session.commit()
    link_page = login_as(clinic.admin).post(f"/admin/accounts/{newcomer_id}/set-password-link")
    link_token = link_page.data.decode().split("/set-password/")[1].split("<")[0]
    app.test_client().get(f"/set-password/{link_token}")
    secrets = [PASSWORD, "wrong-but-secret-words", token, link_token]
    rows = [" ".join(str(v) for v in vars(e).values()) for e in all_events(app)]
    for secret in secrets:
        assert not any(secret in row for row in rows)
        assert secret not in caplog.text
    assert "/set-password/<token>" in caplog.text  # the access log names the rule, not the URL


def test_audit_rows_cannot_be_changed_or_deleted(app, clinic, login_as):
    login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}")
    with app.app_context():
        for statement in ("UPDATE audit_events SET action = 'nothing'", "DELETE FROM audit_events"):
            with pytest.raises(DBAPIError, match="append-only"):
                with db.session.begin_nested():
                    db.session.execute(text(statement))
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "read")) == "read"


def test_patient_sees_who_accessed_their_record(app, clinic, login_as):
    login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}")
    login_as(clinic.outside_psych).get(f"/patients/{clinic.record_a.id}")
    page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/access-log").data
    assert page.count(b"Who accessed my record") == 4  # title, the phone's menu line, tab and heading
    assert b"Dr. Ann Physician" in page and b"Viewed record overview" in page
    assert b"Dr. Otto Outside" in page and b"refused" in page and b"Tried to open record" in page


@pytest.mark.parametrize("who,status", [("physio", 200), ("admin", 200), ("patient_b", 404), ("outside_physician", 404)])
def test_access_log_is_for_the_patient_the_team_and_admins(clinic, login_as, who, status):
    assert login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}/access-log").status_code == status


def test_admin_audit_view_filters(app, clinic, login_as):
    login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}")
    login_as(clinic.outside_psych).get(f"/patients/{clinic.record_a.id}")
    admin = login_as(clinic.admin)
    denied = admin.get("/admin/audit?outcome=denied").data
    assert clinic.outside_psych.email.encode() in denied and clinic.physician.email.encode() not in denied
    by_user = admin.get(f"/admin/audit?user_email={clinic.physician.email}").data
    assert clinic.physician.email.encode() in by_user and clinic.outside_psych.email.encode() not in by_user
    assert b"No events match." in admin.get("/admin/audit?since=2000-01-01&until=2000-01-02").data
    assert b"No events match." in admin.get(f"/admin/audit?patient_id={clinic.record_b.id}").data


@pytest.mark.parametrize("query, message", [
    ("since=2026-13-01&user_email={email}", "Not a valid date value."),
    ("patient_id=abc&user_email={email}", "A patient id is a number."),
])
def test_a_bad_filter_lists_nothing_instead_of_everything(clinic, login_as, query, message):
    """A filter that cannot be applied must not quietly show the whole unfiltered trail."""
    login_as(clinic.outside_psych).get(f"/patients/{clinic.record_a.id}")
    response = login_as(clinic.admin).get("/admin/audit?" + query.format(email=clinic.physician.email))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert "Correct the filters above" in html and clinic.outside_psych.email not in html
    assert f'value="{clinic.physician.email}"' in html  # what was typed stays
