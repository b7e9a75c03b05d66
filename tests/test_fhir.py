"""The FHIR export of one record (issue 13): every demo bundle, for every reader, is a valid FHIR
R4 (R4B models) Bundle that passes careteam's own checks; no note reaches a reader who may not
read it; outsiders get 404 and a denial; each export leaves an audit event."""

from __future__ import annotations

import json
import uuid

import orjson
import pytest
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from careteam.demo import load_demo_data
from careteam.extensions import db
from careteam.fhir import codes
from careteam.fhir.checks import bundle_problems
from careteam.models import AuditEvent, Note, Patient, User
from tests import factories

MARIA = "maria.lopez@example.org"
TOM = "tom.becker@example.org"
READERS = {  # record owner -> who reads it
    MARIA: ("maria.lopez@example.org", "dr.okafor@example.org", "priya.nair@example.org", "dr.hoffmann@example.org"),
    TOM: ("tom.becker@example.org", "dr.berg@example.org", "priya.nair@example.org"),
}


def url(patient_id: int) -> str:
    return f"/api/v1/patients/{patient_id}/fhir"


def resources(bundle: dict, resource_type: str | None = None) -> list[dict]:
    return [e["resource"] for e in bundle["entry"] if resource_type in (None, e["resource"]["resourceType"])]


def note_texts(bundle: dict) -> set[str]:
    return {p["contentString"] for r in resources(bundle, "Communication") for p in r.get("payload", [])}


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo_data()
        people = {u.email: u.id for u in db.session.scalars(select(User))}
        records = {email: db.session.scalar(select(Patient.id).join(User, Patient.user_id == User.id)
                                            .where(User.email == email)) for email in READERS}
        notes: dict[tuple[int, str], list[str]] = {}
        for note in db.session.scalars(select(Note).where(Note.voided_at.is_(None))):
            notes.setdefault((note.patient_id, note.visibility), []).append(note.body)
    return people, records, notes


def fetch(app, client, user_id: int, patient_id: int, accept: str = "application/fhir+json"):
    with app.app_context():
        factories.sign_in_session(client, db.session.get(User, user_id))
    return client.get(url(patient_id), headers={"Accept": accept})


def test_every_demo_bundle_for_every_reader_is_valid_fhir_r4_and_passes_careteams_checks(app, client, demo):
    people, records, notes = demo
    checked = 0
    for owner, readers in READERS.items():
        patient_id = records[owner]
        for reader in readers:
            response = fetch(app, client, people[reader], patient_id)
            assert response.status_code == 200, (owner, reader)
            assert response.mimetype == "application/fhir+json"
            bundle = orjson.loads(response.data)
            Bundle.model_validate(bundle)  # FHIR R4 structure, with R4B's models
            assert bundle["type"] == "collection"
            assert bundle_problems(bundle) == [], (owner, reader)
            kinds = {r["resourceType"] for r in resources(bundle)}
            assert {"Patient", "Practitioner", "PractitionerRole", "CareTeam", "QuestionnaireResponse",
                    "Observation", "Procedure", "Goal"} <= kinds, (owner, reader, kinds)
            texts = note_texts(bundle)
            if reader != "dr.hoffmann@example.org":
                assert not texts & set(notes.get((patient_id, "psychologists"), ())), (owner, reader)
            if reader == owner:
                assert not texts & set(notes.get((patient_id, "clinicians"), ())), (owner, reader)
            assert set(notes.get((patient_id, "team_and_patient"), ())) <= texts
            checked += 1
    assert checked == 7


def test_maria_bundle_has_every_area_and_psychologist_sees_her_notes(app, client, demo):
    people, records, notes = demo
    maria = records[MARIA]
    bundle = orjson.loads(fetch(app, client, people["dr.hoffmann@example.org"], maria).data)
    kinds = {r["resourceType"] for r in resources(bundle)}
    assert {"Goal", "CarePlan", "Flag", "Appointment", "Communication"} <= kinds
    assert notes[(maria, "psychologists")] and set(notes[(maria, "psychologists")]) <= note_texts(bundle)
    assert {"ServiceRequest", "Provenance"} <= kinds
    titles = {r["category"][0]["coding"][0]["code"] for r in resources(bundle, "CarePlan")}
    assert {"exercise-programme", "graded-activity-plan", "exposure-hierarchy", "flare-up-plan"} <= titles
    security = {c["code"] for r in resources(bundle, "Communication") for c in r.get("meta", {}).get("security", [])}
    assert {"team_and_patient", "clinicians", "psychologists"} <= security
    goal = resources(bundle, "Goal")[0]
    assert goal["id"].startswith("goal-") and goal["outcomeReference"]
    pain = [r for r in resources(bundle, "Observation")
            if any(c["code"] == "72514-3" for c in r["code"].get("coding", []))]
    assert pain and all(o["derivedFrom"][0]["reference"].startswith("QuestionnaireResponse/checkin-") for o in pain)
    doses = resources(bundle, "ServiceRequest")
    assert all(e["url"] == codes.DOSE_EXTENSION for d in doses for e in d["extension"])
    assert {p["target"][0]["reference"] for p in resources(bundle, "Provenance")} \
        == {f"ServiceRequest/{d['id']}" for d in doses}
    assert all(r["authored"].endswith("+00:00") for r in resources(bundle, "QuestionnaireResponse"))


