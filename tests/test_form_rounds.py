"""Every form reports all its problems in one round (issue 14, item 6): a form whose own checks
fail still runs the service's rules on what it could read, so nobody fixes one message, submits,
and meets the next."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.test_exercises import bridge, dose_form, doses_of, fixed_clock, page  # noqa: F401 - fixtures


def _error_fields(html: str) -> set[str]:
    return set(re.findall(r'id="([a-z_-]+)-error"', html))


def test_the_dose_form_shows_the_reason_and_the_numbers_at_once(app, clinic, login_as, bridge):
    # The round seen in the walk-through: a missing reason first, the numbers only after fixing it.
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/dose", data=dose_form(
        reason="", sets="0", reps="500", load_kg="4", effective_from="2026-03-01"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the dose is set or changed." in html
    assert "The number of sets must be between 1 and 20." in html
    assert "The number of repetitions must be between" in html
    assert "Give the load in kg or as a band, not both." in html
    assert "cannot start before the current one" in html
    assert _error_fields(html) >= {"reason", "sets", "reps", "load_band", "effective_from"}
    assert len(doses_of(app, bridge)) == 1


def test_a_field_the_form_could_not_read_gets_one_message_not_two(clinic, login_as, bridge):
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/dose",
                                            data=dose_form(reps="many", reason="", sets="99"))
    html = response.get_data(as_text=True)
    assert "Not a valid integer value." in html and "Enter the number of repetitions" not in html
    assert "Say why the dose is set or changed." in html and "must be between 1 and 20" in html


def test_the_new_exercise_form_shows_name_and_dose_problems_at_once(clinic, login_as):
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/new", data={
        **dose_form(sessions_per_week="30", reason=""), "name": "", "side": "left"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name the exercise." in html and "Say why the dose is set or changed." in html
    assert "sessions per week must be between" in html.lower()


def test_the_end_form_shows_the_date_and_the_reason_at_once(clinic, login_as, bridge):
    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/end", data={
        "end-based_on_version": "1", "end-ended_on": "2026-03-20", "end-reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the exercise ends." in html and "cannot end in the future" in html


def test_the_goal_form_shows_the_activity_and_the_target_at_once(clinic, login_as):
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/goals/new", data={
        "activity": "", "baseline_score": "6", "target_score": "3", "target_date": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe the activity." in html and "cannot be below the baseline" in html


def test_the_activity_plan_form_shows_the_name_and_the_amounts_at_once(clinic, login_as):
    response = login_as(clinic.physio).post(f"/patients/{clinic.record_a.id}/activity/new", data={
        "activity": "", "unit": "minutes", "mode": "time_contingent", "start_percent": "80", "increment": "30",
        "increment_every": "week", "goal_value": "20", "goal_date": "2026-01-01"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name the activity." in html and "Make the increment smaller than the goal." in html
    assert "The goal date cannot be in the past." in html


def test_the_exposure_attempt_form_shows_a_future_date_with_the_missing_answers(app, clinic, login_as):
    from datetime import timedelta

    from careteam.services import clock
    from tests.support.exposure import add_item

    with app.app_context():
        item_id = add_item(clinic.record_a.id, clinic.psych, 70)
    tomorrow = clock.today() + timedelta(days=1)
    response = login_as(clinic.patient_a).post(
        f"/patients/{clinic.record_a.id}/exposure/items/{item_id}/attempts",
        data={"attempted_on": tomorrow.isoformat(), "expectancy_before": "", "expectancy_after": "30"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The date cannot be in the future." in html
    assert "Enter a number from 0 to 100." in html and "Say whether the feared outcome happened." in html


def _heat_pack(app, clinic, started_on):
    from careteam.extensions import db
    from tests.support.ledger import intervention

    with app.app_context():
        made = intervention(clinic.record_a.id, clinic.physio.id, started_on=started_on)
        db.session.commit()
        return made.id, made.version


def test_the_intervention_forms_show_stop_date_problems_with_the_others(app, clinic, login_as):
    from datetime import timedelta

    from careteam.services import clock

    today = clock.today()
    iid, version = _heat_pack(app, clinic, today - timedelta(days=10))
    client = login_as(clinic.physio)
    stop = client.post(f"/patients/{clinic.record_a.id}/interventions/{iid}/stop",
                       data={"stopped_on": (today + timedelta(days=2)).isoformat(), "reason": ""})
    html = stop.get_data(as_text=True)
    assert stop.status_code == 422
    assert "Say why it was stopped." in html and "The stop date cannot be in the future." in html
    edit = client.post(f"/patients/{clinic.record_a.id}/interventions/{iid}/edit", data={
        "name": "", "tier": "immediate_relief", "kind": "heat_or_cold", "details": "",
        "started_on": (today - timedelta(days=10)).isoformat(),
        "stopped_on": (today - timedelta(days=20)).isoformat(), "version": str(version)})
    html = edit.get_data(as_text=True)
    assert edit.status_code == 422
    assert "Give it a name." in html and "The stop date cannot be before the start date." in html


def test_the_flare_plan_form_asks_for_the_reason_with_the_missing_texts(api, clinic, login_as):
    plan = {"early_warning_signs": "Stiff mornings", "minimum_activity": "Walk 5 minutes twice a day",
            "return_to_plan": "Half doses for three days", "seek_help": "Red flags: call us"}
    url = f"/api/v1/patients/{clinic.record_a.id}/flare-plan"
    assert api.physio.put(url, json={"based_on_version": 0, "tool_ids": [], **plan}).status_code in (200, 201)
    response = login_as(clinic.physio).post(f"/patients/{clinic.record_a.id}/flare-plan/edit", data={
        "based_on_version": "1", **plan, "minimum_activity": "", "reason": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why the plan changes" in html and 'id="minimum_activity-error"' in html
    api_answer = api.physio.put(url, json={"based_on_version": 1, "tool_ids": [], **plan, "seek_help": "",
                                           "reason": ""})
    assert api_answer.status_code == 422 and {"seek_help", "reason"} <= set(api_answer.get_json()["errors"])


def _goal(app, clinic) -> int:
    from tests.support.checkins import goal

    with app.app_context():
        return goal(clinic.record_a.id, clinic.physician.id, "Carry the shopping home")


def test_the_goal_edit_form_shows_the_activity_and_the_target_at_once(app, clinic, login_as):
    goal_id = _goal(app, clinic)
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/goals/{goal_id}/edit", data={
        "version": "1", "activity": "", "baseline_score": "6", "target_score": "3", "target_date": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Describe the activity." in html and "target" in html.lower()
    assert _error_fields(html) >= {"edit-activity", "edit-target_score"}


def test_the_score_form_shows_the_score_and_the_date_at_once(app, clinic, login_as):
    goal_id = _goal(app, clinic)
    response = login_as(clinic.patient_a).post(f"/patients/{clinic.record_a.id}/goals/{goal_id}/scores", data={
        "score": "11", "scored_on": (date.today() + timedelta(days=30)).isoformat()})  # in range, but ahead
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give a score from 0 to 10." in html and "The date cannot be in the future." in html


def test_the_activity_plan_edit_form_shows_the_name_and_the_amounts_at_once(app, clinic, login_as):
    from tests.support.activity import add_plan

    with app.app_context():
        plan_id = add_plan(clinic.record_a.id, clinic.physio.id)
    response = login_as(clinic.physio).post(f"/patients/{clinic.record_a.id}/activity/{plan_id}/edit", data={
        "edit-version": "1", "edit-activity": "", "edit-unit": "minutes", "edit-mode": "time_contingent",
        "edit-start_percent": "80", "edit-increment": "30", "edit-increment_every": "week",
        "edit-goal_value": "20", "edit-goal_date": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name the activity." in html and "Make the increment smaller than the goal." in html


def test_the_exercise_details_form_shows_the_name_and_the_instructions_at_once(clinic, login_as, bridge):
    from careteam.domain.dosing import INSTRUCTIONS_LENGTH

    response = login_as(clinic.physio).post(f"{page(clinic)}/exercises/{bridge}/edit", data={
        "based_on_version": "1", "name": "", "instructions": "x" * (INSTRUCTIONS_LENGTH + 1), "side": "left",
        "equipment": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Name the exercise." in html and f"Keep the instructions to {INSTRUCTIONS_LENGTH} characters." in html


def test_the_notification_settings_show_the_zone_and_the_time_at_once(clinic, login_as):
    response = login_as(clinic.patient_a).post("/account/notifications", data={
        "timezone": "Mars/Olympus", "checkin_weekday": "6", "checkin_time": "18:000",  # too long for the form
        "next_day_time": "8 am", "digest_time": "07:00"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not a time zone we know" in html and "Use a 24-hour time such as 18:00." in html
    assert _error_fields(html) >= {"timezone", "checkin_time", "next_day_time"}
