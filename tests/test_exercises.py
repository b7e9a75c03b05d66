"""Exercise prescriptions and doses: access per role, the API, the pages, evidence, query counts.

Only the patient logs sessions and answers the next-day question (policy: L is the patient's);
clinicians read them. Only the physiotherapist prescribes and doses.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from careteam.demo.exercises import add_exercise_history
from careteam.domain.dosing import Advice, Source
from careteam.extensions import db
from careteam.models import (
    AuditEvent,
    ExerciseDose,
    ExercisePrescription,
    ExerciseSession,
    Patient,
    RecordEvent,
    User,
)
from careteam.services import clock, exercises
from tests.support.exercises import add_checkin_count, add_prescription, add_sessions

TODAY = date(2026, 3, 11)  # a Wednesday
NOW = datetime(2026, 3, 11, 10, 42, tzinfo=timezone.utc)
DOSE = {"sets": 3, "reps": 12, "hold_seconds": 0, "load_kg": 4.0, "load_band": "", "rest_seconds": 60,
        "sessions_per_week": 4, "target_effort": 6, "reason": "Tolerating the dose well"}
READERS = ("physio", "physician", "psych", "patient_a")
OUTSIDERS = ("outside_physio", "physician_b", "patient_b", "admin")


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    monkeypatch.setattr(clock, "now", lambda: NOW)


@pytest.fixture
def bridge(app, clinic):
    """Patient A's Bridge: dose 1 (3 × 10, 3×/week) since 2 March, version 1."""
    with app.app_context():
        return add_prescription(clinic.record_a.id, clinic.physio, started_on=date(2026, 3, 2))


def base(clinic) -> str:
    return f"/api/v1/patients/{clinic.record_a.id}"


def page(clinic) -> str:
    return f"/patients/{clinic.record_a.id}"


def doses_of(app, prescription_id: int) -> list[tuple]:
    with app.app_context():
        return [(d.number, d.sets, d.reps, d.load_kg, d.reason, d.changed_by_id, d.changed_at) for d in
                db.session.scalars(select(ExerciseDose).where(ExerciseDose.prescription_id == prescription_id)
                                   .order_by(ExerciseDose.number))]


def version_of(app, prescription_id: int) -> int:
    with app.app_context():
        return db.session.get(ExercisePrescription, prescription_id).version


def timeline_of(app, patient_id: int) -> list[RecordEvent]:
    with app.app_context():
        events = list(db.session.scalars(select(RecordEvent).where(RecordEvent.patient_id == patient_id)
                                         .order_by(RecordEvent.id)))
        db.session.expunge_all()
        return events


# --- Prescribing through the API ------------------------------------------------------------------


