"""Before-and-after values of the remaining changes: interventions, exposure items, graded-activity
plans and quota decisions, questions, appointments and check-in edits; each read back from the
timeline by those who may read the part, and never by others."""

from __future__ import annotations

from datetime import timedelta

from careteam.domain.policy import Part
from careteam.models import Appointment
from careteam.extensions import db
from careteam.services import clock
from tests.support.activity import add_plan, add_started_plan
from tests.support.exposure import add_item
from tests.support.notes import add_question
from tests.support.checkins import LAST_WEEK, today  # noqa: F401 - fixture
from tests.test_alerts import raise_flags  # noqa: F401 - fixture
from tests.test_change_values import last_change, timeline_changes
from tests.test_checkins import full_form, week_rows  # noqa: F401 - fixture
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


def test_a_checkin_edit_keeps_the_changed_numbers_but_never_the_free_text(app, api, clinic, login_as,
                                                                         today, week_rows):  # noqa: F811
    client = login_as(clinic.patient_a)
    page = f"/patients/{clinic.record_a.id}/check-ins/{LAST_WEEK.isoformat()}"
    assert client.post(page, data=full_form(week_rows)).status_code == 302
    assert last_change(app, clinic, "weekly_checkin").changes is None  # a creation has no before
    edited = full_form(week_rows, pain_average="5", did_not_help="Sitting at my desk all day")
    assert client.post(page, data=edited).status_code == 302
    changes = last_change(app, clinic, "weekly_checkin").changes
    assert changes == {"pain_average": [4, 5]}  # the changed free text stays out
    for who in READERS:
        assert changes in timeline_changes(api, clinic, who)


def test_the_timeline_shows_no_before_and_after_of_a_part_the_reader_may_not_read(app, api, clinic):
    from tests.support.notes import add_note

    iid = _intervention(app, clinic)
    with app.app_context():
        note = add_note(clinic.record_a.id, clinic.psych, "psychologists", "Private session content.")
    assert api.psych.post(f"/api/v1/patients/{clinic.record_a.id}/notes/{note}/void",
                          json={"reason": "Wrong record"}).status_code == 200
    assert api.physician.patch(intervention_url(clinic, f"/{iid}"),
                               json={"version": 1, "name": "Moist heat"}).status_code == 200
    for who in ("physician", "physio", "patient_a"):
        body = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
        parts = {c["part"] for c in body["changes"]}
        assert "interventions" in parts and Part.NOTES_PSYCHOLOGISTS.value not in parts
        assert {"voided": [False, True]} not in [c["changes"] for c in body["changes"]]
    for outsider in ("patient_b", "outside_psych"):
        assert getattr(api, outsider).get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").status_code == 404


def test_starting_a_plan_and_the_next_day_answer_keep_before_and_after(app, api, clinic):
    from tests.test_graded_activity import log_yesterday

    with app.app_context():
        ready = add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15))
    plans = f"/api/v1/patients/{clinic.record_a.id}/activity-plans"
    response = api.physio.post(f"{plans}/{ready}/start", json={"version": 1})
    assert response.status_code == 200, response.get_json()
    assert last_change(app, clinic, "graded_activity_plan").changes == {
        "started_on": [None, clock.today().isoformat()], "start_quota": [None, 12]}
    with app.app_context():
        started = add_started_plan(clinic.record_a.id, clinic.physio.id)
    log_id = log_yesterday(api, clinic, started)
    answered = api.patient_a.post(f"{plans}/{started}/logs/{log_id}/next-day", json={"response": "yes"})
    assert answered.status_code == 200, answered.get_json()
    changes = last_change(app, clinic, "activity_log").changes
    assert changes == {"next_day_response": [None, "yes"]}
    assert changes in timeline_changes(api, clinic, "physician")


def test_acknowledging_an_alert_keeps_that_it_was_acknowledged_not_the_note(app, api, clinic, today,  # noqa: F811
                                                                           raise_flags):  # noqa: F811
    alert_id = raise_flags("patient_a", clinic.record_a.id, "saddle_numbness")
    response = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/alerts/{alert_id}/acknowledge",
                                  json={"note": "Called the patient"})
    assert response.status_code == 200, response.get_json()
    assert last_change(app, clinic, "red_flag_alert").changes == {"acknowledged": [False, True]}
    assert {"acknowledged": [False, True]} in timeline_changes(api, clinic, "patient_a")


def test_care_team_changes_keep_who_joined_and_who_left(app, api, clinic):
    team = f"/api/v1/patients/{clinic.record_a.id}/team"
    joined = api.admin.post(team, json={"clinician_id": clinic.outside_psych.id})
    assert joined.status_code == 201, joined.get_json()
    added = last_change(app, clinic, "care_team_member")
    assert (added.object_id, added.changes) == (clinic.outside_psych.id, {"on_team": [False, True]})
    assert api.admin.delete(f"{team}/{clinic.outside_psych.id}").status_code == 204
    removed = last_change(app, clinic, "care_team_member")
    assert (removed.summary, removed.changes) == (f"{clinic.outside_psych.name} left the care team",
                                                  {"on_team": [True, False]})
    for who in READERS:
        assert {"on_team": [True, False]} in timeline_changes(api, clinic, who)


