"""The one read model (services/record): what the dashboard JSON gained, caps on long lists,
parts added by one function, the lean audited read path, and live responses against the
documented OpenAPI schemas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import AuditEvent, Question, User
from careteam.services import clock, record
from careteam.services.record import assembly as record_assembly
from tests.support.summary import handover_record


def test_dashboard_json_has_every_part_the_page_shows(app, clinic, api, login_as):
    with app.app_context():
        handover_record(clinic)
    body = api.physio.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    assert [e["prescription"]["name"] for e in body["exercises"]] == ["Glute bridge"]
    assert set(body["exercises"][0]["sessions"]) == {"done", "prescribed"}
    assert body["exposure"]["items"][0]["item"]["description"] == "Carry the laundry basket upstairs"
    assert body["flare_plan"]["minimum_activity"] == "Walk 5 minutes twice a day"
    assert body["activity"] == []
    page = login_as(clinic.physio).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    for shown in ("Glute bridge", "Carry the laundry basket upstairs"):  # the page shows the same parts
        assert shown in page


def test_a_reader_without_the_parts_gets_them_empty(app, clinic, api):
    with app.app_context():
        handover_record(clinic)
    body = api.patient_a.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    assert body["patient"]["id"] == clinic.record_a.id  # the patient reads her own plans
    assert body["flare_plan"] is not None
    assert api.outside_physio.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").status_code == 404


def test_open_questions_are_capped_with_a_count_of_the_rest(app, clinic, api, login_as):
    with app.app_context():
        base = clock.now() - timedelta(days=30)
        for n in range(record.MAX_QUESTIONS + 5):
            db.session.add(Question(patient_id=clinic.record_a.id, text=f"Question number {n}",
                                    asked_by_id=clinic.patient_a.id, asked_by_role="patient",
                                    created_at=base + timedelta(hours=n)))
        db.session.commit()
    body = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    texts = [q["text"] for q in body["open_questions"]]
    assert texts == [f"Question number {n}" for n in range(5, record.MAX_QUESTIONS + 5)]  # the newest, oldest first
    assert body["more_questions"] == 5
    summary = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()
    assert len(summary["questions"]) == record.MAX_QUESTIONS and summary["more_questions"] == 5
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    assert "and 5 more open questions in careteam" in page
    assert "Question number 4<" not in page and "Question number 24" in page


def test_a_part_added_by_one_function_reaches_only_readers_of_its_part(app, clinic, monkeypatch):
    monkeypatch.setattr(record_assembly, "EXTRA_PARTS", [])
    calls = []

    def load(patient_id, period):
        calls.append(patient_id)
        return [{"name": "PHQ-9", "score": 7, "from": period.start.isoformat()}]

    record.add_part("measures", Part.CHECKINS, load)
    with app.test_request_context():
        physio = db.session.get(User, clinic.physio.id)
        view = record.dashboard(physio, clinic.record_a.id)
        assert view.parts["measures"][0]["score"] == 7
        admin_may_not = Part.CHECKINS not in record.dashboard(physio, clinic.record_a.id).sections
    assert calls == [clinic.record_a.id, clinic.record_a.id] and not admin_may_not


def test_token_and_user_in_one_statement_and_no_reselect_after_the_audit_commit(app, clinic, api, count_queries):
    url = f"/api/v1/patients/{clinic.record_a.id}"
    api.physio.get(url)  # the token's last use is recorded once per few minutes, not on this read
    with count_queries() as statements:
        response = api.physio.get(url)
    assert response.status_code == 200 and [m["name"] for m in response.get_json()["team"]]
    users_loaded = [s for s in statements if s.lstrip().upper().startswith("SELECT") and "FROM users" in s
                    and "api_tokens" not in s and "JOIN users" not in s]
    assert "api_tokens" in statements[0] and "users" in statements[0]
    assert users_loaded == [], users_loaded  # the user was not loaded again after the commit
    # token+user, authorize, the audit chain's tip, audit insert, header, team
    assert len(statements) == 6, statements
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.object_type, event.user_id) == ("read", "patient", clinic.physio.id)


def _resolve(schema: dict, spec: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _conforms(value, schema: dict, spec: dict, path: str, problems: list[str]) -> None:
    nullable = schema.get("nullable", False)
    if "anyOf" in schema:  # a nullable nested schema: [{"nullable": true}, {"$ref": ...}]
        nullable = nullable or any(branch.get("nullable") for branch in schema["anyOf"])
        schema = next(branch for branch in schema["anyOf"] if "$ref" in branch)
    schema = _resolve(schema, spec)
    if "type" not in schema:  # a computed field (fields.Function) documents no type
        return
    if value is None:
        if not (nullable or schema.get("nullable")):
            problems.append(f"{path}: null but not nullable")
        return
    kind = schema.get("type")
    expected = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
                "boolean": bool}.get(kind)
    if expected and (not isinstance(value, expected) or (kind in ("integer", "number") and isinstance(value, bool))):
        problems.append(f"{path}: {type(value).__name__}, documented {kind}")
        return
    if kind == "object" and "properties" in schema:
        for key, item in value.items():
            if key not in schema["properties"]:
                problems.append(f"{path}.{key}: not documented")
            else:
                _conforms(item, schema["properties"][key], spec, f"{path}.{key}", problems)
    if kind == "array":
        for index, item in enumerate(value):
            _conforms(item, schema.get("items", {}), spec, f"{path}[{index}]", problems)


@pytest.mark.parametrize("route,who", [
    ("/api/v1/patients/{id}", "physio"),
    ("/api/v1/patients/{id}/dashboard", "physio"),
    ("/api/v1/patients/{id}/dashboard", "patient_a"),
    ("/api/v1/patients/{id}/summary", "psych"),
])
def test_live_responses_match_the_documented_schemas(app, clinic, api, route, who):
    with app.app_context():
        handover_record(clinic)
    spec = api.physio.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][route.replace("{id}", "{patient_id}")]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    body = getattr(api, who).get(route.format(id=clinic.record_a.id)).get_json()
    problems: list[str] = []
    _conforms(body, schema, spec, "$", problems)
    assert problems == [], problems
    assert set(_resolve(schema, spec)["properties"]) == set(body)  # every documented field is sent