def test_physio_prescribes_with_a_first_dose(app, api, clinic):
    response = api.physio.post(f"{base(clinic)}/exercises", json={
        "name": "Bridge", "instructions": "Lift the hips.", "side": "both", "equipment": "Mat", **DOSE,
        "reason": "Starting dose"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["version"] == 1 and body["side"] == "both" and body["started_on"] == "2026-03-11"
    dose = body["current_dose"]
    assert dose["number"] == 1 and dose["changed_by"]["name"] == "Pat Physio"
    assert dose["description"] == "3 × 12, 4 kg, rest 60 s, 4×/week, effort 6/10"
    [event] = timeline_of(app, clinic.record_a.id)
    assert event.summary == "New exercise Bridge: 3 × 12, 4 kg, rest 60 s, 4×/week, effort 6/10"
    assert event.reason == "Starting dose" and event.part == "exercise_doses"


@pytest.mark.parametrize("who", ["physician", "psych", "patient_a"])
def test_only_the_physio_prescribes(api, clinic, who):
    response = getattr(api, who).post(f"{base(clinic)}/exercises", json={"name": "Bridge", **DOSE})
    assert response.status_code == 403


@pytest.mark.parametrize("who", READERS)
def test_the_team_and_the_patient_read_the_programme(api, clinic, bridge, who):
    client = getattr(api, who)
    listed = client.get(f"{base(clinic)}/exercises")
    assert listed.status_code == 200 and [p["id"] for p in listed.get_json()] == [bridge]
    one = client.get(f"{base(clinic)}/exercises/{bridge}").get_json()
    assert one["current_dose"]["description"] == "3 × 10, 3×/week"
    assert [d["number"] for d in client.get(f"{base(clinic)}/exercises/{bridge}/doses").get_json()] == [1]
    assert client.get(f"{base(clinic)}/exercise-sessions").status_code == 200


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404(api, clinic, bridge, who):
    client = getattr(api, who)
    for url in ("/exercises", f"/exercises/{bridge}", f"/exercises/{bridge}/doses", "/exercise-sessions"):
        response = client.get(base(clinic) + url)
        assert response.status_code == 404 and "current" not in response.get_json(), url
    posted = client.post(f"{base(clinic)}/exercises/{bridge}/doses", json={"based_on_version": 1, **DOSE})
    assert posted.status_code == 404


def test_a_prescription_of_another_patient_is_404(app, api, clinic):
    with app.app_context():
        bobs = add_prescription(clinic.record_b.id, clinic.physio)
    assert api.physio.get(f"{base(clinic)}/exercises/{bobs}").status_code == 404
    dose = api.physio.post(f"{base(clinic)}/exercises/{bobs}/doses", json={"based_on_version": 1, **DOSE})
    assert dose.status_code == 404


@pytest.mark.parametrize("method,url,body,unknown", [
    ("post", "/exercises", {"name": "Bridge", **DOSE}, "patient_id"),
    ("patch", "/exercises/{pid}", {"based_on_version": 1, "name": "Glute bridge"}, "version"),
    ("post", "/exercises/{pid}/doses", {"based_on_version": 1, **DOSE}, "changed_by"),
    ("post", "/exercises/{pid}/end", {"based_on_version": 1, "reason": "Done"}, "ended_at"),
    ("post", "/exercise-sessions", {"prescription_id": 1, "sets_done": 3, "reps_done": 10}, "logged_by"),
    ("post", "/exercise-sessions/1/next-day", {"response": "yes"}, "responded_at"),
])
def test_unknown_fields_are_422(api, clinic, bridge, method, url, body, unknown):
    client = api.patient_a if "sessions" in url else api.physio
    response = getattr(client, method)(base(clinic) + url.format(pid=bridge), json={**body, unknown: 1})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [unknown]


@pytest.mark.parametrize("change,field", [
    ({"sets": 0}, "sets"),
    ({"reps": 201}, "reps"),
    ({"load_band": "red"}, "load_band"),  # kg and a band
    ({"sessions_per_week": 22}, "sessions_per_week"),
    ({"target_effort": 11}, "target_effort"),
    ({"reason": " "}, "reason"),
    ({"sets": "3"}, "sets"),  # strings are not numbers
    ({"effective_from": "2026-03-01"}, "effective_from"),  # before the current dose began
])
def test_invalid_doses_are_422_with_a_message_per_field(app, api, clinic, bridge, change, field):
    response = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses",
                               json={"based_on_version": 1, **DOSE, **change})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]
    assert len(doses_of(app, bridge)) == 1 and version_of(app, bridge) == 1


# --- Changing a dose ---------------------------------------------------------------------------------


def test_physio_changes_the_dose(app, api, clinic, bridge):
    response = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses", json={"based_on_version": 1, **DOSE})
    assert response.status_code == 201, response.get_json()
    dose = response.get_json()
    assert dose["number"] == 2 and dose["effective_from"] == "2026-03-11" and dose["reason"] == DOSE["reason"]
    assert dose["changed_at"].startswith("2026-03-11T10:42")
    assert version_of(app, bridge) == 2
    event = timeline_of(app, clinic.record_a.id)[-1]
    assert event.summary == "Dose of Bridge: reps 10 → 12; load none → 4 kg; rest 0 → 60 s; frequency 3 → 4×/week; " \
                            "effort none → 6/10"
    assert event.reason == "Tolerating the dose well" and event.actor_id == clinic.physio.id
    with app.app_context():
        audited = db.session.scalar(select(AuditEvent).where(AuditEvent.patient_id == clinic.record_a.id,
                                                             AuditEvent.object_type == "exercise_dose",
                                                             AuditEvent.action == "create"))
        assert audited.user_id == clinic.physio.id and audited.detail is None


@pytest.mark.parametrize("who", ["physician", "psych", "patient_a"])
def test_only_the_physio_changes_doses(app, api, clinic, bridge, who):
    response = getattr(api, who).post(f"{base(clinic)}/exercises/{bridge}/doses",
                                      json={"based_on_version": 1, **DOSE})
    assert response.status_code == 403
    assert len(doses_of(app, bridge)) == 1


