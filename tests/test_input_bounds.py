"""Ids, text, dates and numbers out of their domain are refused before any query (issue 15).

Runs on SQLite and on PostgreSQL (CARETEAM_TEST_DATABASE_URL): PostgreSQL used to answer 500 to
an id from 2^31 and to a NUL character, SQLite to an id from 2^63.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import FunctionalGoal, Note
from careteam.services import clock

OUT_OF_RANGE = [0, 2**31, 2**63, 2**64, 10**30]
CONTROL = ["a\x00b", "bell\x07", "esc\x1b[31m", "del\x7f", "c1\x85", "\x9f"]


def goal_body(**changes) -> dict:
    return {"activity": "Walk to the bakery", "baseline_score": 3, "target_score": 7, **changes}


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- ids --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [*OUT_OF_RANGE, -1])
def test_an_id_out_of_range_in_a_path_is_404(clinic, login_as, api, value):
    client = login_as(clinic.physician)
    assert client.get(f"/patients/{value}").status_code == 404
    assert client.get(f"/patients/{clinic.record_a.id}/goals/{value}").status_code == 404
    assert api.physician.get(f"/api/v1/patients/{value}/goals").status_code == 404
    assert api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/notes/{value}").status_code == 404
    assert api.admin.get(f"/api/v1/admin/accounts/{value}").status_code == 404


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_id_out_of_range_in_a_body_or_query_is_422_naming_the_field(clinic, api, value):
    patient = clinic.record_a.id
    response = api.physician.post(f"/api/v1/patients/{patient}/team", json={"clinician_id": value})
    assert response.status_code == 422 and "clinician_id" in response.get_json()["errors"]
    response = api.admin.get(f"/api/v1/admin/audit-events?patient_id={value}")
    assert response.status_code == 422 and "patient_id" in response.get_json()["errors"]
    response = api.physio.get(f"/api/v1/patients/{patient}/exercise-sessions?prescription_id={value}")
    assert response.status_code == 422 and "prescription_id" in response.get_json()["errors"]


def test_an_id_in_range_that_names_nothing_is_still_an_ordinary_refusal(clinic, api):
    response = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/team", json={"clinician_id": 2**31 - 1})
    assert response.status_code in (404, 422)


# --- text -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_in_api_text_are_422_naming_the_field_and_nothing_is_stored(app, clinic, api, text):
    before = count(app, Note)
    response = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/notes",
                                  json={"visibility": "clinicians", "body": text})
    assert response.status_code == 422
    assert "body" in response.get_json()["errors"]
    assert count(app, Note) == before


def test_control_characters_in_a_query_string_are_422(clinic, api, login_as):
    response = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/notes?q=a%00b")
    assert response.status_code == 422 and "q" in response.get_json()["errors"]
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/notes?q=a%00b")
    assert page.status_code == 422


@pytest.mark.parametrize("text", CONTROL)
def test_control_characters_in_a_form_are_a_form_error_with_the_input_kept(app, clinic, login_as, text):
    before = count(app, FunctionalGoal)
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/goals/new",
                                               data={**goal_body(activity=f"Walk {text}"), "target_date": ""})
    assert response.status_code == 422
    assert b"Remove the control characters" in response.data
    assert b"Walk " in response.data
    assert count(app, FunctionalGoal) == before


def test_tab_newline_and_carriage_return_are_text(app, clinic, api):
    response = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/notes",
                                  json={"visibility": "clinicians", "body": "line one\r\n\tline two\n"})
    assert response.status_code == 201, response.get_json()


# --- dates and numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("day", ["1900-01-01", "1999-12-31", "2999-01-01"])
def test_goal_dates_outside_the_window_are_refused(clinic, api, login_as, day):
    patient = clinic.record_a.id
    response = api.physician.post(f"/api/v1/patients/{patient}/goals", json=goal_body(target_date=day))
    assert response.status_code == 422 and "target_date" in response.get_json()["errors"]
    page = login_as(clinic.physician).post(f"/patients/{patient}/goals/new", data=goal_body(target_date=day))
    assert page.status_code == 422


def test_a_score_dated_1900_is_refused(clinic, api):
    patient = clinic.record_a.id
    goal = api.physician.post(f"/api/v1/patients/{patient}/goals", json=goal_body()).get_json()
    response = api.physician.post(f"/api/v1/patients/{patient}/goals/{goal['id']}/scores",
                                  json={"score": 5, "scored_on": "1900-01-01"})
    assert response.status_code == 422 and "scored_on" in response.get_json()["errors"]


def test_a_goal_date_within_the_window_is_accepted(clinic, api):
    day = (clock.today() + timedelta(days=365)).isoformat()
    response = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/goals", json=goal_body(target_date=day))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("field, value", [("fear_rating", 101), ("fear_rating", -1), ("expectancy", 10**20)])
def test_exposure_scales_are_bounded_in_the_api(clinic, api, field, value):
    body = {"description": "Bend to pick up a pen", "fear_rating": 50, "expectancy": 60, field: value}
    response = api.psych.post(f"/api/v1/patients/{clinic.record_a.id}/exposure-items", json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


@pytest.mark.parametrize("value", [0, 1, "true", "false", None])
def test_a_boolean_in_a_body_is_json_true_or_false_only(api, clinic, app, value):
    """The fuzzer found 0 accepted as false: 0 == False, so a set of {False} let it through."""
    item = api.psych.post(f"/api/v1/patients/{clinic.record_a.id}/exposure-items", json={
        "description": "Carry the shopping", "fear_rating": 60, "predicted_consequence": "My back gives way",
        "expectancy": 70})
    assert item.status_code == 201, item.get_json()
    response = api.patient_a.post(
        f"/api/v1/patients/{clinic.record_a.id}/exposure-items/{item.get_json()['id']}/attempts",
        json={"attempted_on": "2026-11-30", "expectancy_before": 60, "expectancy_after": 30,
              "feared_outcome_occurred": value})
    assert response.status_code == 422
    assert "feared_outcome_occurred" in response.get_json()["errors"]
