"""Questionnaires end to end: assigning, answering (patient, or a clinician on paper), bad input,
the safety alert and who acknowledges it, measures on the tab, dashboard, summary and lists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import QuestionnaireAnswer, QuestionnaireAssignment, QuestionnaireResponse, RedFlagAlert
from careteam.services import measures
from tests.support import ledger as build

TODAY = date.today()
PHQ9_EXAMPLE = [1, 2, 1, 2, 1, 1, 0, 0, 1]


def responses_url(clinic, patient="record_a"):
    return f"/api/v1/patients/{getattr(clinic, patient).id}/questionnaire-responses"


def assignments_url(clinic, patient="record_a"):
    return f"/api/v1/patients/{getattr(clinic, patient).id}/questionnaire-assignments"


def phq9(values=PHQ9_EXAMPLE):
    return {"instrument": "phq9", "answers": [{"linkId": str(i), "value": v} for i, v in enumerate(values, start=1)]}


def assign(api, clinic, instrument="phq9", **extra):
    response = api.psych.post(assignments_url(clinic), json={"instrument": instrument, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def counts(app):
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model))
                     for model in (QuestionnaireResponse, QuestionnaireAnswer, RedFlagAlert))


def test_instruments_list_definitions_with_items_options_and_licence(api):
    body = api.patient_a.get("/api/v1/instruments").get_json()
    phq = next(i for i in body if i["id"] == "phq9")
    assert phq["version"] == "1" and len(phq["items"]) == 9 and phq["licence"]
    assert phq["items"][8]["linkId"] == "9" and [o["value"] for o in phq["items"][8]["options"]] == [0, 1, 2, 3]
    assert next(i for i in body if i["id"] == "peg")["answered_in"] == "weekly_checkin"


def test_assign_then_the_patient_answers_and_gets_scores_computed(api, clinic, app):
    assigned = assign(api, clinic, every_weeks=4)
    assert (assigned["instrument"], assigned["every_weeks"], assigned["state"]) == ("phq9", 4, "due")
    response = api.patient_a.post(responses_url(clinic), json=phq9([0, 1, 0, 1, 0, 0, 0, 0, 0]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["score"], body["band"], body["flags"], body["on_behalf"], body["instrument_version"]) == (
        2, "minimal", [], False, "1")
    assert len(body["answers"]) == 9
    listed = api.physician.get(responses_url(clinic)).get_json()
    assert [r["id"] for r in listed] == [body["id"]]
    after = api.patient_a.get(assignments_url(clinic)).get_json()
    assert after[0]["state"] is None and after[0]["last_answered_on"] == TODAY.isoformat()


def test_item_9_raises_a_safety_alert_the_psychologist_and_physician_may_acknowledge(api, clinic, app):
    assign(api, clinic)
    body = api.patient_a.post(responses_url(clinic), json=phq9()).get_json()
    assert (body["score"], body["band"], body["flags"]) == (9, "mild", ["self_harm_thoughts"])
    alerts = api.psych.get(f"/api/v1/patients/{clinic.record_a.id}/alerts").get_json()
    assert alerts[0]["kind"] == "questionnaire_safety" and "PHQ-9 item 9" in alerts[0]["flag_labels"][0]
    with app.app_context():
        alert = db.session.scalar(select(RedFlagAlert).where(RedFlagAlert.patient_id == clinic.record_a.id))
        assert (alert.kind, alert.questionnaire_response_id, alert.flags) == (
            "questionnaire_safety", body["id"], ["self_harm_thoughts"])
    assert alerts, "the psychologist sees the alert"
    physio = login_form_post(app, clinic.physio, clinic.record_a.id, alert.id)
    assert physio == 403
    psych = login_form_post(app, clinic.psych, clinic.record_a.id, alert.id)
    assert psych == 302
    with app.app_context():
        assert db.session.get(RedFlagAlert, alert.id).acknowledged_by_id == clinic.psych.id


def login_form_post(app, person, patient_id, alert_id) -> int:
    from tests import factories

    client = app.test_client()
    factories.sign_in_session(client, person)
    return client.post(f"/patients/{patient_id}/alerts/{alert_id}/acknowledge",
                       data={"note": "Called her; safety plan reviewed."}).status_code


def test_the_physician_acknowledges_a_safety_alert_too_but_the_psychologist_no_red_flag(app, clinic):
    with app.app_context():
        checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, 1)
        red = RedFlagAlert(patient_id=clinic.record_a.id, checkin_id=checkins[0].id, flags=["saddle_numbness"])
        safety = RedFlagAlert(patient_id=clinic.record_a.id, flags=["self_harm_thoughts"], kind="questionnaire_safety")
        db.session.add_all([red, safety])
        db.session.commit()
        red_id, safety_id = red.id, safety.id
    assert login_form_post(app, clinic.psych, clinic.record_a.id, red_id) == 403
    assert login_form_post(app, clinic.physician, clinic.record_a.id, safety_id) == 302


@pytest.mark.parametrize("payload,field", [
    (phq9([1, 2, 1, 2, 1, 1, 0, 0, 4]), "answers.8"),                       # outside the options
    ({"instrument": "phq9", "answers": [{"linkId": "10", "value": 1}]}, "answers.0"),   # unknown linkId
    ({"instrument": "phq9", "answers": [{"linkId": "1", "value": 1}, {"linkId": "1", "value": 2}]}, "answers.1"),
    ({"instrument": "nope", "answers": [{"linkId": "1", "value": 1}]}, "instrument"),
    ({"instrument": "peg", "answers": [{"linkId": "pain", "value": 1}]}, "instrument"),  # asked in the check-in
    ({"instrument": "phq9", "answers": [{"linkId": "1", "value": "two"}]}, "answers"),    # schema: not an int
    ({"instrument": "phq9", "answers": [], "extra": 1}, "answers"),
    ({"instrument": "phq9", "answers": [{"linkId": "1", "value": None}]}, "answers"),   # nothing answered
])
def test_bad_answers_get_422_with_field_errors_and_nothing_is_saved(api, clinic, app, payload, field):
    assign(api, clinic)
    before = counts(app)
    response = api.patient_a.post(responses_url(clinic), json=payload)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"] or any(k.startswith(field) for k in response.get_json()["errors"])
    assert counts(app) == before


def test_a_patient_may_not_answer_an_instrument_not_assigned(api, clinic, app):
    before = counts(app)
    response = api.patient_a.post(responses_url(clinic), json=phq9())
    assert response.status_code == 422
    assert "not assigned" in response.get_json()["errors"]["instrument"][0]
    assert counts(app) == before


def test_a_clinician_enters_paper_answers_on_the_patients_behalf(api, clinic):
    response = api.psych.post(responses_url(clinic), json={**phq9([0] * 9), "answered_on": (TODAY - timedelta(days=3)).isoformat()})
    assert response.status_code == 201
    body = response.get_json()
    assert (body["on_behalf"], body["answered_on"], body["score"]) == (True, (TODAY - timedelta(days=3)).isoformat(), 0)
    future = api.psych.post(responses_url(clinic), json={**phq9([0] * 9), "answered_on": (TODAY + timedelta(days=1)).isoformat()})
    assert future.status_code == 422 and "answered_on" in future.get_json()["errors"]


@pytest.mark.parametrize("payload,field", [
    ({"instrument": "nope"}, "instrument"),
    ({"instrument": "peg"}, "instrument"),
    ({"instrument": "gad7", "every_weeks": 0}, "every_weeks"),
    ({"instrument": "gad7", "every_weeks": 53}, "every_weeks"),
    ({"instrument": "gad7", "starts_on": "tomorrow"}, "starts_on"),
])
def test_bad_assignments_get_422(api, clinic, app, payload, field):
    response = api.psych.post(assignments_url(clinic), json=payload)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(QuestionnaireAssignment)) == 0


@pytest.mark.parametrize("who,status", [("patient_a", 403), ("outside_psych", 404), ("physician_b", 404), ("admin", 404)])
def test_only_the_team_assigns(api, clinic, who, status):
    assert api.as_(who).post(assignments_url(clinic), json={"instrument": "gad7"}).status_code == status


@pytest.mark.parametrize("who", ["outside_psych", "patient_b", "admin"])
def test_outsiders_neither_read_nor_answer(api, clinic, who):
    assert api.as_(who).get(responses_url(clinic)).status_code == 404
    assert api.as_(who).post(responses_url(clinic), json=phq9()).status_code == 404


def test_measures_overview_has_peg_from_checkins_psfs_and_questionnaires(app, clinic):
    with app.app_context():
        checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, 3)
        goal = build.goal(clinic.record_a.id, clinic.physio.id)
        build.scores(goal.id, clinic.patient_a.id, [3, 6], checkins[1].week_start, checkins=checkins[:2])
        for days, total in ((56, 18), (0, 9)):
            values = [min(3, max(0, total - 3 * i)) for i in range(8)] + [0]
            db.session.add(QuestionnaireResponse(
                patient_id=clinic.record_a.id, instrument_id="phq9", instrument_version="1",
                answered_on=TODAY - timedelta(days=days), entered_by_id=clinic.patient_a.id, score=sum(values),
                band="x", subscores={}, flags=[]))
        db.session.commit()
        rows = {m["instrument"]: m for m in measures.measures_overview(clinic.record_a.id)}
    assert list(rows) == ["peg", "psfs", "phq9"]
    assert len(rows["peg"]["points"]) == 3 and rows["peg"]["meaningful"] is None
    assert (rows["psfs"]["change"], rows["psfs"]["better"], rows["psfs"]["meaningful"]) == (3, True, True)
    assert (rows["phq9"]["change"], rows["phq9"]["better"], rows["phq9"]["meaningful"]) == (-9, True, True)
    assert "Löwe" in rows["phq9"]["meaningful_change"]["source"]


def test_pages_show_due_questionnaires_measures_and_crisis_guidance(api, clinic, login_as, app):
    assign(api, clinic)
    patient = login_as(clinic.patient_a)
    home = patient.get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "Answer PHQ-9" in home
    today = patient.get("/my-record/today").get_data(as_text=True)
    assert "Answer PHQ-9" in today
    form = patient.get(f"/patients/{clinic.record_a.id}/questionnaires/phq9/answer").get_data(as_text=True)
    assert "Over the last 2 weeks" in form and "4 of 9" in form and "Little interest or pleasure" in form
    incomplete = patient.post(f"/patients/{clinic.record_a.id}/questionnaires/phq9/answer",
                              data={"item-1": "2", "item-2": "1"})
    assert incomplete.status_code == 422
    page = incomplete.get_data(as_text=True)
    assert 'value="2" checked' in page and "Choose an answer." in page  # input kept on errors
    done = patient.post(f"/patients/{clinic.record_a.id}/questionnaires/phq9/answer",
                        data={f"item-{i}": str(v) for i, v in enumerate(PHQ9_EXAMPLE, start=1)})
    assert done.status_code == 302
    result = patient.get(done.headers["Location"]).get_data(as_text=True)
    assert "Call the emergency number" in result and app.config["CARETEAM_CLINIC_PHONE"] in result
    assert app.config["CARETEAM_EMERGENCY_NUMBER"] in result
    tab = login_as(clinic.psych).get(f"/patients/{clinic.record_a.id}/measures").get_data(as_text=True)
    assert "PHQ-9" in tab and "mild" in tab
    alerts_page = login_as(clinic.psych).get(f"/patients/{clinic.record_a.id}/alerts").get_data(as_text=True)
    assert "PHQ-9 item 9" in alerts_page and "Acknowledge" in alerts_page


def test_summary_json_and_page_carry_measures(api, clinic):
    assign(api, clinic, instrument="gad7")
    api.patient_a.post(responses_url(clinic), json={"instrument": "gad7", "answers": [
        {"linkId": str(i), "value": v} for i, v in enumerate([2, 1, 2, 1, 0, 1, 0], start=1)]})
    summary = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()
    gad = next(m for m in summary["measures"] if m["instrument"] == "gad7")
    assert (gad["latest"]["score"], gad["latest"]["band"]) == (7, "mild")


def test_my_patients_shows_overdue_questionnaires(api, clinic, login_as):
    assign(api, clinic, starts_on=(TODAY - timedelta(days=10)).isoformat())
    page = login_as(clinic.physician).get("/patients").get_data(as_text=True)
    assert "1 questionnaire overdue" in page


def test_a_clinician_enters_paper_answers_through_the_page(clinic, login_as, app):
    client = login_as(clinic.psych)
    data = {f"item-{i}": "1" for i in range(1, 8)}
    data["answered_on"] = (TODAY - timedelta(days=1)).isoformat()
    response = client.post(f"/patients/{clinic.record_a.id}/questionnaires/gad7/answer", data=data)
    assert response.status_code == 302
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Given on paper, entered by Dr. Sam Psych" in shown and "Call the emergency number" not in shown


def test_summary_page_and_pdf_document_show_measures_after_the_goals(api, clinic, login_as, app):
    api.psych.post(responses_url(clinic), json=phq9([2] * 8 + [0]))
    api.psych.post(responses_url(clinic), json={**phq9([1] * 8 + [0]), "answered_on": (TODAY - timedelta(days=1)).isoformat()})
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    assert page.index("2. Functional goals") < page.index("<h2>Measures</h2>") < page.index("3. Trends")
    with app.test_request_context():
        from careteam.models import User
        from careteam.services.record import build_summary
        from careteam.summary.export import document_html

        html = document_html(build_summary(db.session.get(User, clinic.physician.id), clinic.record_a.id))
    assert "Measures" in html and "PHQ-9 over time" in html and "moderate" in html


def test_dashboard_json_carries_measures_and_due_questionnaires(api, clinic):
    assign(api, clinic, instrument="gad7")
    url = f"/api/v1/patients/{clinic.record_a.id}/dashboard"
    due = api.patient_a.get(url).get_json()["due_questionnaires"]
    assert [(d["instrument"], d["state"]) for d in due] == [("gad7", "due")]
    api.patient_a.post(responses_url(clinic), json={"instrument": "gad7", "answers": [
        {"linkId": str(i), "value": v} for i, v in enumerate([2, 1, 2, 1, 0, 1, 0], start=1)]})
    for who in ("patient_a", "physician", "physio", "psych"):
        body = getattr(api, who).get(url).get_json()
        gad = next(m for m in body["measures"] if m["instrument"] == "gad7")
        assert (gad["latest"]["score"], gad["latest"]["band"]) == (7, "mild"), who
        assert body["due_questionnaires"] == [], who
    assert api.outside_physician.get(url).status_code == 404