def test_a_stale_version_is_409_with_the_current_prescription(app, api, clinic, bridge):
    first = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses", json={"based_on_version": 1, **DOSE})
    assert first.status_code == 201
    stale = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses",
                            json={"based_on_version": 1, **DOSE, "reps": 15, "reason": "Mine"})
    assert stale.status_code == 409
    current = stale.get_json()["current"]
    assert current["version"] == 2 and current["current_dose"]["number"] == 2
    assert current["current_dose"]["reps"] == 12
    assert current["last_change"]["by"] == "Pat Physio"
    assert current["last_change"]["summary"].startswith("Dose of Bridge: reps 10 → 12")
    shown = api.physio.get(f"{base(clinic)}/exercises/{bridge}").get_json()
    assert set(current) - {"last_change"} == set(shown)  # the same shape as a GET
    assert set(current["current_dose"]) == set(shown["current_dose"])
    assert [d[0] for d in doses_of(app, bridge)] == [1, 2] and version_of(app, bridge) == 2


def test_the_dose_history_is_never_rewritten(app, api, clinic, bridge):
    before = doses_of(app, bridge)
    for version, reps in ((1, 12), (2, 14)):
        response = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses",
                                   json={"based_on_version": version, **DOSE, "reps": reps})
        assert response.status_code == 201
    after = doses_of(app, bridge)
    assert after[0] == before[0] and [d[2] for d in after] == [10, 12, 14]
    history = api.physio.get(f"{base(clinic)}/exercises/{bridge}/doses").get_json()
    assert [(d["number"], d["reps"]) for d in history] == [(1, 10), (2, 12), (3, 14)]
    doses_url = f"{base(clinic)}/exercises/{bridge}/doses"
    assert api.physio.delete(doses_url).status_code == 405
    assert api.physio.patch(doses_url, json={}).status_code == 405
    assert api.physio.delete(f"{doses_url}/1").status_code == 404  # no route for one dose
    assert api.physio.delete(f"{base(clinic)}/exercises/{bridge}").status_code == 405


def test_descriptive_fields_change_with_a_version(app, api, clinic, bridge):
    url = f"{base(clinic)}/exercises/{bridge}"
    changed = api.physio.patch(url, json={"based_on_version": 1, "instructions": "Slowly.", "equipment": "Mat"})
    assert changed.status_code == 200 and changed.get_json()["version"] == 2
    assert changed.get_json()["instructions"] == "Slowly." and changed.get_json()["name"] == "Bridge"
    assert timeline_of(app, clinic.record_a.id)[-1].summary == "Bridge: changed instructions, equipment"
    stale = api.physio.patch(url, json={"based_on_version": 1, "name": "Glute bridge"})
    assert stale.status_code == 409 and stale.get_json()["current"]["instructions"] == "Slowly."
    assert api.physician.patch(url, json={"based_on_version": 2, "name": "X"}).status_code == 403
    empty_name = api.physio.patch(url, json={"based_on_version": 2, "name": " "})
    assert empty_name.status_code == 422 and list(empty_name.get_json()["errors"]) == ["name"]


def test_ending_a_prescription(app, api, clinic, bridge):
    url = f"{base(clinic)}/exercises/{bridge}"
    early = api.physio.post(f"{url}/end", json={"based_on_version": 1, "ended_on": "2026-03-01", "reason": "Done"})
    assert early.status_code == 422 and list(early.get_json()["errors"]) == ["ended_on"]
    ended = api.physio.post(f"{url}/end", json={"based_on_version": 1, "reason": "Goal reached"})
    assert ended.status_code == 200 and ended.get_json()["ended_on"] == "2026-03-11"
    assert timeline_of(app, clinic.record_a.id)[-1].reason == "Goal reached"
    again = api.physio.post(f"{url}/doses", json={"based_on_version": 2, **DOSE})
    assert again.status_code == 422 and "ended" in again.get_json()["errors"]["_"][0]
    assert api.physician.post(f"{url}/end", json={"based_on_version": 2, "reason": "x"}).status_code == 403


# --- Sessions and the next-day answer --------------------------------------------------------------


def session_body(pid: int, **change) -> dict:
    return {"prescription_id": pid, "performed_on": "2026-03-11", "sets_done": 3, "reps_done": 10,
            "pain_before": 3, "pain_after": 4, **change}


def test_the_patient_logs_a_session(app, api, clinic, bridge):
    response = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(bridge))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["performed_on"] == "2026-03-11" and body["next_day_response"] is None
    listed = api.physio.get(f"{base(clinic)}/exercise-sessions?prescription_id={bridge}").get_json()
    assert [s["id"] for s in listed] == [body["id"]]


@pytest.mark.parametrize("who", ["physio", "physician", "psych"])
def test_only_the_patient_logs_sessions(api, clinic, bridge, who):
    assert getattr(api, who).post(f"{base(clinic)}/exercise-sessions", json=session_body(bridge)).status_code == 403


