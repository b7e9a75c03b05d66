"""The clinic admin: accounts, patient records, care teams; and a physician inviting."""

from __future__ import annotations

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, CareTeamMember, Patient, User


def test_admin_creates_an_account_and_its_patient_record(app, clinic, login_as):
    client = login_as(clinic.admin)
    response = client.post("/admin/accounts/new", data={
        "name": "Carla Nuñez", "email": " Carla.Nunez@Example.org ", "role": "patient"})
    assert response.status_code == 302
    with app.app_context():
        carla = db.session.scalar(select(User).where(User.email == "carla.nunez@example.org"))
        assert carla.role == "patient" and carla.password_hash is None
    page = client.get(response.headers["Location"])
    assert b"This patient account has no record yet." in page.data
    created = client.post(f"/admin/accounts/{carla.id}/patient-record", data={"date_of_birth": "1990-02-03"})
    assert created.status_code == 302
    with app.app_context():
        record = db.session.scalar(select(Patient).where(Patient.user_id == carla.id))
        assert str(record.date_of_birth) == "1990-02-03"
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.user_id == clinic.admin.id)))
    assert {"create"} <= actions


def test_account_form_reports_problems_and_keeps_input(clinic, login_as):
    client = login_as(clinic.admin)
    response = client.post("/admin/accounts/new", data={
        "name": "Someone", "email": clinic.physician.email, "role": "physician"})
    assert response.status_code == 422
    assert b"An account with this e-mail already exists." in response.data
    assert b'value="Someone"' in response.data
    bad = client.post("/admin/accounts/new", data={"name": "", "email": "not-an-email", "role": "wizard"})
    assert bad.status_code == 422 and b"Not a valid choice" in bad.data


def test_patient_record_needs_a_patient_account_and_only_one(clinic, login_as):
    client = login_as(clinic.admin)
    not_patient = client.post(f"/admin/accounts/{clinic.physio.id}/patient-record", data={})
    assert not_patient.status_code == 422  # the page explains; a physio gets no record
    twice = client.post(f"/admin/accounts/{clinic.patient_a.id}/patient-record", data={})
    assert twice.status_code == 422


def test_patient_record_refuses_a_birth_date_in_the_future(clinic, login_as, app):
    with app.app_context():
        from tests import factories

        newcomer = factories.user("patient")
        db.session.commit()
        newcomer_id = newcomer.id
    response = login_as(clinic.admin).post(f"/admin/accounts/{newcomer_id}/patient-record",
                                           data={"date_of_birth": "2999-01-01"})
    assert response.status_code == 422 and b"cannot be in the future" in response.data


def test_deactivate_and_reactivate(app, clinic, login_as):
    client = login_as(clinic.admin)
    client.post(f"/admin/accounts/{clinic.psych.id}/deactivate")
    with app.app_context():
        assert db.session.get(User, clinic.psych.id).active is False
    client.post(f"/admin/accounts/{clinic.psych.id}/reactivate")
    with app.app_context():
        assert db.session.get(User, clinic.psych.id).active is True
    own = client.post(f"/admin/accounts/{clinic.admin.id}/deactivate", follow_redirects=True)
    assert b"You cannot deactivate your own account." in own.data


def test_admin_account_list_filters(clinic, login_as):
    client = login_as(clinic.admin)
    page = client.get("/admin/accounts?role=psychologist").data
    assert b"Dr. Sam Psych" in page and b"Dr. Ann Physician" not in page
    assert b"Dr. Ann Physician" in client.get("/admin/accounts?q=ann").data


