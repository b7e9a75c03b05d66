"""Protocol templates: the library, applying one to a record (all or nothing, per discipline),
saving a patient's plan as a template, the pages and the API, for every role.

Templates are for clinicians. On a record, a template's parts are authorized like the parts
themselves: interventions for every clinician, exercises for physiotherapists, graded-activity
plans for physiotherapists and psychologists.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import (
    AuditEvent,
    ExerciseDose,
    ExercisePrescription,
    GradedActivityPlan,
    Intervention,
    ProtocolTemplate,
    RecordEvent,
)
from careteam.services import clock, protocols
from careteam.services.errors import Forbidden
from tests.support.exercises import add_prescription
from tests.support.ledger import intervention
from tests.support.protocols import ACTIVITY, EXERCISE, add_current_plan, add_saved_template

TODAY = date(2026, 3, 11)
NOW = datetime(2026, 3, 11, 10, 42, tzinfo=timezone.utc)
BUILT_IN = ["daily-3-step-reset", "micro-pacing", "precision-warm-up", "slow-diaphragmatic-breathing",
            "walking-programme"]
CLINICIANS = ("physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physio", "outside_psych", "admin")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


def record(clinic) -> str:
    return f"/patients/{clinic.record_a.id}"


def api_record(clinic, patient: str = "record_a") -> str:
    return f"/api/v1/patients/{getattr(clinic, patient).id}"


def created_counts(app, patient_id: int) -> dict[str, int]:
    with app.app_context():
        def count(model):
            return db.session.scalar(select(func.count()).select_from(model).where(model.patient_id == patient_id))
        return {"interventions": count(Intervention), "exercises": count(ExercisePrescription),
                "plans": count(GradedActivityPlan), "timeline": count(RecordEvent)}


def timeline_of(app, patient_id: int) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(e.part, e.summary, e.reason) for e in db.session.scalars(
            select(RecordEvent).where(RecordEvent.patient_id == patient_id).order_by(RecordEvent.id))]


def audit_actions(app, user_id: int, object_type: str) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.outcome) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.user_id == user_id, AuditEvent.object_type == object_type)
            .order_by(AuditEvent.id))]


def keys_of(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in keys_of(value)}
    if isinstance(data, list):
        return {key for item in data for key in keys_of(item)}
    return set()


# --- The library --------------------------------------------------------------------------------


@pytest.mark.parametrize("who,can_apply", [
    ("physician", {"daily-3-step-reset", "micro-pacing", "slow-diaphragmatic-breathing"}),
    ("physio", set(BUILT_IN)),
    ("psych", {"daily-3-step-reset", "micro-pacing", "slow-diaphragmatic-breathing", "walking-programme"}),
])
def test_clinicians_browse_the_library_and_see_what_they_may_apply(api, who, can_apply):
    response = getattr(api, who).get("/api/v1/protocols")
    assert response.status_code == 200
    listed = response.get_json()
    assert [t["slug"] for t in listed] == BUILT_IN
    assert {t["slug"] for t in listed if t["can_apply"]} == can_apply
    assert all(t["refusal"] for t in listed if not t["can_apply"])
    assert all(t["builtin"] and t["saved_by"] is None for t in listed)


@pytest.mark.parametrize("who", ["patient_a", "admin"])
def test_patients_and_admins_get_403_on_the_library(app, api, clinic, login_as, who):
    client = getattr(api, who)
    assert client.get("/api/v1/protocols").status_code == 403
    assert client.get("/api/v1/protocols/micro-pacing").status_code == 403
    page = login_as(getattr(clinic, who))
    assert page.get("/protocols").status_code == 403
    assert page.get("/protocols/micro-pacing").status_code == 403
    assert ("read", "denied") in audit_actions(app, getattr(clinic, who).id, "protocol_template")


def test_one_template_in_the_api_keeps_its_steps_in_order(api):
    body = api.physician.get("/api/v1/protocols/daily-3-step-reset").get_json()
    [routine] = body["interventions"]
    assert [(s["name"], s["minutes"]) for s in routine["steps"]] == [("Release", 5), ("Moist heat", 15),
                                                                    ("Stretch", 5)]
    assert "1. Release (5 min)" in routine["created_details"]
    assert body["creates"] == ["Intervention: Daily 3-step reset (stabilizing habit): 1. Release (5 min) → "
                               "2. Moist heat (15 min) → 3. Stretch (5 min)"]
    warm_up = api.physician.get("/api/v1/protocols/precision-warm-up").get_json()
    assert [e["name"] for e in warm_up["exercises"]] == ["Pelvic tilts", "Cat-camel", "Bridge"]
    assert warm_up["exercises"][2]["dose"] == {"sets": 2, "reps": 10, "hold_seconds": 5, "load_kg": None,
                                               "load_band": "", "rest_seconds": 45, "sessions_per_week": 5,
                                               "target_effort": 4}
    assert not warm_up["can_apply"] and "physiotherapist" in warm_up["refusal"]
    assert api.physician.get("/api/v1/protocols/no-such-template").status_code == 404


def test_the_library_page_lists_what_each_template_creates_in_order(clinic, login_as):
    page = login_as(clinic.physician).get("/protocols")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<a href="/protocols" aria-current="page">Protocol templates</a>' in html
    assert html.index("Daily 3-step reset") < html.index("Micro-pacing") < html.index("Walking programme")
    assert html.index(">Release<") < html.index(">Moist heat<") < html.index(">Stretch<")
    assert html.index("Pelvic tilts") < html.index("Cat-camel") < html.index("Bridge")
    assert "Only a physiotherapist can apply this: it creates exercises with doses." in html
    assert "None yet." in html  # nothing saved by clinicians


def test_a_template_page_shows_everything_it_creates(clinic, login_as):
    client = login_as(clinic.physio)
    html = client.get("/protocols/precision-warm-up").get_data(as_text=True)
    assert "2 × 10, hold 5 s, rest 45 s, 5×/week, effort 4/10" in html
    assert "Lift your hips until your body is straight" in html
    assert "You can apply this to your patients" in html
    walking = client.get("/protocols/walking-programme").get_data(as_text=True)
    assert "+1 minute per session toward 30 minutes, in 8 weeks" in walking
    assert client.get("/protocols/nothing-here").status_code == 404


# --- Applying through the API -------------------------------------------------------------------


def test_the_physio_applies_the_warm_up_and_gets_exercises_with_doses(app, api, clinic):
    response = api.physio.post(f"{api_record(clinic)}/protocols/precision-warm-up/apply",
                               json={"reason": "Before the walks"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["slug"] == "precision-warm-up" and body["created"] == "3 exercises"
    assert body["intervention_ids"] == [] and body["activity_plan_id"] is None
    with app.app_context():
        doses = db.session.execute(
            select(ExercisePrescription.name, ExercisePrescription.equipment, ExerciseDose.number, ExerciseDose.sets,
                   ExerciseDose.reps, ExerciseDose.hold_seconds, ExerciseDose.sessions_per_week,
                   ExerciseDose.effective_from, ExerciseDose.reason, ExerciseDose.changed_by_id)
            .join(ExerciseDose).where(ExercisePrescription.id.in_(body["prescription_ids"]))
            .order_by(ExercisePrescription.id)).all()
    because = "From template Precision warm-up: Before the walks"
    assert doses == [
        ("Pelvic tilts", "Mat", 1, 2, 10, 3, 5, TODAY, because, clinic.physio.id),
        ("Cat-camel", "Mat", 1, 2, 8, 0, 5, TODAY, because, clinic.physio.id),
        ("Bridge", "Mat", 1, 2, 10, 5, 5, TODAY, because, clinic.physio.id),
    ]
    assert timeline_of(app, clinic.record_a.id) == [
        ("exercise_doses", "New exercise Pelvic tilts: 2 × 10, hold 3 s, rest 30 s, 5×/week, effort 3/10", because),
        ("exercise_doses", "New exercise Cat-camel: 2 × 8, rest 30 s, 5×/week, effort 3/10", because),
        ("exercise_doses", "New exercise Bridge: 2 × 10, hold 5 s, rest 45 s, 5×/week, effort 4/10", because),
        ("exercise_doses", "Applied template Precision warm-up: 3 exercises", "Before the walks"),
    ]
    assert audit_actions(app, clinic.physio.id, "exercise_prescription") == [("create", "success")] * 3
    assert ("apply", "success") in audit_actions(app, clinic.physio.id, "protocol_template")


@pytest.mark.parametrize("who,slug", [
    ("physician", "precision-warm-up"),
    ("psych", "precision-warm-up"),
    ("physician", "walking-programme"),
])
def test_applying_what_ones_discipline_may_not_create_is_403_and_creates_nothing(app, api, clinic, who, slug):
    before = created_counts(app, clinic.record_a.id)
    response = getattr(api, who).post(f"{api_record(clinic)}/protocols/{slug}/apply", json={})
    assert response.status_code == 403
    assert created_counts(app, clinic.record_a.id) == before
    assert ("write", "denied") in audit_actions(app, getattr(clinic, who).id, "protocol_template")


def test_a_template_is_applied_all_or_nothing(app, api, clinic):
    """The interventions a physician may add are not added when the exercises are refused."""
    with app.app_context():
        add_saved_template(clinic.physio.id, "Heat and bridge", "heat-and-bridge", exercises=[EXERCISE])
    before = created_counts(app, clinic.record_a.id)
    response = api.physician.post(f"{api_record(clinic)}/protocols/heat-and-bridge/apply", json={})
    assert response.status_code == 403
    assert created_counts(app, clinic.record_a.id) == before
    assert api.physio.post(f"{api_record(clinic)}/protocols/heat-and-bridge/apply", json={}).status_code == 201
    after = created_counts(app, clinic.record_a.id)
    assert (after["interventions"], after["exercises"]) == (before["interventions"] + 1, before["exercises"] + 1)


def test_the_psychologist_applies_slow_breathing(app, api, clinic):
    response = api.psych.post(f"{api_record(clinic)}/protocols/slow-diaphragmatic-breathing/apply", json={})
    assert response.status_code == 201
    [intervention_id] = response.get_json()["intervention_ids"]
    with app.app_context():
        created = db.session.get(Intervention, intervention_id)
        assert (created.name, created.tier, created.kind, created.introduced_by, created.started_on,
                created.created_by_id) == ("Slow diaphragmatic breathing", "immediate_relief",
                                           "breathing_or_relaxation", "psychologist", TODAY, clinic.psych.id)
        assert created.details.startswith("3 minutes.")
    assert timeline_of(app, clinic.record_a.id) == [
        ("interventions", "Added intervention Slow diaphragmatic breathing (immediate relief)",
         "From template Slow diaphragmatic breathing"),
        ("interventions", "Applied template Slow diaphragmatic breathing: 1 intervention", ""),
    ]


def test_the_walking_programme_becomes_a_graded_activity_plan_with_a_goal_date(app, api, clinic):
    response = api.psych.post(f"{api_record(clinic)}/protocols/walking-programme/apply", json={})
    assert response.status_code == 201
    with app.app_context():
        plan = db.session.get(GradedActivityPlan, response.get_json()["activity_plan_id"])
        assert (plan.activity, plan.unit, plan.mode, plan.start_fraction, plan.increment, plan.increment_every,
                plan.goal_value, plan.goal_date, plan.started_on) == (
            "Walking", "minutes", "symptom_guided", 0.8, 1, "session", 30, TODAY + timedelta(weeks=8), None)
    shown = api.patient_a.get(f"{api_record(clinic)}/activity-plans/{plan.id}").get_json()
    assert shown["status"] == "baseline"


def test_the_3_step_reset_keeps_its_order_on_the_record(api, clinic, login_as):
    response = api.physician.post(f"{api_record(clinic)}/protocols/daily-3-step-reset/apply", json={})
    [intervention_id] = response.get_json()["intervention_ids"]
    details = api.patient_a.get(f"{api_record(clinic)}/interventions/{intervention_id}").get_json()["details"]
    assert re.search(r"1\. Release \(5 min\).*→ 2\. Moist heat \(15 min\).*→ 3\. Stretch \(5 min\)", details)
    page = login_as(clinic.patient_a).get(f"{record(clinic)}/interventions").get_data(as_text=True)
    assert "Steps, in this order: 1. Release (5 min)" in page


@pytest.mark.parametrize("who,status", [("patient_a", 403), *((o, 404) for o in OUTSIDERS)])
def test_patients_admins_and_outsiders_cannot_apply_or_save(app, api, clinic, who, status):
    before = created_counts(app, clinic.record_a.id)
    client = getattr(api, who)
    assert client.post(f"{api_record(clinic)}/protocols/micro-pacing/apply", json={}).status_code == status
    assert client.get(f"{api_record(clinic)}/protocols").status_code == status
    saved = client.post(f"{api_record(clinic)}/protocols", json={"name": "Mine", "intervention_ids": []})
    assert saved.status_code == status
    assert created_counts(app, clinic.record_a.id) == before


def test_what_a_template_created_stays_editable(app, api, clinic):
    warm_up = api.physio.post(f"{api_record(clinic)}/protocols/precision-warm-up/apply", json={}).get_json()
    bridge = warm_up["prescription_ids"][2]
    changed = api.physio.post(f"{api_record(clinic)}/exercises/{bridge}/doses", json={
        "based_on_version": 1, "sets": 3, "reps": 12, "hold_seconds": 5, "rest_seconds": 45,
        "sessions_per_week": 5, "target_effort": 5, "reason": "Tolerating it well"})
    assert changed.status_code == 201, changed.get_json()
    assert api.physician.get(f"{api_record(clinic)}/exercises/{bridge}").get_json()["current_dose"]["number"] == 2
    reset = api.physician.post(f"{api_record(clinic)}/protocols/micro-pacing/apply", json={}).get_json()
    [pacing] = reset["intervention_ids"]
    edited = api.physician.patch(f"{api_record(clinic)}/interventions/{pacing}",
                                 json={"version": 1, "details": "Every 20 minutes.", "reason": "Too long"})
    assert edited.status_code == 200 and edited.get_json()["details"] == "Every 20 minutes."
    walking = api.psych.post(f"{api_record(clinic)}/protocols/walking-programme/apply", json={}).get_json()
    plan = api.psych.patch(f"{api_record(clinic)}/activity-plans/{walking['activity_plan_id']}",
                           json={"version": 1, "increment": 2, "increment_every": "week"})
    assert plan.status_code == 200 and plan.get_json()["increment_every"] == "week"


@pytest.mark.parametrize("body", [
    {"reason": "x", "patient_id": 1},
    {"reason": "x" * (protocols.REASON_LENGTH + 1)},
    {"reason": 7},
])
def test_applying_refuses_bad_input_with_422(app, api, clinic, body):
    before = created_counts(app, clinic.record_a.id)
    response = api.physician.post(f"{api_record(clinic)}/protocols/micro-pacing/apply", json=body)
    assert response.status_code == 422 and response.get_json()["errors"]
    assert created_counts(app, clinic.record_a.id) == before


def test_applying_an_unknown_template_is_404(api, clinic):
    assert api.physio.post(f"{api_record(clinic)}/protocols/nothing-here/apply", json={}).status_code == 404


def test_the_record_lists_templates_with_what_the_caller_may_apply_there(api, clinic):
    listed = api.psych.get(f"{api_record(clinic)}/protocols").get_json()
    assert {t["slug"]: t["can_apply"] for t in listed} == {
        "daily-3-step-reset": True, "micro-pacing": True, "precision-warm-up": False,
        "slow-diaphragmatic-breathing": True, "walking-programme": True}


# --- Saving a patient's plan as a template --------------------------------------------------------


@pytest.fixture
def plan_a(app, clinic):
    with app.app_context():
        return add_current_plan(clinic.record_a.id, clinic.physio)


def test_save_a_plan_as_a_template_and_apply_it_to_another_patient(app, api, clinic, plan_a):
    response = api.physio.post(f"{api_record(clinic)}/protocols", json={
        "name": "Desk worker starter", "description": "For people who sit all day.",
        "intervention_ids": [plan_a["pacing"], plan_a["heat"]], "prescription_ids": [plan_a["bridge"]],
        "activity_plan_id": plan_a["plan"]})
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()
    assert saved["slug"] == "desk-worker-starter" and saved["saved_by"] == "Pat Physio" and not saved["builtin"]
    assert [i["name"] for i in saved["interventions"]] == ["Micro-breaks", "Heat pack"]
    assert saved["interventions"][0]["details"] == "Stand up every 30 minutes."
    [bridge] = saved["exercises"]
    assert bridge["dose_description"] == "3 × 12, hold 5 s, red band, 4×/week"
    assert saved["graded_activity"] == {"activity": "Cycling", "unit": "minutes", "mode": "symptom_guided",
                                        "start_fraction": 0.8, "increment": 2.0, "increment_every": "week",
                                        "goal_value": 40.0, "goal_weeks": 9}
    with app.app_context():
        stored = db.session.scalar(select(ProtocolTemplate).where(ProtocolTemplate.slug == "desk-worker-starter"))
        text = json.dumps(stored.content)
        assert stored.created_by_id == clinic.physio.id
    assert "Alice" not in text and "Dose 2" not in text  # no patient name, no dose reasons
    assert not {key for key in keys_of(stored.content) if key.endswith("id") or key.endswith("_on")}
    assert timeline_of(app, clinic.record_a.id)[-1] == (
        "interventions", "Saved as template Desk worker starter: 2 interventions, 1 exercise, "
                         "1 graded-activity plan", "")

    applied = api.physio.post(f"{api_record(clinic, 'record_b')}/protocols/desk-worker-starter/apply", json={})
    assert applied.status_code == 201, applied.get_json()
    with app.app_context():
        names = db.session.scalars(select(Intervention.name).where(Intervention.patient_id == clinic.record_b.id)
                                   .order_by(Intervention.id)).all()
        dose = db.session.scalar(select(ExerciseDose).join(ExercisePrescription)
                                 .where(ExercisePrescription.patient_id == clinic.record_b.id))
        plan = db.session.scalar(select(GradedActivityPlan)
                                 .where(GradedActivityPlan.patient_id == clinic.record_b.id))
        assert names == ["Micro-breaks", "Heat pack"]
        assert (dose.sets, dose.reps, dose.hold_seconds, dose.load_band, dose.sessions_per_week, dose.reason) == (
            3, 12, 5, "red", 4, "From template Desk worker starter")
        assert (plan.activity, plan.goal_value, plan.goal_date, plan.start_quota) == (
            "Cycling", 40, TODAY + timedelta(weeks=9), None)
    # Patient B's physician may apply it too, but not the exercise in it.
    refused = api.physician_b.post(f"{api_record(clinic, 'record_b')}/protocols/desk-worker-starter/apply",
                                   json={})
    assert refused.status_code == 403
    listed = api.physician.get("/api/v1/protocols").get_json()
    assert listed[-1]["slug"] == "desk-worker-starter" and not listed[-1]["can_apply"]


@pytest.mark.parametrize("who", CLINICIANS)
def test_every_clinician_saves_templates(api, clinic, plan_a, who):
    response = getattr(api, who).post(f"{api_record(clinic)}/protocols", json={
        "name": f"Heat by {who}", "intervention_ids": [plan_a["heat"]]})
    assert response.status_code == 201 and response.get_json()["saved_by"] == getattr(clinic, who).name


@pytest.mark.parametrize("body,field,message", [
    ({"name": "Nothing chosen"}, "_", "Choose at least one"),
    ({"name": "  ", "intervention_ids": ["heat"]}, "name", "Write something here"),  # blank required text: the shared text rule (issue 15)
    ({"name": "micro-PACING", "intervention_ids": ["heat"]}, "name", "There is a template with this name"),
    ({"name": "Clam", "prescription_ids": ["ended"]}, "prescription_ids", "Clam has ended"),
    ({"name": "TENS", "intervention_ids": ["stopped"]}, "intervention_ids", "TENS was stopped"),
    ({"name": "x", "description": "d" * 2001, "intervention_ids": ["heat"]}, "description", "2000"),
    ({"name": "x", "intervention_ids": ["heat"], "notes": "no"}, "notes", "Unknown field"),
    ({"name": "x", "intervention_ids": ["heat"], "patient_id": 1}, "patient_id", "Unknown field"),
    ({"name": "x", "intervention_ids": "heat"}, "intervention_ids", "Not a valid list"),
])
def test_saving_refuses_bad_input_with_422(app, api, clinic, plan_a, body, field, message):
    body = {key: [plan_a[v] for v in value] if key.endswith("_ids") and isinstance(value, list) else value
            for key, value in body.items()}
    before = created_counts(app, clinic.record_a.id)
    response = api.physio.post(f"{api_record(clinic)}/protocols", json=body)
    assert response.status_code == 422, response.get_json()
    assert message in " ".join(response.get_json()["errors"][field])
    assert created_counts(app, clinic.record_a.id) == before


def test_saving_another_patients_items_is_404(app, api, clinic, plan_a):
    with app.app_context():
        theirs = intervention(clinic.record_b.id, clinic.physio.id, "Their heat")
        db.session.commit()
        theirs_id = theirs.id
    for body in ({"intervention_ids": [plan_a["heat"], theirs_id]}, {"activity_plan_id": 987654}):
        response = api.physio.post(f"{api_record(clinic)}/protocols", json={"name": "Mixed", **body})
        assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProtocolTemplate)) == 0


def test_slug_collisions_get_a_number(api, clinic, plan_a):
    def save(name: str) -> str:
        response = api.physio.post(f"{api_record(clinic)}/protocols",
                                   json={"name": name, "intervention_ids": [plan_a["heat"]]})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["slug"]

    assert [save("Warm up"), save("Warm-up!"), save("WARM UP?"), save("Micro pacing")] == [
        "warm-up", "warm-up-2", "warm-up-3", "micro-pacing-2"]
    assert api.physician.get("/api/v1/protocols/warm-up-2").get_json()["name"] == "Warm-up!"


def test_a_slug_taken_by_a_concurrent_save_is_counted_again(app, ctx, clinic, plan_a, monkeypatch):
    add_saved_template(clinic.physician.id, "Someone else's", "warm-up")
    real = protocols.saving._taken_slugs
    calls = []

    def blind_first(base):  # the first count misses the row another clinician just saved
        calls.append(base)
        return set() if len(calls) == 1 else real(base)

    monkeypatch.setattr(protocols.saving, "_taken_slugs", blind_first)  # where _insert looks it up
    physio = db.session.get(type(clinic.physio), clinic.physio.id)
    saved = protocols.save_as_template(physio, clinic.record_a.id, "Warm up", "",
                                       protocols.Selection([plan_a["heat"]]))
    assert saved.template.slug == "warm-up-2" and calls == ["warm-up", "warm-up"]


def test_services_refuse_patients_templates_with_403(app, ctx, clinic):
    patient = db.session.get(type(clinic.patient_a), clinic.patient_a.id)
    with pytest.raises(Forbidden):
        protocols.apply(patient, clinic.record_a.id, "micro-pacing")
    with pytest.raises(Forbidden):
        protocols.list_templates(patient)


# --- Pages --------------------------------------------------------------------------------------


def test_only_the_team_s_clinicians_see_the_templates_tab(clinic, login_as):
    tab = f'href="{record(clinic)}/protocols"'
    for who in CLINICIANS:
        assert tab in login_as(getattr(clinic, who)).get(record(clinic)).get_data(as_text=True), who
    patient_page = login_as(clinic.patient_a).get(record(clinic))
    assert patient_page.status_code == 200 and tab not in patient_page.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("patient_a", 403), *((o, 404) for o in OUTSIDERS)])
def test_the_templates_tab_refuses_others(clinic, login_as, who, status):
    client = login_as(getattr(clinic, who))
    assert client.get(f"{record(clinic)}/protocols").status_code == status
    assert client.get(f"{record(clinic)}/protocols/micro-pacing/apply").status_code == status
    assert client.post(f"{record(clinic)}/protocols/micro-pacing/apply").status_code == status


def test_the_templates_tab_says_what_the_viewer_may_apply_and_offers_the_current_plan(clinic, login_as, plan_a):
    html = login_as(clinic.physician).get(f"{record(clinic)}/protocols").get_data(as_text=True)
    for slug in ("daily-3-step-reset", "micro-pacing", "slow-diaphragmatic-breathing"):
        assert f'{record(clinic)}/protocols/{slug}/apply"' in html
    for slug in ("precision-warm-up", "walking-programme"):
        assert f'{record(clinic)}/protocols/{slug}/apply"' not in html
    assert "Only a physiotherapist can apply this: it creates exercises with doses." in html
    assert "Only a physiotherapist or a psychologist can apply this" in html
    offered = re.findall(r'<label class="choice-option"><input type="(\w+)" name="(\w+)" value="(\d+)"', html)
    assert offered == [
        ("checkbox", "intervention_ids", str(plan_a["heat"])),
        ("checkbox", "intervention_ids", str(plan_a["pacing"])),
        ("checkbox", "prescription_ids", str(plan_a["bridge"])),
        ("radio", "activity_plan_id", "0"),
        ("radio", "activity_plan_id", str(plan_a["plan"])),
    ]


def test_the_apply_page_shows_exactly_what_will_be_created(clinic, login_as):
    client = login_as(clinic.physio)
    html = client.get(f"{record(clinic)}/protocols/precision-warm-up/apply").get_data(as_text=True)
    assert "This adds 3 exercises to the record, starting today (11 Mar 2026), in this order:" in html
    assert html.index("Pelvic tilts") < html.index("Cat-camel") < html.index("Bridge")
    assert "First dose from 11 Mar 2026, with the reason “From template Precision warm-up”" in html
    assert ">Apply template</button>" in html
    walking = client.get(f"{record(clinic)}/protocols/walking-programme/apply").get_data(as_text=True)
    assert "Goal date 6 May 2026." in walking
    reset = client.get(f"{record(clinic)}/protocols/daily-3-step-reset/apply").get_data(as_text=True)
    assert "introduced by physiotherapist" in reset
    assert reset.index("Release") < reset.index("Moist heat") < reset.index(">Stretch<")


def test_the_apply_page_tells_who_may_not_apply_and_offers_no_button(app, clinic, login_as):
    client = login_as(clinic.physician)
    page = client.get(f"{record(clinic)}/protocols/precision-warm-up/apply")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and ">Apply template</button>" not in html
    assert "Only a physiotherapist can apply this" in html
    before = created_counts(app, clinic.record_a.id)
    assert client.post(f"{record(clinic)}/protocols/precision-warm-up/apply").status_code == 403
    assert created_counts(app, clinic.record_a.id) == before


def test_applying_on_the_page_goes_to_where_it_is_edited(app, clinic, login_as):
    client = login_as(clinic.physio)
    response = client.post(f"{record(clinic)}/protocols/precision-warm-up/apply", data={"reason": "Warm-up first"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{record(clinic)}/exercises")
    programme = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Template applied: 3 exercises added" in programme
    assert "From template Precision warm-up: Warm-up first" in programme
    walking = client.post(f"{record(clinic)}/protocols/walking-programme/apply", data={})
    assert walking.headers["Location"].endswith(f"{record(clinic)}/activity")
    reset = client.post(f"{record(clinic)}/protocols/daily-3-step-reset/apply", data={})
    assert reset.headers["Location"].endswith(f"{record(clinic)}/interventions")


def test_a_too_long_reason_comes_back_with_422_and_the_input_kept(app, clinic, login_as):
    before = created_counts(app, clinic.record_a.id)
    reason = "because " * 130
    response = login_as(clinic.physio).post(f"{record(clinic)}/protocols/micro-pacing/apply",
                                            data={"reason": reason})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert reason.strip() in html and "field-error" in html
    assert created_counts(app, clinic.record_a.id) == before


def test_saving_on_the_page(app, clinic, login_as, plan_a):
    client = login_as(clinic.psych)
    response = client.post(f"{record(clinic)}/protocols/save", data={
        "name": "Heat and pacing", "description": "Evenings.",
        "intervention_ids": [plan_a["heat"], plan_a["pacing"]], "activity_plan_id": "0"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/protocols/heat-and-pacing")
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Template saved." in html and "Saved by Dr. Sam Psych, 11 Mar 2026" in html
    assert html.index("Heat pack") < html.index("Micro-breaks")


@pytest.mark.parametrize("data,message", [
    ({"name": "", "description": "Kept text"}, "Give the template a name."),
    ({"name": "Micro-pacing", "description": "Kept text"}, "There is a template with this name already."),
    ({"name": "Nothing ticked", "description": "Kept text", "intervention_ids": []}, "Choose at least one"),
    ({"name": "Bad id", "description": "Kept text", "activity_plan_id": "many"}, "could not coerce"),
])
def test_the_save_form_comes_back_with_422_and_the_input_kept(app, clinic, login_as, plan_a, data, message):
    data = {"intervention_ids": [plan_a["pacing"]], **data}
    response = login_as(clinic.physio).post(f"{record(clinic)}/protocols/save", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html and "Kept text" in html
    if data["intervention_ids"]:
        assert f'value="{plan_a["pacing"]}" checked' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProtocolTemplate)) == 0


# --- Query counts ---------------------------------------------------------------------------------


def test_the_library_costs_the_same_however_many_templates_are_saved(app, api, clinic, count_queries):
    def queries() -> int:
        with count_queries() as statements:
            assert api.physio.get("/api/v1/protocols").status_code == 200
        return len(statements)

    with app.app_context():
        add_saved_template(clinic.physio.id, "One", "one")
    queries()  # the first request also records the token's use
    one = queries()
    with app.app_context():
        for n in range(5):
            add_saved_template(clinic.psych.id if n % 2 else clinic.physician.id, f"More {n}", f"more-{n}")
    assert queries() == one


def test_the_templates_tab_costs_the_same_however_big_the_plan(app, clinic, login_as, count_queries):
    client = login_as(clinic.physio)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"{record(clinic)}/protocols").status_code == 200
        return len(statements)

    with app.app_context():
        add_current_plan(clinic.record_a.id, clinic.physio)
    small = queries()
    with app.app_context():
        for n in range(4):
            add_prescription(clinic.record_a.id, clinic.physio, name=f"Extra {n}", started_on=date(2026, 2, 2))
            intervention(clinic.record_a.id, clinic.physio.id, f"Extra {n}", started_on=date(2026, 2, 2))
        db.session.commit()
        add_saved_template(clinic.physio.id, "Saved", "saved", graded_activity=ACTIVITY)
    assert queries() == small


# --- Applying a template twice ------------------------------------------------------------------


def test_applying_a_template_again_needs_saying_so_in_the_api(app, api, clinic):
    url = f"{api_record(clinic)}/protocols/micro-pacing/apply"
    assert api.physio.post(url, json={}).status_code == 201
    after_first = created_counts(app, clinic.record_a.id)
    refused = api.physician.post(url, json={"reason": "Again?"})
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["again"][0]
    assert "Micro-pacing was applied to this record on" in message and "by Pat Physio" in message
    assert created_counts(app, clinic.record_a.id) == after_first  # nothing doubled
    assert api.physician.post(url, json={"again": True}).status_code == 201
    assert created_counts(app, clinic.record_a.id)["interventions"] == 2 * after_first["interventions"]


def test_another_patient_or_template_is_not_an_earlier_apply(api, clinic):
    assert api.physio.post(f"{api_record(clinic)}/protocols/micro-pacing/apply", json={}).status_code == 201
    assert api.physio.post(f"{api_record(clinic)}/protocols/daily-3-step-reset/apply", json={}).status_code == 201
    assert api.physio.post(f"{api_record(clinic, 'record_b')}/protocols/micro-pacing/apply", json={}).status_code == 201


def test_the_page_warns_and_asks_before_applying_again(app, clinic, login_as):
    client = login_as(clinic.physio)
    url = f"{record(clinic)}/protocols/micro-pacing/apply"
    first = client.get(url).get_data(as_text=True)
    assert "Already applied" not in first and 'name="again"' not in first
    assert client.post(url, data={}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Already applied" in page and "by Pat Physio" in page and 'name="again"' in page
    before = created_counts(app, clinic.record_a.id)
    refused = client.post(url, data={"reason": "Second round"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "Applying it again adds its items a second time" in html
    assert 'value="Second round"' in html and created_counts(app, clinic.record_a.id) == before
    assert client.post(url, data={"reason": "Second round", "again": "y"}).status_code == 302
    assert created_counts(app, clinic.record_a.id)["interventions"] > before["interventions"]