@pytest.mark.parametrize("change,field", [
    ({"performed_on": "2026-03-12"}, "performed_on"),  # the future
    ({"performed_on": "2026-03-01"}, "performed_on"),  # before the exercise started
    ({"pain_after": 11}, "pain_after"),
    ({"sets_done": 51}, "sets_done"),
    ({"reps_done": None}, "reps_done"),
])
def test_invalid_sessions_are_422(api, clinic, bridge, change, field):
    response = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(bridge, **change))
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]


def test_sessions_reach_back_seven_days(app, api, clinic):
    with app.app_context():
        pid = add_prescription(clinic.record_a.id, clinic.physio, started_on=date(2026, 2, 1))
    ok = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(pid, performed_on="2026-03-04"))
    late = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(pid, performed_on="2026-03-03"))
    assert ok.status_code == 201 and late.status_code == 422


def test_a_session_is_logged_against_the_dose_in_effect_that_day(app, api, clinic):
    with app.app_context():
        pid = add_prescription(clinic.record_a.id, clinic.physio, {"sets": 3, "reps": 10, "sessions_per_week": 3},
                               {"sets": 3, "reps": 12, "sessions_per_week": 3, "effective_from": date(2026, 3, 9)},
                               started_on=date(2026, 3, 2))
    earlier = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(pid, performed_on="2026-03-06"))
    later = api.patient_a.post(f"{base(clinic)}/exercise-sessions", json=session_body(pid))
    with app.app_context():
        numbers = {s.performed_on: s.dose.number for s in db.session.scalars(
            select(ExerciseSession).where(ExerciseSession.patient_id == clinic.record_a.id))}
    assert earlier.status_code == later.status_code == 201
    assert numbers == {date(2026, 3, 6): 1, TODAY: 2}


def test_next_day_answers(app, api, clinic, bridge):
    with app.app_context():
        yesterday, today = add_sessions(bridge, clinic.patient_a, [(date(2026, 3, 10), 3, 4, None),
                                                                   (TODAY, 3, 4, None)])
    url = f"{base(clinic)}/exercise-sessions/{{}}/next-day"
    assert api.physio.post(url.format(yesterday), json={"response": "yes"}).status_code == 403
    too_early = api.patient_a.post(url.format(today), json={"response": "yes"})
    assert too_early.status_code == 422 and "tomorrow" in too_early.get_json()["errors"]["response"][0]
    assert api.patient_a.post(url.format(yesterday), json={"response": "maybe"}).status_code == 422
    answered = api.patient_a.post(url.format(yesterday), json={"response": "not_yet"})
    assert answered.status_code == 200 and answered.get_json()["next_day_response"] == "not_yet"
    assert api.patient_a.post(url.format(yesterday), json={"response": "yes"}).status_code == 422  # once only
    assert api.patient_a.post(url.format(987654), json={"response": "yes"}).status_code == 404
    assert timeline_of(app, clinic.record_a.id) == []  # only "worse" goes on the timeline


def test_worse_the_next_day_is_flagged_for_the_physio(app, api, clinic, bridge, login_as):
    with app.app_context():
        [session_id] = add_sessions(bridge, clinic.patient_a, [(date(2026, 3, 9), 3, 5, None)])
    response = api.patient_a.post(f"{base(clinic)}/exercise-sessions/{session_id}/next-day",
                                  json={"response": "worse"})
    assert response.status_code == 200
    [event] = timeline_of(app, clinic.record_a.id)
    assert event.summary == "Next day worse after Bridge" and event.object_type == "exercise_session"
    assert event.part == "exercise_doses" and "physiotherapist" in event.reason
    html = login_as(clinic.physio).get(f"{page(clinic)}/exercises/{bridge}/dose").get_data(as_text=True)
    assert "Next day worse" in html and "9 Mar 2026" in html and "Step back" in html


# --- Evidence and bulk loading ----------------------------------------------------------------------


@pytest.fixture
def history(app, clinic):
    """Six weeks of Bridge: dose 2 from 23 Feb; logs, a check-in fallback and a week with nothing."""
    with app.app_context():
        pid = add_prescription(
            clinic.record_a.id, clinic.physio,
            {"sets": 3, "reps": 10, "sessions_per_week": 3},
            {"sets": 3, "reps": 12, "sessions_per_week": 4, "effective_from": date(2026, 2, 23)},
            started_on=date(2026, 2, 2))
        add_sessions(pid, clinic.patient_a, [
            (date(2026, 2, 10), 3, 4, "yes"), (date(2026, 2, 12), 3, 5, "not_yet"),
            (date(2026, 2, 24), 2, 3, "yes"), (date(2026, 2, 26), 4, 6, "worse"), (date(2026, 2, 28), 3, 3, "yes"),
            (date(2026, 3, 3), 2, 2, "yes"), (date(2026, 3, 5), 2, 3, None),
            (date(2026, 3, 10), 1, 2, None),
        ])
        add_checkin_count(clinic.record_a.id, pid, date(2026, 2, 2), 2, clinic.patient_a)
        add_checkin_count(clinic.record_a.id, pid, date(2026, 2, 9), 3, clinic.patient_a)  # logs win
        other = add_prescription(clinic.record_a.id, clinic.physio, name="Squat", started_on=date(2026, 2, 2))
        add_sessions(other, clinic.patient_a, [(date(2026, 2, 17), 9, 9, "worse")])
    return pid