def test_a_patient_bundle_leaves_out_clinicians_notes(app, client, demo):
    people, records, notes = demo
    maria = records[MARIA]
    bundle = orjson.loads(fetch(app, client, people[MARIA], maria).data)
    security = {c["code"] for r in resources(bundle, "Communication") for c in r.get("meta", {}).get("security", [])}
    assert "clinicians" not in security and "psychologists" not in security
    assert set(notes[(maria, "team_and_patient")]) <= note_texts(bundle)
    assert not note_texts(bundle) & set(notes[(maria, "clinicians")])


def test_plain_json_is_served_to_a_client_that_asks_only_for_it(app, client, demo):
    people, records, _ = demo
    response = fetch(app, client, people["dr.okafor@example.org"], records[MARIA], accept="application/json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["resourceType"] == "Bundle"


def test_each_export_is_audited(app, client, demo):
    people, records, _ = demo
    fetch(app, client, people["priya.nair@example.org"], records[TOM])
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "fhir_bundle")))
    assert [(e.user_id, e.patient_id, e.action, e.outcome) for e in events] \
        == [(people["priya.nair@example.org"], records[TOM], "export", "success")]


@pytest.mark.parametrize("who", ["outside_physician", "outside_psych", "patient_b", "admin"])
def test_an_outsider_gets_404_and_a_denial(app, api, clinic, who):
    request_id = uuid.uuid4().hex
    response = api.as_(who).get(url(clinic.record_a.id), headers={"X-Request-ID": request_id})
    assert response.status_code == 404
    assert response.get_json() == {"errors": {"_": [response.get_json()["errors"]["_"][0]]}}
    with app.app_context():
        (denied,) = db.session.scalars(select(AuditEvent).where(AuditEvent.request_id == request_id))
    assert denied.outcome == "denied" and denied.patient_id == clinic.record_a.id


def test_a_psychologists_note_written_now_reaches_only_the_psychologist(app, api, clinic):
    a = clinic.record_a.id
    marker = "PSYONLYfhir93b2"
    api.psych.post(f"/api/v1/patients/{a}/notes", json={"visibility": "psychologists", "body": f"Avoidance. {marker}"})
    api.physio.post(f"/api/v1/patients/{a}/notes", json={"visibility": "clinicians", "body": "CLINONLYfhir77"})
    for who in ("physician", "physio", "patient_a"):
        body = api.as_(who).get(url(a)).data
        assert marker.encode() not in body, who
    assert b"CLINONLYfhir77" not in api.patient_a.get(url(a)).data
    assert b"CLINONLYfhir77" in api.physician.get(url(a)).data
    assert marker.encode() in api.psych.get(url(a)).data


def test_the_loinc_table_is_the_only_source_of_loinc_codes():
    assert all(panel in codes.LOINC and total in codes.LOINC for panel, total in codes.INSTRUMENT_LOINC.values())
    assert {"72514-3", "91148-7", "44261-6", "70274-6"} <= set(codes.LOINC)
    with pytest.raises(KeyError):
        codes.loinc("12345-6")
    with pytest.raises(ValueError):
        codes.coding("", "x")
    found = bundle_problems({"entry": [{"resource": {
        "resourceType": "Observation", "id": "o", "code": {"coding": [{"system": codes.LOINC_SYSTEM, "code": "1-8"},
                                                                       {"code": "no-system"}]},
        "subject": {"reference": "Patient/missing"}}}]})
    assert len(found) == 3