def test_the_dashboard_page_shows_yes_and_no_for_a_change_of_state(app, api, clinic, login_as):
    with app.app_context():
        qid = add_question(clinic.record_a.id, clinic.patient_a, "Can I go swimming?")
    assert api.physio.post(f"/api/v1/patients/{clinic.record_a.id}/questions/{qid}/answer",
                           json={"answer": "Yes."}).status_code == 200
    page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "<dt>answered</dt><dd>no → yes</dd>" in page


def test_a_reorder_and_an_automatic_mastery_keep_before_and_after(app, api, clinic):
    with app.app_context():
        first = add_item(clinic.record_a.id, clinic.psych, 30, description="Carry the shopping")
        second = add_item(clinic.record_a.id, clinic.psych, 60, description="Lift a box")
    base = f"/api/v1/patients/{clinic.record_a.id}"
    assert api.psych.put(f"{base}/exposure-order", json={"item_ids": [second, first]}).status_code == 200
    order = last_change(app, clinic, "exposure_hierarchy").changes
    assert order == {"order": [[first, second], [second, first]]}
    for who in READERS:
        assert order in timeline_changes(api, clinic, who)

    attempt = {"attempted_on": (clock.today() - timedelta(days=1)).isoformat(), "expectancy_before": 40,
               "feared_outcome_occurred": False, "expectancy_after": 10}
    for _ in range(2):  # two attempts in a row at or below the threshold: mastered without a clinician
        response = api.patient_a.post(f"{base}/exposure-items/{first}/attempts", json=attempt)
        assert response.status_code == 201, response.get_json()
    mastered = last_change(app, clinic, "exposure_item").changes
    assert mastered["mastered"] == [False, True] and mastered["mastered_at"][0] is None
    assert mastered in timeline_changes(api, clinic, "physio")
    response = api.patient_a.post(f"{base}/exposure-items/{first}/attempts", json={**attempt, "expectancy_after": 70})
    assert response.status_code == 201
    lifted = last_change(app, clinic, "exposure_item").changes
    assert lifted["mastered"] == [True, False] and lifted["mastered_at"][1] is None


def test_a_checkin_edit_keeps_its_ratings_goal_scores_and_session_counts_before_and_after(
        app, api, clinic, login_as, today, week_rows):  # noqa: F811
    client = login_as(clinic.patient_a)
    page = f"/patients/{clinic.record_a.id}/check-ins/{LAST_WEEK.isoformat()}"
    assert client.post(page, data=full_form(week_rows)).status_code == 302
    heat, walks, sit = week_rows["heat"], week_rows["walks"], week_rows["sit"]
    edited = full_form(week_rows, **{f"rating_{heat}": "1", f"days_used_{heat}": "3", f"rating_{walks}": "",
                                     f"goal_score_{sit}": "7"})
    assert client.post(page, data=edited).status_code == 302
    changes = last_change(app, clinic, "weekly_checkin").changes
    assert changes == {
        f"rating: Heat pack (#{heat})": [2, 1],
        f"days used: Heat pack (#{heat})": [5, 3],
        f"rating: Short walks (#{walks})": [-1, None],  # the rating was taken back
        f"goal score: Sit through a 2-hour meeting (#{sit})": [6, 7],
    }
    for who in READERS:
        assert changes in timeline_changes(api, clinic, who)

    url = f"/api/v1/patients/{clinic.record_a.id}/checkins/{LAST_WEEK.isoformat()}"
    sent = api.patient_a.get(url).get_json()
    body = {k: v for k, v in sent.items() if k in {
        "pain_average", "pain_worst", "enjoyment_interference", "activity_interference", "sleep_hours",
        "sleep_quality", "stress", "mood", "red_flags", "helped_most", "did_not_help"}}
    body["ratings"] = [{"intervention_id": heat, "rating": 1, "days_used": 3}]
    body["goal_scores"] = [{"goal_id": sit, "score": 7}]
    body["exercise_counts"] = [{"prescription_id": week_rows["bridge"], "sessions_done": 2}]
    response = api.patient_a.put(url, json=body)
    assert response.status_code == 200, response.get_json()
    body["exercise_counts"] = [{"prescription_id": week_rows["bridge"], "sessions_done": 3}]
    assert api.patient_a.put(url, json=body).status_code == 200
    assert last_change(app, clinic, "weekly_checkin").changes == {f"sessions: Bridge (#{week_rows['bridge']})": [2, 3]}