def test_dose_evidence_for_a_known_history(ctx, clinic, history):
    evidence = exercises.dose_evidence(clinic.record_a.id, history)
    rows = [(w.week_start, w.adherence.done, w.adherence.prescribed, w.adherence.source, w.pain_before,
             w.pain_after, w.answers["yes"], w.answers["not_yet"], w.answers["worse"]) for w in evidence.weeks]
    assert rows == [
        (date(2026, 2, 2), 2, 3, Source.CHECK_IN, None, None, 0, 0, 0),
        (date(2026, 2, 9), 2, 3, Source.LOGGED, 3.0, 4.5, 1, 1, 0),
        (date(2026, 2, 16), 0, 3, Source.NONE, None, None, 0, 0, 0),  # the Squat's session does not count
        (date(2026, 2, 23), 3, 4, Source.LOGGED, 3.0, 4.0, 2, 0, 1),
        (date(2026, 3, 2), 2, 4, Source.LOGGED, 2.0, 2.5, 1, 0, 0),
        (date(2026, 3, 9), 1, 4, Source.LOGGED, 1.0, 2.0, 0, 0, 0),
    ]
    assert evidence.weeks[-1].adherence.in_progress
    assert evidence.suggestion.advice == Advice.STEP_BACK  # answers on the current dose: 3 yes, 1 worse
    assert "1 of 4" in evidence.suggestion.explanation
    assert evidence.worse_days == [date(2026, 2, 26)]


def test_current_programme_for_a_period(ctx, clinic, history):
    programme = exercises.current_programme(clinic.record_a.id, date(2026, 2, 16), date(2026, 3, 1))
    bridge = next(i for i in programme.items if i.prescription.id == history)
    assert [(w.week_start, w.done, w.prescribed) for w in bridge.adherence] == [
        (date(2026, 2, 16), 0, 3), (date(2026, 2, 23), 3, 4)]
    assert [(c.dose.number, c.diff) for c in bridge.changes] == [(2, "reps 10 → 12; frequency 3 → 4×/week")]
    assert bridge.answers == {"yes": 2, "not_yet": 0, "worse": 1}
    assert bridge.done_and_prescribed == (3, 7)
    assert bridge.description == "3 × 12, 4×/week"
    assert {i.prescription.name for i in programme.active} == {"Bridge", "Squat"}


def test_current_programme_leaves_out_exercises_outside_the_period(app, ctx, clinic):
    add_prescription(clinic.record_a.id, clinic.physio, name="Old", started_on=date(2026, 1, 5),
                     ended_on=date(2026, 2, 1))
    add_prescription(clinic.record_a.id, clinic.physio, name="Later", started_on=date(2026, 3, 9))
    add_prescription(clinic.record_a.id, clinic.physio, name="Now", started_on=date(2026, 2, 2))
    names = [i.prescription.name for i in exercises.current_programme(clinic.record_a.id, date(2026, 2, 9),
                                                                      date(2026, 3, 1)).items]
    assert names == ["Now"]


def _add_lots(app, clinic, count: int) -> None:
    with app.app_context():
        for n in range(count):
            pid = add_prescription(clinic.record_a.id, clinic.physio,
                                   *({"sets": 3, "reps": 10 + k, "sessions_per_week": 3,
                                      "effective_from": date(2026, 2, 2) + timedelta(days=7 * k)} for k in range(4)),
                                   name=f"Exercise {n}", started_on=date(2026, 2, 2))
            add_sessions(pid, clinic.patient_a, [(date(2026, 2, 2) + timedelta(days=3 * k), 3, 4, "yes")
                                                 for k in range(12)] + [(date(2026, 3, 10), 2, 3, None)])
            add_checkin_count(clinic.record_a.id, pid, date(2026, 2, 16), 3, clinic.patient_a)


