"""JSON API v1: the OpenAPI document, /me, patients, teams, admin endpoints, tokens."""

from __future__ import annotations

import pytest

from careteam.extensions import db
from careteam.models import ApiToken


def test_openapi_document_lists_the_skeleton(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["info"]["title"] == "careteam"
    for path in ["/api/v1/me", "/api/v1/patients", "/api/v1/patients/{patient_id}",
                 "/api/v1/patients/{patient_id}/team", "/api/v1/admin/accounts",
                 "/api/v1/admin/audit-events"]:
        assert path in doc["paths"], path
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_me(api, clinic):
    body = api.patient_a.get("/api/v1/me").get_json()
    assert body["email"] == clinic.patient_a.email and body["role"] == "patient"
    assert body["patient_id"] == clinic.record_a.id
    assert api.physician.get("/api/v1/me").get_json()["patient_id"] is None


def test_bad_or_missing_tokens_are_401(client, clinic):
    for header in ({}, {"Authorization": "Bearer ct_nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=header)
        assert response.status_code == 401 and response.get_json()["errors"]["_"]


def test_revoked_token_stops_working(app, api, clinic):
    assert api.psych.get("/api/v1/me").status_code == 200
    with app.app_context():
        from careteam.models import utcnow

        for token in db.session.query(ApiToken).filter_by(user_id=clinic.psych.id):
            token.revoked_at = utcnow()
        db.session.commit()
    assert api.psych.get("/api/v1/me").status_code == 401


def test_bearer_token_does_not_open_html_pages(client, api, clinic):
    token = api.physician.headers["Authorization"]
    response = client.get("/patients", headers={"Authorization": token})
    assert response.status_code == 302  # pages need a signed-in session


@pytest.mark.parametrize(
    "who,names",
    [
        ("physician", {"Alice Patient"}),
        ("physician_b", {"Bob Patient"}),
        ("physio", {"Alice Patient", "Bob Patient"}),
        ("psych", {"Alice Patient"}),
        ("patient_a", {"Alice Patient"}),
        ("outside_physician", set()),
    ],
)
def test_patient_list_shows_only_visible_patients(api, who, names):
    body = getattr(api, who).get("/api/v1/patients").get_json()
    assert {p["name"] for p in body} == names


def test_overview_and_team(api, clinic):
    body = api.psych.get(f"/api/v1/patients/{clinic.record_a.id}").get_json()
    assert body["name"] == "Alice Patient" and body["date_of_birth"] == "1980-01-01"
    assert {m["discipline"] for m in body["team"]} == {"physician", "physiotherapist", "psychologist"}
    team = api.patient_a.get(f"/api/v1/patients/{clinic.record_a.id}/team").get_json()
    assert {m["name"] for m in team} == {"Dr. Ann Physician", "Pat Physio", "Dr. Sam Psych"}


@pytest.mark.parametrize("who", ["outside_physician", "patient_b", "physician_b", "admin"])
def test_outsiders_get_json_404(api, clinic, who):
    response = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}")
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"_": ["There is nothing here, or you do not have access to it."]}}


def test_team_changes_through_the_api(api, clinic):
    url = f"/api/v1/patients/{clinic.record_a.id}/team"
    added = api.physician.post(url, json={"clinician_id": clinic.outside_psych.id})
    assert added.status_code == 201 and added.get_json()["discipline"] == "psychologist"
    assert api.physician.delete(f"{url}/{clinic.outside_psych.id}").status_code == 403
    assert api.physio.post(url, json={"clinician_id": clinic.outside_physician.id}).status_code == 403
    assert api.admin.delete(f"{url}/{clinic.outside_psych.id}").status_code == 204
    assert api.admin.delete(f"{url}/{clinic.outside_psych.id}").status_code == 404


@pytest.mark.parametrize(
    "body,field",
    [
        ({"clinician_id": 1, "patient_id": 2}, "patient_id"),
        ({"clinician_id": 1, "role": "admin"}, "role"),
        ({"clinician_id": 1, "added_at": "2026-01-01T00:00:00Z"}, "added_at"),
        ({"clinician_id": "abc"}, "clinician_id"),
        ({}, "clinician_id"),
    ],
)
def test_input_schemas_reject_unknown_and_bad_fields(api, clinic, body, field):
    response = api.admin.post(f"/api/v1/patients/{clinic.record_a.id}/team", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]