def test_the_dose_extension_is_defined_by_its_structure_definition():
    from importlib import resources as package_files

    from fhir.resources.R4B.structuredefinition import StructureDefinition

    from careteam.fhir.resources.exercises import dose_extension
    from careteam.models import ExerciseDose, ExercisePrescription

    text = (package_files.files("careteam") / "fhir/profiles/StructureDefinition-exercise-dose.json").read_text()
    definition = json.loads(text)
    StructureDefinition.model_validate(definition)
    assert definition["url"] == codes.DOSE_EXTENSION
    slices = {e["sliceName"]: e for e in definition["differential"]["element"] if e.get("sliceName")}
    kinds = {e["id"].split(":")[1].split(".")[0]: e["type"][0]["code"]
             for e in definition["differential"]["element"] if e["id"].endswith(".value[x]") and ":" in e["id"]}
    prescription = ExercisePrescription(name="Bridge", side="both", equipment="mat")
    dose = ExerciseDose(number=1, sets=3, reps=10, hold_seconds=5, load_kg=2.5, load_band="", rest_seconds=60,
                        sessions_per_week=3, target_effort=6)
    extension = dose_extension(prescription, dose)
    names = {e["url"] for e in extension["extension"]}
    assert names <= set(slices)
    assert {name for name, e in slices.items() if e["min"] >= 1} <= names
    for sub in extension["extension"]:
        (value_key,) = [k for k in sub if k.startswith("value")]
        assert value_key == "value" + kinds[sub["url"]].capitalize(), sub


def test_a_break_glass_psychologist_gets_the_bundle_without_psychologists_notes(app, api, clinic, login_as):
    from tests.support.break_glass import open_emergency

    a = clinic.record_a.id
    api.psych.post(f"/api/v1/patients/{a}/notes", json={"visibility": "psychologists", "body": "PSYONLYglass51"})
    api.physician.post(f"/api/v1/patients/{a}/notes", json={"visibility": "clinicians", "body": "CLINglass52"})
    client = login_as(clinic.outside_psych)
    assert client.get(url(a)).status_code == 404
    open_emergency(client, a)
    response = client.get(url(a))
    assert response.status_code == 200
    assert b"CLINglass52" in response.data and b"PSYONLYglass51" not in response.data
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "fhir_bundle")
                                   .order_by(AuditEvent.id.desc())).first()
    assert event.user_id == clinic.outside_psych.id and event.break_glass_grant_id is not None


def test_write_patient_bundle_writes_the_same_bundle_as_json_bytes(app, clinic):
    import io

    from careteam.fhir import patient_bundle, write_patient_bundle

    with app.test_request_context():
        physician = db.session.get(User, clinic.physician.id)
        stream = io.BytesIO()
        write_patient_bundle(physician, clinic.record_a.id, stream)
        written = orjson.loads(stream.getvalue())
        again = patient_bundle(physician, clinic.record_a.id)
    assert written["entry"] == again["entry"] and written["type"] == "collection"
    assert {e["resource"]["resourceType"] for e in written["entry"]} >= {"Patient", "CareTeam", "Practitioner"}
    Bundle.model_validate(written)


def test_every_check_in_answer_is_an_item_of_careteams_questionnaire(app, client, demo):
    from importlib import resources as package_files

    from fhir.resources.R4B.questionnaire import Questionnaire

    text = (package_files.files("careteam") / "fhir/profiles/Questionnaire-weekly-checkin.json").read_text()
    questionnaire = json.loads(text)
    Questionnaire.model_validate(questionnaire)
    assert questionnaire["url"] == codes.CHECKIN_QUESTIONNAIRE

    def link_ids(items):
        for item in items:
            yield item["linkId"]
            yield from link_ids(item.get("item", []))

    defined = set(link_ids(questionnaire["item"]))
    people, records, _ = demo
    bundle = orjson.loads(fetch(app, client, people["dr.okafor@example.org"], records[MARIA]).data)
    check_ins = [r for r in resources(bundle, "QuestionnaireResponse") if r["questionnaire"] == codes.CHECKIN_QUESTIONNAIRE]
    used = {link for r in check_ins for link in link_ids(r["item"])}
    assert check_ins and "effect-rating.rating" in used and used <= defined


def test_a_bundle_takes_a_fixed_number_of_statements_whatever_the_record(app, demo, count_queries):
    from careteam.fhir import patient_bundle

    people, records, _ = demo
    statements = {}
    for owner in (MARIA, TOM):
        with app.test_request_context():
            physician = db.session.get(User, people["priya.nair@example.org"])
            with count_queries() as seen:
                bundle = patient_bundle(physician, records[owner])
            statements[owner] = (len(seen), len(bundle["entry"]))
    assert statements[MARIA][1] > 500  # 26 weeks of check-ins, plans, notes...
    assert all(count <= 35 for count, _ in statements.values()), statements