def test_current_programme_query_count_does_not_grow(app, clinic, count_queries):
    def load():
        with app.app_context(), count_queries() as statements:
            exercises.current_programme(clinic.record_a.id, date(2026, 2, 1), TODAY)
        return len(statements)

    _add_lots(app, clinic, 1)
    few = load()
    _add_lots(app, clinic, 5)
    assert load() == few == 3


@pytest.mark.parametrize("who,url", [
    ("physio", "/exercises"),
    ("physio", "/exercises/{pid}/dose"),
    ("patient_a", "/today"),
    ("physio", "/api/exercises"),
])
def test_pages_and_api_reads_run_a_fixed_number_of_queries(app, clinic, login_as, count_queries, who, url):
    _add_lots(app, clinic, 1)
    with app.app_context():
        pid = db.session.scalar(select(func.min(ExercisePrescription.id)))
    target = {"/today": "/my-record/today", "/api/exercises": f"/api/v1/patients/{clinic.record_a.id}/exercises"
              }.get(url, page(clinic) + url.format(pid=pid))
    client = login_as(getattr(clinic, who))

    def get() -> int:
        with count_queries() as statements:
            response = client.get(target)
        assert response.status_code == 200
        return len(statements)

    few = get()
    _add_lots(app, clinic, 5)
    assert get() == few


# --- Pages -----------------------------------------------------------------------------------------


def test_the_exercises_tab_shows_the_programme_and_history(app, clinic, login_as, api, bridge):
    api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses", json={"based_on_version": 1, **DOSE})
    html = login_as(clinic.physio).get(f"{page(clinic)}/exercises").get_data(as_text=True)
    assert 'aria-current="page">Exercises</a>' in html
    assert "3 × 12, 4 kg, rest 60 s, 4×/week, effort 6/10" in html  # current
    assert "3 × 10, 3×/week" in html and "Dose 1" in html and "Tolerating the dose well" in html  # history
    assert "Change dose" in html and "New exercise" in html
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.user_id == clinic.physio.id,
                                                          AuditEvent.action == "read",
                                                          AuditEvent.object_type == "exercise_prescription"))


@pytest.mark.parametrize("who", ["physician", "psych", "patient_a"])
def test_readers_see_the_tab_without_dosing_controls(clinic, login_as, bridge, who):
    client = login_as(getattr(clinic, who))
    html = client.get(f"{page(clinic)}/exercises").get_data(as_text=True)
    assert "Bridge" in html and "3 × 10, 3×/week" in html
    assert "Change dose" not in html and "New exercise" not in html
    assert client.get(f"{page(clinic)}/exercises/{bridge}/dose").status_code == 403
    assert client.get(f"{page(clinic)}/exercises/new").status_code == 403
    assert client.get(f"{page(clinic)}/exercises/{bridge}/edit").status_code == 403
    form = {"sets": 3, "reps": 12, "sessions_per_week": 3, "effective_from": "2026-03-11", "reason": "x",
            "based_on_version": 1}
    assert client.post(f"{page(clinic)}/exercises/{bridge}/dose", data=form).status_code == 403


def dose_form(**change) -> dict:
    return {"sets": "3", "reps": "12", "hold_seconds": "0", "load_kg": "", "load_band": "red",
            "rest_seconds": "45", "sessions_per_week": "4", "target_effort": "5", "effective_from": "2026-03-11",
            "reason": "Ready for more", "based_on_version": "1", **change}


def test_dose_form_shows_evidence_beside_the_current_dose(clinic, login_as, history):
    response = login_as(clinic.physio).get(f"{page(clinic)}/exercises/{history}/dose")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "3 × 12, 4×/week" in html and "Current dose" in html
    assert "24-hour rule: Step back" in html
    assert "from the check-in" in html and "nothing logged" in html
    assert re.search(r"3\.0 → 4\.5", html)
    assert 'name="based_on_version" type="hidden" value="2"' in html
    assert 'value="12"' in html  # prefilled from the current dose
    assert re.search(r'<textarea[^>]*name="reason"[^>]*>\s*</textarea>', html)  # the why is new each time
    assert 'name="effective_from" required type="date" value="2026-03-11"' in html


def test_physio_changes_a_dose_through_the_form(app, clinic, login_as, bridge):
    client = login_as(clinic.physio)
    response = client.post(f"{page(clinic)}/exercises/{bridge}/dose", data=dose_form())
    assert response.status_code == 302
    assert client.get(response.headers["Location"]).get_data(as_text=True).count("3 × 12, red band") >= 1
    assert [d[2] for d in doses_of(app, bridge)] == [10, 12] and version_of(app, bridge) == 2


