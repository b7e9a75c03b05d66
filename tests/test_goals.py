"""Functional goals: create, edit (optimistic concurrency), status, scores, progress; pages and API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import FunctionalGoal, GoalScore, RecordEvent
from careteam.services import goals
from tests.support import ledger as build

TODAY = date.today()
OUTSIDERS = ["outside_physician", "outside_physio", "outside_psych", "patient_b", "physician_b", "admin"]
NEW = {"activity": "Sit through a 2-hour meeting", "baseline_score": 3, "target_score": 8}


def _goal(app, clinic, patient="record_a", **kwargs) -> int:
    with app.app_context():
        goal = build.goal(getattr(clinic, patient).id, clinic.physio.id, **kwargs)
        db.session.commit()
        return goal.id


def _get(app, goal_id) -> FunctionalGoal:
    with app.app_context():
        goal = db.session.get(FunctionalGoal, goal_id)
        db.session.expunge(goal)
        return goal


def _last_event(app, clinic) -> RecordEvent:
    with app.app_context():
        return db.session.scalars(select(RecordEvent).where(RecordEvent.patient_id == clinic.record_a.id)
                                  .order_by(RecordEvent.id.desc())).first()


def url(clinic, suffix=""):
    return f"/api/v1/patients/{clinic.record_a.id}/goals{suffix}"


# --- progress (internal bulk loader) -------------------------------------------------------------

def test_goal_progress_has_change_meaningful_flag_progress_and_sources(app, clinic):
    with app.app_context():
        checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, 3)
        meeting = build.goal(clinic.record_a.id, clinic.physio.id, baseline=3, target=8)
        build.scores(meeting.id, clinic.patient_a.id, [4, 5], checkins[1].week_start, checkins=checkins[:2])
        build.scores(meeting.id, clinic.physio.id, [6], TODAY)
        build.goal(clinic.record_a.id, clinic.physio.id, "Garden for an hour", baseline=2, target=6, status="paused")
        build.goal(clinic.record_a.id, clinic.physio.id, "Carry shopping", baseline=5, target=7, status="achieved")
        unscored = build.goal(clinic.record_a.id, clinic.physio.id, "Cycle to work", baseline=1, target=6)
        db.session.commit()
        unscored_id = unscored.id
        progress = goals.goal_progress(clinic.record_a.id)
    assert [g.activity for g in progress] == [
        "Sit through a 2-hour meeting", "Cycle to work", "Garden for an hour", "Carry shopping"]
    first = progress[0]
    assert (first.latest_score, first.change, first.meaningful, first.progress) == (6, 3, True, 0.6)
    assert [(s.score, s.source) for s in first.scores] == [(4, "checkin"), (5, "checkin"), (6, "physiotherapist")]
    assert first.latest_on == TODAY
    empty = progress[1]
    assert (empty.goal_id, empty.latest_score, empty.change, empty.meaningful, empty.progress) == (
        unscored_id, None, None, False, 0.0)


@pytest.mark.parametrize("count", [2, 20])
def test_goal_progress_query_count_does_not_grow(app, clinic, count_queries, count):
    with app.app_context():
        for n in range(count):
            goal = build.goal(clinic.record_a.id, clinic.physio.id, f"Goal {n}")
            build.scores(goal.id, clinic.patient_a.id, [n % 11] * 26, TODAY)
        db.session.commit()
    with app.app_context(), count_queries() as statements:
        progress = goals.goal_progress(clinic.record_a.id)
    assert len(progress) == count and all(len(g.scores) == 26 for g in progress)
    assert len(statements) == 2


def test_goals_page_and_api_query_counts_are_the_same_for_2_and_20(app, clinic, count_queries, login_as):
    client = login_as(clinic.physician)
    counts = []
    for first, count in ((0, 2), (2, 18)):
        with app.app_context():
            for n in range(first, first + count):
                goal = build.goal(clinic.record_a.id, clinic.physio.id, f"Goal {n}")
                build.scores(goal.id, clinic.patient_a.id, [5] * 26, TODAY)
            db.session.commit()
        for path in (f"/patients/{clinic.record_a.id}/goals", url(clinic)):
            with count_queries() as statements:
                assert client.get(path).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:]


# --- API --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["physician", "physio", "psych"])
def test_clinicians_create_goals(app, api, clinic, who):
    response = getattr(api, who).post(url(clinic), json={**NEW, "target_date": "2026-12-31"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["latest_score"], body["progress"], body["version"]) == ("active", None, 0.0, 1)
    assert _last_event(app, clinic).summary == "Added goal “Sit through a 2-hour meeting” (baseline 3, target 8)"


def test_the_patient_reads_goals_but_cannot_write_them(app, api, clinic):
    gid = _goal(app, clinic)
    assert api.patient_a.get(url(clinic)).get_json()[0]["id"] == gid
    assert api.patient_a.get(url(clinic, f"/{gid}")).status_code == 200
    assert api.patient_a.post(url(clinic), json=NEW).status_code == 403
    assert api.patient_a.patch(url(clinic, f"/{gid}"), json={"version": 1, "target_score": 9}).status_code == 403


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404(app, api, clinic, who):
    gid = _goal(app, clinic)
    client = getattr(api, who)
    assert client.get(url(clinic)).status_code == 404
    assert client.post(url(clinic), json=NEW).status_code == 404
    assert client.get(url(clinic, f"/{gid}")).status_code == 404
    assert client.patch(url(clinic, f"/{gid}"), json={"version": 1, "target_score": 9}).status_code == 404
    assert client.post(url(clinic, f"/{gid}/scores"), json={"score": 5}).status_code == 404


@pytest.mark.parametrize("body,field", [
    ({**NEW, "patient_id": 1}, "patient_id"),
    ({**NEW, "baseline_score": 11}, "baseline_score"),
    ({**NEW, "target_score": "8"}, "target_score"),
    ({**NEW, "target_score": 2}, "target_score"),  # below the baseline
    ({**NEW, "status": "forgotten"}, "status"),
    ({"baseline_score": 3, "target_score": 8}, "activity"),
])
def test_create_refuses_bad_input(api, clinic, body, field):
    response = api.physio.post(url(clinic), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_edit_and_stale_version(app, api, clinic):
    gid = _goal(app, clinic)
    first = api.physio.patch(url(clinic, f"/{gid}"), json={"version": 1, "target_score": 9, "reason": "Doing well"})
    assert first.status_code == 200 and first.get_json()["target_score"] == 9 and first.get_json()["version"] == 2
    event = _last_event(app, clinic)
    assert (event.summary, event.reason) == ("Goal “Sit through a 2-hour meeting”: target 8 → 9", "Doing well")
    stale = api.psych.patch(url(clinic, f"/{gid}"), json={"version": 1, "target_score": 7})
    assert stale.status_code == 409 and stale.get_json()["current"]["target_score"] == 9
    assert _get(app, gid).target_score == 9


@pytest.mark.parametrize("body,field", [
    ({"target_score": 9}, "version"),
    ({"version": 1, "patient_id": 2}, "patient_id"),
    ({"version": 1, "created_by_id": 2}, "created_by_id"),
    ({"version": 1, "baseline_score": 9}, "target_score"),  # would put the target below the baseline
])
def test_edit_refuses_bad_input(app, api, clinic, body, field):
    gid = _goal(app, clinic)
    response = api.physio.patch(url(clinic, f"/{gid}"), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_status_transitions_follow_the_rules(app, api, clinic):
    gid = _goal(app, clinic)
    assert api.physician.patch(url(clinic, f"/{gid}"), json={"version": 1, "status": "achieved"}).status_code == 200
    refused = api.physician.patch(url(clinic, f"/{gid}"), json={"version": 2, "status": "paused"})
    assert refused.status_code == 422 and "status" in refused.get_json()["errors"]
    no_reason = api.physician.patch(url(clinic, f"/{gid}"), json={"version": 2, "status": "active"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    reopened = api.physician.patch(url(clinic, f"/{gid}"),
                                   json={"version": 2, "status": "active", "reason": "Flare set it back"})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "active"
    assert _last_event(app, clinic).summary.endswith("status achieved → active")


@pytest.mark.parametrize("who,source", [("patient_a", "patient"), ("physio", "physiotherapist")])
def test_patient_and_clinicians_add_scores(app, api, clinic, who, source):
    gid = _goal(app, clinic)
    response = getattr(api, who).post(url(clinic, f"/{gid}/scores"), json={"score": 6})
    assert response.status_code == 201 and response.get_json()["scored_on"] == TODAY.isoformat()
    body = api.physician.get(url(clinic, f"/{gid}")).get_json()
    assert (body["latest_score"], body["change"], body["clinically_meaningful"]) == (6, 3, True)
    assert body["scores"] == [{"scored_on": TODAY.isoformat(), "score": 6, "source": source}]
    assert _last_event(app, clinic).summary == "Scored “Sit through a 2-hour meeting”: 6/10 (baseline 3)"
    with app.app_context():
        assert db.session.scalar(select(GoalScore.checkin_id).where(GoalScore.goal_id == gid)) is None


@pytest.mark.parametrize("body,field", [
    ({"score": 11}, "score"),
    ({"score": -1}, "score"),
    ({}, "score"),
    ({"score": 5, "scored_on": (TODAY + timedelta(days=1)).isoformat()}, "scored_on"),
    ({"score": 5, "checkin_id": 1}, "checkin_id"),
])
def test_scores_refuse_bad_input(app, api, clinic, body, field):
    gid = _goal(app, clinic)
    response = api.patient_a.post(url(clinic, f"/{gid}/scores"), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_another_patients_goal_is_404_under_this_record(app, api, clinic):
    other = _goal(app, clinic, patient="record_b")
    assert api.physio.get(url(clinic, f"/{other}")).status_code == 404
    assert api.physio.post(url(clinic, f"/{other}/scores"), json={"score": 4}).status_code == 404


# --- Pages --------------------------------------------------------------------------------------------

def page(clinic, suffix=""):
    return f"/patients/{clinic.record_a.id}/goals{suffix}"


def test_index_shows_scores_change_badge_and_progress(app, clinic, login_as):
    gid = _goal(app, clinic, baseline=3, target=8)
    with app.app_context():
        build.scores(gid, clinic.patient_a.id, [4, 6], TODAY)
        db.session.commit()
    html = login_as(clinic.psych).get(page(clinic)).get_data(as_text=True)
    assert "Sit through a 2-hour meeting" in html and "clinically meaningful" in html
    assert 'aria-valuenow="60"' in html and 'class="p6"' in html
    assert "Add a goal" in html and "style=" not in html


def test_patient_sees_add_a_score_but_no_add_goal(app, clinic, login_as):
    _goal(app, clinic)
    html = login_as(clinic.patient_a).get(page(clinic)).get_data(as_text=True)
    assert "Add a score" in html and "Add a goal" not in html
    assert login_as(clinic.patient_a).get(page(clinic, "/new")).status_code == 403


@pytest.mark.parametrize("who", OUTSIDERS)
def test_pages_are_404_for_outsiders(app, clinic, login_as, who):
    gid = _goal(app, clinic)
    client = login_as(getattr(clinic, who))
    for path in ("", "/new", f"/{gid}"):
        assert client.get(page(clinic, path)).status_code == 404


def test_new_goal_form(app, clinic, login_as):
    client = login_as(clinic.physio)
    bad = client.post(page(clinic, "/new"), data={**NEW, "baseline_score": "6", "target_score": "4"})
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Sit through a 2-hour meeting" in html and "cannot be below the baseline" in html
    assert client.post(page(clinic, "/new"), data={**NEW, "target_date": ""}).status_code == 302


def test_detail_page_chart_with_baseline_and_target(app, clinic, login_as):
    gid = _goal(app, clinic)
    with app.app_context():
        build.scores(gid, clinic.patient_a.id, [4, 5, 5], TODAY)
        db.session.commit()
    html = login_as(clinic.physician).get(page(clinic, f"/{gid}")).get_data(as_text=True)
    assert "<svg" in html and html.count('stroke-dasharray="5 4"') >= 2  # baseline and target, dashed
    assert "Edit the goal" in html and "Change status" in html and "Add a score" in html
    patient_view = login_as(clinic.patient_a).get(page(clinic, f"/{gid}")).get_data(as_text=True)
    assert "Add a score" in patient_view and "Edit the goal" not in patient_view


def test_patient_adds_a_score_on_the_page(app, clinic, login_as):
    gid = _goal(app, clinic)
    client = login_as(clinic.patient_a)
    bad = client.post(page(clinic, f"/{gid}/scores"), data={"score": "12", "scored_on": ""})
    assert bad.status_code == 422 and "Give a score from 0 to 10." in bad.get_data(as_text=True)
    assert client.post(page(clinic, f"/{gid}/scores"), data={"score": "5", "scored_on": ""}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(GoalScore.score).where(GoalScore.goal_id == gid)) == 5


def test_edit_form_conflict_keeps_input(app, clinic, login_as, api):
    gid = _goal(app, clinic)
    assert api.psych.patch(url(clinic, f"/{gid}"), json={"version": 1, "activity": "Their words"}).status_code == 200
    response = login_as(clinic.physio).post(page(clinic, f"/{gid}/edit"), data={
        **NEW, "activity": "My careful words", "target_date": "", "reason": "", "version": "1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else changed this goal" in html and "My careful words" in html and "Their words" in html
    assert 'name="version" type="hidden" value="2"' in html
    assert _get(app, gid).activity == "Their words"


def test_status_form(app, clinic, login_as):
    gid = _goal(app, clinic)
    client = login_as(clinic.physician)
    assert "Mark as achieved" in client.get(page(clinic, f"/{gid}")).get_data(as_text=True)
    assert client.post(page(clinic, f"/{gid}/status"), data={"status": "achieved", "reason": "", "version": "1"}
                       ).status_code == 302
    refused = client.post(page(clinic, f"/{gid}/status"), data={"status": "active", "reason": "", "version": "2"})
    assert refused.status_code == 422 and "Say why the goal is being reopened." in refused.get_data(as_text=True)
    assert _get(app, gid).status == "achieved"
