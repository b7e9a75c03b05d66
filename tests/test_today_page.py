"""The patient's Today page (issue 14): where its forms return to, answers that do not nudge,
and why a quota waits after "yes, back to my usual"."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from careteam.extensions import db
from careteam.models import User
from careteam.services import clock
from tests.support.activity import add_session, add_started_plan
from tests.support.exercises import add_prescription, add_sessions

STATIC = Path(__file__).resolve().parents[1] / "static" / "css"


@pytest.fixture
def walking(app, clinic):
    """Patient A's symptom-guided walking plan (quota 12 minutes, +2 a session) and one exercise."""
    with app.app_context():
        plan_id = add_started_plan(clinic.record_a.id, clinic.physio.id)
        bridge = add_prescription(clinic.record_a.id, clinic.physio, name="Bridge")
    return plan_id, bridge


def test_after_a_failed_form_the_walking_form_still_returns_to_today(app, clinic, login_as, walking):
    plan_id, bridge = walking
    client = login_as(clinic.patient_a)
    prefix = f"p{bridge}-"
    failed = client.post(f"/patients/{clinic.record_a.id}/exercises/{bridge}/sessions",
                         data={prefix + "performed_on": "", prefix + "sets_done": "x", prefix + "reps_done": ""})
    html = failed.get_data(as_text=True)
    assert failed.status_code == 422 and "Today's quota" in html
    # The page now stands at a POST-only URL; the walking form must not send the patient back there.
    nexts = re.findall(r'name="next" value="([^"]*)"', html)
    assert nexts and set(nexts) == {"/my-record/today"}
    logged = client.post(f"/patients/{clinic.record_a.id}/activity/{plan_id}/logs", data={
        "log-performed_on": clock.today().isoformat(), "log-done": "10", "next": nexts[0]})
    assert logged.status_code == 302 and logged.headers["Location"] == "/my-record/today"
    assert client.get(logged.headers["Location"]).status_code == 200


def test_i_did_is_empty_and_labelled(app, clinic, login_as, walking):
    html = login_as(clinic.patient_a).get("/my-record/today").get_data(as_text=True)
    field = re.search(r'<input[^>]*name="log-done"[^>]*>', html).group(0)
    assert 'value=""' in field  # not the quota: what she did
    assert re.search(r'<label for="today-done-\d+">How many minutes did you do today\?</label>', html)


@pytest.mark.parametrize("sheet, selector", [("exercises.css", "button.answer"), ("activity.css", "button.ga-")])
def test_no_answer_button_is_coloured_as_if_chosen(sheet, selector):
    """Yes, Not yet and Worse share one look: no rule styles one answer's background apart."""
    css = (STATIC / sheet).read_text()
    rules = re.findall(r"([^{}]+)\{([^}]*)\}", css)
    coloured = [sel.strip() for sel, body in rules
                if selector in sel and "background" in body and ":hover" not in sel
                and re.search(r"\.(yes|not-yet|worse|ga-yes|ga-not-yet|ga-worse|ga-flare)\b", sel)]
    assert coloured == []


def test_after_yes_the_patient_is_told_the_quota_waits_for_the_physiotherapist(app, clinic, login_as, walking):
    plan_id, _ = walking
    with app.app_context():
        log_id = add_session(plan_id, clinic.patient_a.id, 12)
    client = login_as(clinic.patient_a)
    today_html = client.get("/my-record/today").get_data(as_text=True)
    assert "Your physiotherapist sees your answer and decides when your quota goes up." in today_html
    answered = client.post(f"/patients/{clinic.record_a.id}/activity/{plan_id}/logs/{log_id}/next-day",
                           data={"next_day-response": "yes", "next": "/my-record/today"})
    assert answered.status_code == 302
    html = client.get("/my-record/today").get_data(as_text=True)
    assert "Your quota goes up once your physiotherapist confirms the next step." in html
    assert ("Your answers say the next step up, 14 minutes, is safe. Your physiotherapist confirms each step up; "
            "until then your quota stays at 12 minutes of walking.") in html


def test_no_waiting_note_without_a_suggested_step_up(app, clinic, login_as, walking):
    html = login_as(clinic.patient_a).get("/my-record/today").get_data(as_text=True)
    assert "Today's quota" in html and "next step up" not in html


def test_the_overview_and_the_exercises_tab_count_the_same_4_weeks(app, clinic, login_as, monkeypatch):
    """Sessions 4 weeks and 2 days ago fall in a 5th calendar week: neither page counts them."""
    today = date(2026, 3, 11)  # a Wednesday: "the last 4 weeks" start on Monday 16 February
    monkeypatch.setattr(clock, "today", lambda: today)
    with app.app_context():
        bridge = add_prescription(clinic.record_a.id, clinic.physio, name="Bridge", started_on=date(2026, 1, 5))
        add_sessions(bridge, clinic.patient_a, [(date(2026, 2, 10), 3, 5, "worse"), (date(2026, 2, 12), 3, 4, "yes"),
                                               (date(2026, 2, 17), 3, 4, "worse"), (date(2026, 3, 3), 3, 3, "yes"),
                                               (date(2026, 3, 10), 3, 3, None)])
    client = login_as(clinic.physio)
    overview = client.get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    tab = client.get(f"/patients/{clinic.record_a.id}/exercises").get_data(as_text=True)
    # 4 weeks × 3 a week prescribed, 3 sessions done, one answered "worse" in those weeks
    assert "3 of 12 sessions in 4 weeks" in overview and "1 × worse next day" in overview
    assert "Next day worse: 1×" in tab
    with app.test_request_context():
        from careteam.services import exercises
        from careteam.services.record import dashboard
        physio = db.session.get(User, clinic.physio.id)
        on_tab = exercises.programme(physio, clinic.record_a.id).programme.items[0]
        on_overview = dashboard(physio, clinic.record_a.id).programme.items[0]
        assert on_tab.done_and_prescribed == on_overview.done_and_prescribed == (3, 12)
        assert on_tab.answers == on_overview.answers