def test_admin_manages_care_teams(app, clinic, login_as):
    client = login_as(clinic.admin)
    team_url = f"/patients/{clinic.record_b.id}/team"
    assert client.post(team_url, data={"clinician_id": clinic.psych.id}).status_code == 302
    page = client.get(team_url).data
    assert b"Dr. Sam Psych" in page and b"Remove" in page
    assert client.post(f"{team_url}/{clinic.psych.id}/remove").status_code == 302
    with app.app_context():
        members = set(db.session.scalars(select(CareTeamMember.clinician_id)
                                         .where(CareTeamMember.patient_id == clinic.record_b.id)))
    assert members == {clinic.physician_b.id, clinic.physio.id}


def test_team_form_rejects_non_clinicians_and_duplicates(clinic, login_as):
    client = login_as(clinic.admin)
    team_url = f"/patients/{clinic.record_a.id}/team"
    duplicate = client.post(team_url, data={"clinician_id": clinic.physio.id})
    assert duplicate.status_code == 422 and b"already on this care team" in duplicate.data
    patient = client.post(team_url, data={"clinician_id": clinic.patient_b.id})
    assert patient.status_code == 422 and b"Choose an active physician" in patient.data
    nothing = client.post(team_url, data={"clinician_id": "0"})
    assert nothing.status_code == 422 and b"Choose a clinician." in nothing.data


def test_admin_sees_no_clinical_content(clinic, login_as):
    client = login_as(clinic.admin)
    assert client.get(f"/patients/{clinic.record_a.id}").status_code == 404
    listing = client.get("/admin/patients").data
    assert b"Alice Patient" in listing and b"Manage team" in listing
    assert client.get("/patients").headers["Location"] == "/admin/patients"


def test_physician_on_the_team_invites_but_does_not_remove(app, clinic, login_as):
    client = login_as(clinic.physician)
    team_url = f"/patients/{clinic.record_a.id}/team"
    page = client.get(team_url).data
    assert b"Add a clinician" in page and b"Remove" not in page
    assert client.post(team_url, data={"clinician_id": clinic.outside_physio.id}).status_code == 302
    assert client.post(f"{team_url}/{clinic.physio.id}/remove").status_code == 403
    with app.app_context():
        member = db.session.scalar(select(CareTeamMember).where(
            CareTeamMember.clinician_id == clinic.outside_physio.id))
        assert member.discipline == "physiotherapist" and member.added_by_id == clinic.physician.id


def test_other_team_members_cannot_invite(clinic, login_as):
    client = login_as(clinic.physio)
    team_url = f"/patients/{clinic.record_a.id}/team"
    assert b"Add a clinician" not in client.get(team_url).data
    assert client.post(team_url, data={"clinician_id": clinic.outside_psych.id}).status_code == 403
    patient = login_as(clinic.patient_a)
    assert patient.post(team_url, data={"clinician_id": clinic.outside_psych.id}).status_code == 403


def test_invited_clinician_sees_the_patient_from_then_on(clinic, login_as):
    outsider = login_as(clinic.outside_psych)
    assert outsider.get(f"/patients/{clinic.record_a.id}").status_code == 404
    login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/team",
                                    data={"clinician_id": clinic.outside_psych.id})
    outsider = login_as(clinic.outside_psych)
    assert outsider.get(f"/patients/{clinic.record_a.id}").status_code == 200
    assert b"Alice Patient" in outsider.get("/patients").data


def test_non_admins_cannot_use_admin_pages(clinic, login_as):
    for who in ("physician", "patient_a", "physio"):
        client = login_as(getattr(clinic, who))
        for url in ("/admin/accounts", "/admin/accounts/new", f"/admin/accounts/{clinic.psych.id}",
                    "/admin/audit"):
            assert client.get(url).status_code == 403, (who, url)
        assert client.post(f"/admin/accounts/{clinic.psych.id}/deactivate").status_code == 403


def test_patient_without_a_record_is_told_so(app, client, login_as):
    with app.app_context():
        from tests import factories

        lonely = factories.user("patient")
        db.session.commit()
        db.session.refresh(lonely)
        db.session.expunge(lonely)
    login_as(lonely)
    assert b"Your record is not set up yet" in client.get("/my-record").data