@pytest.mark.parametrize("change,message", [
    ({"sets": "0"}, "The number of sets must be between 1 and 20."),
    ({"load_kg": "4"}, "Give the load in kg or as a band, not both."),
    ({"reason": ""}, "Say why the dose is set or changed."),
    ({"reps": "many"}, "Not a valid integer value."),
])
def test_dose_form_errors_keep_the_input(app, clinic, login_as, bridge, change, message):
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/dose", data=dose_form(**change))
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and message in html
    assert 'value="45"' in html and 'value="red"' in html  # the rest of the input is kept
    assert len(doses_of(app, bridge)) == 1


def test_a_stale_dose_form_comes_back_409_with_the_new_dose_and_the_input_kept(app, api, clinic, login_as, bridge):
    assert api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses",
                           json={"based_on_version": 1, **DOSE}).status_code == 201
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/dose",
                                            data=dose_form(reps="15", reason="My own reason"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert re.search(r"Pat Physio changed this exercise (on \d+ \w+ )?at \d\d:\d\d while you were editing\.", html)
    assert "Their change: Dose of Bridge: reps 10 → 12" in html
    assert "3 × 12, 4 kg, rest 60 s, 4×/week, effort 6/10" in html  # the new current dose
    assert 'value="15"' in html and "My own reason" in html and 'value="red"' in html  # the input
    assert 'name="based_on_version" type="hidden" value="2"' in html  # ready to save on top
    assert len(doses_of(app, bridge)) == 2
    resubmitted = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/dose",
                                               data=dose_form(reps="15", reason="My own reason",
                                                              based_on_version="2"))
    assert resubmitted.status_code == 302 and [d[2] for d in doses_of(app, bridge)] == [10, 12, 15]


def test_new_exercise_form(app, clinic, login_as):
    client = login_as(clinic.physio)
    blank = client.get(f"{page(clinic)}/exercises/new").get_data(as_text=True)
    assert "Starting dose" in blank
    bad = client.post(f"{page(clinic)}/exercises/new", data={**dose_form(), "name": "", "side": "left",
                                                             "equipment": "Band"})
    assert bad.status_code == 422 and "Name the exercise." in bad.get_data(as_text=True)
    assert 'value="Band"' in bad.get_data(as_text=True)
    ok = client.post(f"{page(clinic)}/exercises/new", data={**dose_form(), "name": "Clamshell", "side": "left",
                                                            "equipment": "Band"})
    assert ok.status_code == 302
    with app.app_context():
        made = db.session.scalar(select(ExercisePrescription).where(ExercisePrescription.name == "Clamshell"))
        assert made.side == "left" and made.current_dose.load_band == "red" and made.version == 1


def test_edit_and_end_through_the_pages(app, clinic, login_as, bridge):
    client = login_as(clinic.physio)
    url = f"{page(clinic)}/exercises/{bridge}"
    assert "End this exercise" in client.get(f"{url}/edit").get_data(as_text=True)
    saved = client.post(f"{url}/edit", data={"name": "Glute bridge", "instructions": "", "side": "both",
                                             "equipment": "", "reason": "", "based_on_version": "1"})
    assert saved.status_code == 302 and version_of(app, bridge) == 2
    stale = client.post(f"{url}/end", data={"end-ended_on": "2026-03-11", "end-reason": "Pain-free",
                                            "end-based_on_version": "1"})
    assert stale.status_code == 409 and "Pain-free" in stale.get_data(as_text=True)
    missing = client.post(f"{url}/end", data={"end-ended_on": "2026-03-11", "end-reason": "",
                                              "end-based_on_version": "2"})
    assert missing.status_code == 422
    ended = client.post(f"{url}/end", data={"end-ended_on": "2026-03-11", "end-reason": "Pain-free",
                                            "end-based_on_version": "2"})
    assert ended.status_code == 302
    html = client.get(f"{page(clinic)}/exercises").get_data(as_text=True)
    assert "Ended exercises" in html and "Ended 11 Mar 2026" in html and "Change dose" not in html


# --- The patient's Today page ----------------------------------------------------------------------