def test_service_field_errors_come_back_as_422(api, clinic):
    response = api.admin.post(f"/api/v1/patients/{clinic.record_a.id}/team",
                              json={"clinician_id": clinic.physio.id})
    assert response.status_code == 422
    assert response.get_json()["errors"]["clinician_id"] == ["Pat Physio is already on this care team."]


def test_admin_account_endpoints(api, clinic):
    created = api.admin.post("/api/v1/admin/accounts", json={
        "email": "new.physio@example.org", "name": "New Physio", "role": "physiotherapist"})
    assert created.status_code == 201
    user_id = created.get_json()["id"]
    listing = api.admin.get("/api/v1/admin/accounts?role=physiotherapist").get_json()
    assert "new.physio@example.org" in {u["email"] for u in listing["items"]}
    link = api.admin.post(f"/api/v1/admin/accounts/{user_id}/set-password-link").get_json()
    assert "/set-password/" in link["link"] and link["emailed"] is False
    assert api.admin.post(f"/api/v1/admin/accounts/{user_id}/deactivate").get_json()["active"] is False
    assert api.admin.post(f"/api/v1/admin/accounts/{user_id}/reactivate").get_json()["active"] is True
    dup = api.admin.post("/api/v1/admin/accounts", json={
        "email": "new.physio@example.org", "name": "Again", "role": "physiotherapist"})
    assert dup.status_code == 422 and "email" in dup.get_json()["errors"]
    bad_role = api.admin.post("/api/v1/admin/accounts", json={"email": "a@example.org", "name": "A", "role": "god"})
    assert bad_role.status_code == 422 and "role" in bad_role.get_json()["errors"]


def test_admin_creates_a_patient_record_through_the_api(api):
    user_id = api.admin.post("/api/v1/admin/accounts", json={
        "email": "pat@example.org", "name": "Pat New", "role": "patient"}).get_json()["id"]
    record = api.admin.post(f"/api/v1/admin/accounts/{user_id}/patient-record", json={"date_of_birth": "1970-05-06"})
    assert record.status_code == 201 and record.get_json()["date_of_birth"] == "1970-05-06"
    assert api.admin.get(f"/api/v1/admin/accounts/{user_id}").get_json()["patient_id"] == record.get_json()["id"]


@pytest.mark.parametrize("who", ["physician", "patient_a", "psych"])
def test_admin_endpoints_refuse_others(api, clinic, who):
    client = getattr(api, who)
    assert client.get("/api/v1/admin/accounts").status_code == 403
    assert client.post("/api/v1/admin/accounts", json={"email": "x@example.org", "name": "X", "role": "admin"}).status_code == 403
    assert client.get("/api/v1/admin/audit-events").status_code == 403


def test_personal_tokens_through_the_api(api):
    created = api.physio.post("/api/v1/me/tokens", json={"name": "my script"})
    assert created.status_code == 201
    token = created.get_json()["token"]
    assert token.startswith("ct_")
    listed = api.physio.get("/api/v1/me/tokens").get_json()
    assert "token" not in listed[0] and {t["name"] for t in listed} >= {"my script"}
    token_id = created.get_json()["id"]
    assert api.physio.delete(f"/api/v1/me/tokens/{token_id}").status_code == 204
    assert api.psych.delete(f"/api/v1/me/tokens/{token_id}").status_code == 404  # not theirs


def test_audit_events_endpoint_filters(api, clinic):
    api.psych.get(f"/api/v1/patients/{clinic.record_a.id}")
    api.outside_psych.get(f"/api/v1/patients/{clinic.record_a.id}")
    body = api.admin.get(f"/api/v1/admin/audit-events?patient_id={clinic.record_a.id}&outcome=denied").get_json()
    assert {e["user_email"] for e in body["items"]} == {clinic.outside_psych.email}
    assert api.admin.get("/api/v1/admin/audit-events?outcome=maybe").status_code == 422
