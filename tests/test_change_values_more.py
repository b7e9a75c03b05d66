"""Before-and-after values of the remaining changes: interventions, exposure items, graded-activity
plans and quota decisions, questions, appointments and check-in edits; each read back from the
timeline by those who may read the part, and never by others."""

from __future__ import annotations

from datetime import timedelta

from careteam.models import Appointment
from careteam.extensions import db
from careteam.services import clock
from tests.support.activity import add_started_plan
from tests.support.exposure import add_item
from tests.support.notes import add_question
from tests.test_change_values import last_change, timeline_changes
from tests.test_interventions import TODAY, _intervention, url as intervention_url

READERS = ("physician", "physio", "psych", "patient_a")


def test_an_intervention_edit_and_stop_keep_before_and_after(app, api, clinic):
    iid = _intervention(app, clinic)
    edited = api.physician.patch(intervention_url(clinic, f"/{iid}"), json={
        "version": 1, "name": "Moist heat", "tier": "stabilizing_habit", "reason": "Daily now"})
    assert edited.status_code == 200, edited.get_json()
    changes = last_change(app, clinic, "intervention").changes
    assert changes == {"name": ["Heat pack", "Moist heat"], "tier": ["immediate_relief", "stabilizing_habit"]}
    assert changes in timeline_changes(api, clinic, "patient_a")
    stopped = api.physician.post(intervention_url(clinic, f"/{iid}/stop"), json={"reason": "Dizziness"})
    assert stopped.status_code == 200, stopped.get_json()
    assert last_change(app, clinic, "intervention").changes == {"stopped_on": [None, TODAY.isoformat()]}


def test_an_exposure_edit_and_mastery_keep_before_and_after(app, api, clinic):
    with app.app_context():
        item = add_item(clinic.record_a.id, clinic.psych, 40, description="Bend to tie my shoes")
    base = f"/api/v1/patients/{clinic.record_a.id}/exposure-items/{item}"
    assert api.psych.patch(base, json={"version": 1, "fear_rating": 55, "reason": "Re-rated"}).status_code == 200
    changes = last_change(app, clinic, "exposure_item").changes
    assert changes == {"fear_rating": [40, 55]}
    for who in READERS:
        assert changes in timeline_changes(api, clinic, who)
    assert api.psych.post(f"{base}/mastery", json={"mastered": True, "reason": "Daily, no fear"}).status_code == 200
    marked = last_change(app, clinic, "exposure_item").changes
    assert marked["mastered"] == [False, True] and marked["mastered_at"][0] is None
    assert isinstance(marked["mastered_at"][1], str)  # an ISO timestamp, JSON-safe


def test_a_plan_edit_and_a_quota_decision_keep_before_and_after(app, api, clinic):
    with app.app_context():
        plan_id = add_started_plan(clinic.record_a.id, clinic.physio.id)
    plans = f"/api/v1/patients/{clinic.record_a.id}/activity-plans"
    response = api.physio.patch(f"{plans}/{plan_id}", json={"version": 1, "goal_value": 40})
    assert response.status_code == 200, response.get_json()
    changes = last_change(app, clinic, "graded_activity_plan").changes
    assert changes == {"goal_value": [30, 40]}
    assert changes in timeline_changes(api, clinic, "patient_a")
    version = response.get_json()["version"]
    decided = api.physio.post(f"{plans}/{plan_id}/decisions", json={
        "version": version, "action": "override", "quota": 10, "reason": "Bad week at work"})
    assert decided.status_code == 201, decided.get_json()
    assert last_change(app, clinic, "quota_decision").changes == {"quota": [12, 10]}


def test_answering_and_reopening_a_question_keep_whether_it_is_answered_not_its_texts(app, api, clinic):
    with app.app_context():
        qid = add_question(clinic.record_a.id, clinic.patient_a, "Can I go swimming?")
    questions = f"/api/v1/patients/{clinic.record_a.id}/questions/{qid}"
    assert api.physio.post(f"{questions}/answer", json={"answer": "Yes, gently."}).status_code == 200
    assert last_change(app, clinic, "question").changes == {"answered": [False, True]}
    assert api.physio.post(f"{questions}/reopen", json={}).status_code == 200
    assert last_change(app, clinic, "question").changes == {"answered": [True, False]}
    assert {"answered": [True, False]} in timeline_changes(api, clinic, "patient_a")


def test_cancelling_an_appointment_keeps_that_it_was_cancelled(app, api, clinic, login_as):
    client = login_as(clinic.physio)
    tomorrow = clock.today() + timedelta(days=1)
    client.post(f"/patients/{clinic.record_a.id}/appointments",
                data={"day": tomorrow.isoformat(), "at": "09:30", "kind": "follow_up"})
    with app.app_context():
        appointment_id = db.session.scalar(db.select(Appointment.id))
    assert client.post(f"/patients/{clinic.record_a.id}/appointments/{appointment_id}/cancel").status_code == 302
    assert last_change(app, clinic, "appointment").changes == {"cancelled": [False, True]}