def test_today_shows_doses_in_plain_words_and_open_questions(app, clinic, login_as, bridge):
    with app.app_context():
        add_sessions(bridge, clinic.patient_a, [(date(2026, 3, 7), 2, 3, None),  # too long ago to ask
                                                (date(2026, 3, 8), 2, 3, None), (date(2026, 3, 10), 2, 3, "yes"),
                                                (TODAY, 2, 3, None)])
        ended = add_prescription(clinic.record_a.id, clinic.physio, name="Ended one", started_on=date(2026, 3, 2),
                                 ended_on=date(2026, 3, 10))
        add_sessions(ended, clinic.patient_a, [(date(2026, 3, 9), 2, 3, None)])
    response = login_as(clinic.patient_a).get("/my-record/today")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'aria-current="page">Today</a>' in html
    assert "3 sets of 10 repetitions. 3 times a week." in html and "Done today" in html
    assert html.count("Back to your usual level within 24 hours?") == 2  # 8 Mar Bridge, 9 Mar Ended one
    assert "Ended one</strong>" in html and ">Ended one" not in html.split("Your exercises")[1]
    assert 'id="p{0}-sets_done"'.format(bridge) in html and 'value="2026-03-11"' in html


def test_today_is_for_patients(clinic, login_as):
    assert login_as(clinic.physio).get("/my-record/today").status_code == 302


def test_patient_logs_a_session_and_answers_through_the_pages(app, clinic, login_as, bridge):
    with app.app_context():
        [earlier] = add_sessions(bridge, clinic.patient_a, [(date(2026, 3, 10), 2, 3, None)])
    client = login_as(clinic.patient_a)
    url = f"{page(clinic)}/exercises/{bridge}/sessions"
    prefix = f"p{bridge}-"
    bad = client.post(url, data={prefix + "performed_on": "2026-03-12", prefix + "sets_done": "3",
                                 prefix + "reps_done": "9", prefix + "pain_before": "4", prefix + "pain_after": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "That day has not come yet." in html and 'value="9"' in html
    assert re.search(r'<option selected value="4">4</option>', html) and "<details class=\"log\" open>" in html
    ok = client.post(url, data={prefix + "performed_on": "2026-03-11", prefix + "sets_done": "3",
                                prefix + "reps_done": "9", prefix + "pain_before": "4", prefix + "pain_after": "5"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith("/my-record/today")
    answer = client.post(f"{page(clinic)}/exercise-sessions/{earlier}/next-day", data={"response": "worse"})
    assert answer.status_code == 302
    assert "physiotherapist will see it" in client.get("/my-record/today").get_data(as_text=True)
    again = client.post(f"{page(clinic)}/exercise-sessions/{earlier}/next-day", data={"response": "yes"})
    assert again.status_code == 422 and "already answered" in again.get_data(as_text=True)
    with app.app_context():
        logged = db.session.scalars(select(ExerciseSession).where(ExerciseSession.patient_id == clinic.record_a.id)
                                    .order_by(ExerciseSession.id)).all()
        assert [(s.performed_on, s.reps_done, s.pain_after, s.next_day_response) for s in logged] == [
            (date(2026, 3, 10), 10, 3, "worse"), (TODAY, 9, 5, None)]
        assert logged[1].logged_by_id == clinic.patient_a.id


def test_physio_cannot_log_through_the_page(clinic, login_as, bridge):
    prefix = f"p{bridge}-"
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/sessions", data={
        prefix + "performed_on": "2026-03-11", prefix + "sets_done": "3", prefix + "reps_done": "9"})
    assert response.status_code == 403


def test_demo_history_has_three_dose_changes_and_an_open_question(app, ctx, clinic):
    physio, maria = db.session.get(User, clinic.physio.id), db.session.get(User, clinic.patient_a.id)
    add_exercise_history({"physiotherapist": physio, "patient_a": maria},
                         {"patient_a": db.session.get(Patient, clinic.record_a.id)}, TODAY)
    db.session.commit()
    changes = select(func.count()).select_from(ExerciseDose).join(ExercisePrescription).where(
        ExercisePrescription.patient_id == clinic.record_a.id, ExerciseDose.number > 1)
    assert db.session.scalar(changes) == 3
    summaries = db.session.scalars(select(RecordEvent.summary).where(RecordEvent.patient_id == clinic.record_a.id)).all()
    assert summaries.count("Next day worse after Bird dog") == 2
    assert "Dose of Bird dog: reps 8 → 6; hold 5 → 3 s; rest 30 → 45 s; effort 5 → 4/10" in summaries
    today_page = exercises.today(maria, clinic.record_a.id)
    assert len(today_page.items) == 3 and today_page.awaiting_answer


def test_the_openapi_document_describes_the_exercise_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    prefix = "/api/v1/patients/{patient_id}"
    assert set(paths[f"{prefix}/exercises"]) >= {"get", "post"}
    assert set(paths[f"{prefix}/exercises/{{prescription_id}}"]) >= {"get", "patch"}
    assert "409" in paths[f"{prefix}/exercises/{{prescription_id}}/doses"]["post"]["responses"]
    assert "post" in paths[f"{prefix}/exercise-sessions/{{session_id}}/next-day"]
