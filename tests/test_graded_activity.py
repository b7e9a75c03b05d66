"""Graded-activity plans: API, pages, access per role, the 24-hour rule end to end, conflicts,
audit and timeline, and query counts of the bulk loaders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import select

from careteam.demo.activity import HOLD_REASON, add_activity_history
from careteam.extensions import db
from careteam.models import ActivityLog, AuditEvent, Patient, QuotaDecision, RecordEvent, User
from careteam.services import clock
from careteam.services import activity_progress
from tests.support.activity import add_decision, add_plan, add_session, add_started_plan, plan_version

NEW_PLAN = {"activity": "Walking", "unit": "minutes", "mode": "symptom_guided", "increment": 2,
            "increment_every": "session", "goal_value": 30}
OUTSIDERS = ["outside_physician", "outside_physio", "outside_psych", "patient_b", "physician_b", "admin"]


def url(clinic, rest: str = "") -> str:
    return f"/api/v1/patients/{clinic.record_a.id}/activity-plans{rest}"


@pytest.fixture
def started(app, clinic):
    """Patient A's symptom-guided walking plan: baseline mean 15, start quota 12, +2 per session."""
    with app.app_context():
        return add_started_plan(clinic.record_a.id, clinic.physio.id)


@pytest.fixture
def ready(app, clinic):
    """A plan with three baseline sessions (mean 15), not started."""
    with app.app_context():
        return add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15))


def yesterday() -> str:
    return (clock.today() - timedelta(days=1)).isoformat()


def log_yesterday(api, clinic, plan_id: int, done: float = 12) -> int:
    response = api.patient_a.post(url(clinic, f"/{plan_id}/logs"), json={"performed_on": yesterday(), "done": done})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def get_plan(api, clinic, plan_id: int, who: str = "physio") -> dict:
    response = getattr(api, who).get(url(clinic, f"/{plan_id}"))
    assert response.status_code == 200
    return response.get_json()


# The whole story through the API ----------------------------------------------------------------

def test_plan_from_baseline_to_a_step_back(app, api, clinic):
    goal_date = (clock.today() + timedelta(days=90)).isoformat()
    created = api.psych.post(url(clinic), json={**NEW_PLAN, "goal_date": goal_date})
    assert created.status_code == 201
    plan = created.get_json()
    assert (plan["status"], plan["baseline"]["ready"], plan["start_fraction"]) == ("baseline", False, 0.8)
    plan_id = plan["id"]

    def days_ago(days: int) -> str:
        return (clock.today() - timedelta(days=days)).isoformat()

    for day, done in ((5, 14), (4, 16)):  # the patient logs two at home, the physio one in clinic
        assert api.patient_a.post(url(clinic, f"/{plan_id}/baseline"),
                                  json={"performed_on": days_ago(day), "done": done}).status_code == 201
    early = api.physio.post(url(clinic, f"/{plan_id}/start"), json={"version": plan["version"]})
    assert early.status_code == 422 and "1 more baseline session" in early.get_json()["errors"]["_"][0]
    assert api.physio.post(url(clinic, f"/{plan_id}/baseline"),
                           json={"performed_on": days_ago(3), "done": 15}).status_code == 201

    plan = get_plan(api, clinic, plan_id)
    assert (plan["status"], plan["baseline"]["mean"], plan["start_quota"]) == ("ready", 15, 12)
    started = api.physio.post(url(clinic, f"/{plan_id}/start"),
                              json={"version": plan["version"], "started_on": days_ago(2)})
    assert started.status_code == 200
    plan = started.get_json()
    assert (plan["status"], plan["current_quota"], plan["started_on"]) == ("active", 12, days_ago(2))
    assert [s["quota"] for s in plan["schedule"]["steps"]][:3] == [12, 14, 16]
    assert plan["suggestion"]["kind"] == "hold" and "No session at 12 minutes yet" in plan["suggestion"]["explanation"]

    # the 24-hour rule: log, answer yes the next day, progress
    log_id = log_yesterday(api, clinic, plan_id)
    assert get_plan(api, clinic, plan_id)["suggestion"]["explanation"].startswith("Waiting for the next-day answer")
    answered = api.patient_a.post(url(clinic, f"/{plan_id}/logs/{log_id}/next-day"), json={"response": "yes"})
    assert answered.status_code == 200 and answered.get_json()["next_day_response"] == "yes"
    state = api.physio.get(url(clinic, f"/{plan_id}/suggestion")).get_json()
    assert state["suggestion"]["kind"] == "progress" and state["suggestion"]["quota"] == 14
    decided = api.physio.post(url(clinic, f"/{plan_id}/decisions"),
                              json={"version": state["version"], "action": "accept", "quota": 14})
    assert decided.status_code == 201 and decided.get_json()["decided_by"] == "Pat Physio"

    plan = get_plan(api, clinic, plan_id, "patient_a")
    assert plan["current_quota"] == 14
    assert plan["suggestion"]["kind"] == "hold" and not plan["suggestion"]["changes"]  # decided: not suggested again

    # worse with a flare: one step back, and a notice for the physiotherapist
    log_id = log_yesterday(api, clinic, plan_id, done=14)
    api.patient_a.post(url(clinic, f"/{plan_id}/logs/{log_id}/next-day"), json={"response": "worse", "flare": True})
    plan = get_plan(api, clinic, plan_id, "physician")
    assert (plan["suggestion"]["kind"], plan["suggestion"]["quota"]) == ("step_back", 12)
    with app.app_context():
        notice = db.session.scalar(select(RecordEvent).where(RecordEvent.object_type == "activity_log",
                                                             RecordEvent.object_id == log_id)
                                   .order_by(RecordEvent.id.desc()))
        assert notice.summary.startswith("Notice for the physiotherapist") and "a flare" in notice.summary

    no_reason = api.physio.post(url(clinic, f"/{plan_id}/decisions"),
                                json={"version": plan["version"], "action": "override", "quota": 14, "reason": " "})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]
    override = api.physio.post(url(clinic, f"/{plan_id}/decisions"), json={
        "version": plan["version"], "action": "override", "quota": 14,
        "reason": "A flare from gardening, not the walk."})
    assert override.status_code == 201
    plan = get_plan(api, clinic, plan_id)
    assert plan["current_quota"] == 14
    assert [(d["suggestion"], d["suggested_quota"], d["quota"]) for d in plan["decisions"]] == [
        ("progress", 14, 14), ("step_back", 12, 14)]
    assert [log["is_baseline"] for log in plan["logs"]] == [True, True, True, False, False]


@pytest.mark.parametrize(
    "mode,response,flare,kind,quota",
    [
        ("time_contingent", "yes", False, "schedule", 14),
        ("time_contingent", "not_yet", False, "schedule", 14),
        ("time_contingent", "worse", True, "schedule", 14),  # whatever the pain
        ("symptom_guided", "yes", False, "progress", 14),
        ("symptom_guided", "not_yet", False, "hold", 12),
        ("symptom_guided", "worse", False, "step_back", 12),  # the start quota is the floor
    ],
)
def test_both_modes_after_each_next_day_answer(app, api, clinic, mode, response, flare, kind, quota):
    with app.app_context():
        plan_id = add_started_plan(clinic.record_a.id, clinic.physio.id, mode=mode)
        log_id = add_session(plan_id, clinic.patient_a.id, 12)
    api.patient_a.post(url(clinic, f"/{plan_id}/logs/{log_id}/next-day"), json={"response": response, "flare": flare})
    suggestion = api.physio.get(url(clinic, f"/{plan_id}/suggestion")).get_json()["suggestion"]
    assert (suggestion["kind"], suggestion["quota"]) == (kind, quota)


def test_only_symptom_guided_worse_answers_notify_the_physiotherapist(app, api, clinic):
    with app.app_context():
        guided = add_started_plan(clinic.record_a.id, clinic.physio.id)
        timed = add_started_plan(clinic.record_a.id, clinic.physio.id, mode="time_contingent")
        logs = {plan_id: add_session(plan_id, clinic.patient_a.id, 12) for plan_id in (guided, timed)}
    for plan_id, log_id in logs.items():
        api.patient_a.post(url(clinic, f"/{plan_id}/logs/{log_id}/next-day"), json={"response": "worse"})
    with app.app_context():
        summaries = {e.object_id: e.summary for e in db.session.scalars(  # the answer is the last entry
            select(RecordEvent).where(RecordEvent.object_type == "activity_log").order_by(RecordEvent.id))}
    assert summaries[logs[guided]].startswith("Notice for the physiotherapist")
    day = f"{clock.today() - timedelta(days=1):%-d %b}"
    assert summaries[logs[timed]] == f"Walking, session on {day} (12 minutes): worse the next day"


def test_todays_quota_is_the_latest_decision_or_the_start(app, clinic, ctx, started):
    assert activity_progress.today_quota(clinic.record_a.id)[0].quota == 12
    add_decision(started, clinic.physio.id, 16, suggested_quota=14, reason="Felt easy")
    add_decision(started, clinic.psych.id, 14)
    [today] = activity_progress.today_quota(clinic.record_a.id)
    assert (today.quota, today.phrase, today.question, today.done_today) == (14, "14 minutes of walking", None, None)


def test_today_quota_asks_the_next_day_question_and_counts_todays_logs(app, clinic, ctx, started):
    add_plan(clinic.record_a.id, clinic.physio.id, activity="Stairs")  # not started: not on Today
    asked = add_session(started, clinic.patient_a.id, 12, days_ago=1)
    [today] = activity_progress.today_quota(clinic.record_a.id)
    assert (today.question.log_id, today.question.phrase) == (asked, "12 minutes of walking")
    add_session(started, clinic.patient_a.id, 12, done=10, days_ago=0)
    [today] = activity_progress.today_quota(clinic.record_a.id)
    assert today.done_today == 10 and today.question.log_id == asked  # today's is asked about tomorrow


# Access per role --------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["physician", "physio", "psych", "patient_a"])
def test_everyone_on_the_record_reads_plans(api, clinic, started, who):
    client = getattr(api, who)
    assert [p["id"] for p in client.get(url(clinic)).get_json()] == [started]
    assert client.get(url(clinic, f"/{started}")).status_code == 200
    assert client.get(url(clinic, f"/{started}/suggestion")).get_json()["status"] == "active"


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404(api, clinic, started, who):
    client = getattr(api, who)
    for response in (client.get(url(clinic)), client.get(url(clinic, f"/{started}")),
                     client.post(url(clinic), json=NEW_PLAN),
                     client.post(url(clinic, f"/{started}/logs"), json={"done": 12})):
        assert response.status_code == 404


@pytest.mark.parametrize(
    "who,status",
    [("physio", 201), ("psych", 201), ("physician", 403), ("patient_a", 403)],
)
def test_physiotherapists_and_psychologists_create_plans(api, clinic, who, status):
    assert getattr(api, who).post(url(clinic), json=NEW_PLAN).status_code == status


@pytest.mark.parametrize(
    "who,status",
    [("physio", 201), ("psych", 201), ("physician", 403), ("patient_a", 403)],
)
def test_only_physiotherapists_and_psychologists_decide(api, clinic, started, who, status):
    response = getattr(api, who).post(url(clinic, f"/{started}/decisions"), json={
        "version": 1, "action": "override", "quota": 14, "reason": "Ready for more"})
    assert response.status_code == status


@pytest.mark.parametrize(
    "who,baseline,log,answer",
    [
        ("patient_a", 201, 201, 200),  # the patient logs their own sessions
        ("physio", 201, 201, 200),  # entered in clinic
        ("psych", 201, 201, 200),
        ("physician", 403, 403, 403),  # reads only
    ],
)
def test_who_logs_sessions_and_answers(app, api, clinic, ready, started, who, baseline, log, answer):
    client = getattr(api, who)
    with app.app_context():
        log_id = add_session(started, clinic.patient_a.id, 12)
    assert client.post(url(clinic, f"/{ready}/baseline"), json={"done": 10}).status_code == baseline
    assert client.post(url(clinic, f"/{started}/logs"), json={"done": 12}).status_code == log
    next_day = client.post(url(clinic, f"/{started}/logs/{log_id}/next-day"), json={"response": "yes"})
    assert next_day.status_code == answer


@pytest.mark.parametrize("who,status", [("physio", 200), ("psych", 200), ("physician", 403), ("patient_a", 403)])
def test_who_changes_and_starts_plans(app, api, clinic, who, status):
    with app.app_context():
        first = add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15))
        second = add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15))
    client = getattr(api, who)
    assert client.patch(url(clinic, f"/{first}"), json={"version": 1, "goal_value": 40}).status_code == status
    assert client.post(url(clinic, f"/{second}/start"), json={"version": 1}).status_code == status


def test_a_plan_of_another_patient_is_404(app, api, clinic):
    with app.app_context():
        other = add_started_plan(clinic.record_b.id, clinic.physio.id)
    assert api.physio.get(url(clinic, f"/{other}")).status_code == 404
    assert api.patient_a.post(url(clinic, f"/{other}/logs"), json={"done": 1}).status_code == 404


def test_a_log_of_another_plan_is_404(app, api, clinic, started):
    with app.app_context():
        other = add_started_plan(clinic.record_a.id, clinic.physio.id)
        log_id = add_session(other, clinic.patient_a.id, 12)
    assert api.patient_a.post(url(clinic, f"/{started}/logs/{log_id}/next-day"),
                              json={"response": "yes"}).status_code == 404


# Bad input --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "path,body",
    [
        ("", {**NEW_PLAN, "patient_id": 2}),
        ("/{plan}", {"version": 1, "created_by_id": 3}),
        ("/{plan}/baseline", {"done": 10, "is_baseline": False}),
        ("/{plan}/start", {"version": 1, "start_quota": 20}),
        ("/{plan}/logs", {"done": 10, "quota": 20}),
        ("/{plan}/logs/{log}/next-day", {"response": "yes", "answered_at": "2026-01-01"}),
        ("/{plan}/decisions", {"version": 1, "action": "accept", "quota": 14, "decided_by_id": 1}),
    ],
)
def test_unknown_fields_are_422(app, api, clinic, started, path, body):
    with app.app_context():
        log_id = add_session(started, clinic.patient_a.id, 12)
    client = api.physio if "decisions" in path or path in ("", "/{plan}", "/{plan}/start") else api.patient_a
    method = client.patch if path == "/{plan}" else client.post
    response = method(url(clinic, path.format(plan=started, log=log_id)), json=body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) & {"patient_id", "created_by_id", "is_baseline", "start_quota",
                                                 "quota", "answered_at", "decided_by_id"}


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"increment": 1.5}, "increment"),  # whole minutes
        ({"unit": "metres", "increment": 25, "goal_value": 500}, "increment"),  # steps of 10 metres
        ({"start_fraction": 0.4}, "start_fraction"),
        ({"start_fraction": 1.2}, "start_fraction"),
        ({"goal_value": 0}, "goal_value"),
        ({"increment": 40}, "increment"),  # above the goal
        ({"goal_date": "2020-01-01"}, "goal_date"),
        ({"mode": "pain_contingent"}, "mode"),
        ({"increment_every": "month"}, "increment_every"),
        ({"unit": "furlongs"}, "unit"),
        ({"activity": "   "}, "activity"),
    ],
)
def test_bad_plan_settings_are_422(api, clinic, changes, field):
    response = api.physio.post(url(clinic), json={**NEW_PLAN, **changes})
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_sessions_and_answers_refuse_what_cannot_be(app, api, clinic, ready, started):
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    before_start = (clock.today() - timedelta(days=30)).isoformat()
    with app.app_context():
        today_log = add_session(started, clinic.patient_a.id, 12, days_ago=0)
        answered = add_session(started, clinic.patient_a.id, 12, response="yes")
        baseline_log = db.session.scalar(select(ActivityLog.id).where(ActivityLog.plan_id == started,
                                                                      ActivityLog.is_baseline.is_(True)))
    cases = [
        (url(clinic, f"/{started}/logs"), {"done": 12, "performed_on": tomorrow}, "performed_on"),
        (url(clinic, f"/{started}/logs"), {"done": 12, "performed_on": before_start}, "performed_on"),
        (url(clinic, f"/{started}/logs"), {"done": -1}, "done"),
        (url(clinic, f"/{ready}/logs"), {"done": 12}, "_"),  # not started yet
        (url(clinic, f"/{started}/baseline"), {"done": 12}, "_"),  # started: the baseline is complete
        (url(clinic, f"/{started}/logs/{today_log}/next-day"), {"response": "yes"}, "response"),  # ask tomorrow
        (url(clinic, f"/{started}/logs/{answered}/next-day"), {"response": "worse"}, "response"),  # answered once
        (url(clinic, f"/{started}/logs/{baseline_log}/next-day"), {"response": "yes"}, "_"),
        (url(clinic, f"/{started}/logs/{answered}/next-day"), {"response": "better"}, "response"),
    ]
    for path, body, field in cases:
        response = api.patient_a.post(path, json=body)
        assert response.status_code == 422 and field in response.get_json()["errors"], (path, body)


def test_a_flare_is_answered_as_worse(app, api, clinic, started):
    with app.app_context():
        log_id = add_session(started, clinic.patient_a.id, 12)
    response = api.patient_a.post(url(clinic, f"/{started}/logs/{log_id}/next-day"),
                                  json={"response": "yes", "flare": True})
    assert response.status_code == 422 and "flare" in response.get_json()["errors"]


def test_start_refuses_a_start_quota_at_the_goal_and_dates_out_of_range(app, api, clinic):
    with app.app_context():
        low_goal = add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15), goal_value=12, increment=1)
        plan_id = add_plan(clinic.record_a.id, clinic.physio.id, baseline=(14, 16, 15))
    response = api.physio.post(url(clinic, f"/{low_goal}/start"), json={"version": 1})
    assert response.status_code == 422 and "already reaches the goal" in response.get_json()["errors"]["_"][0]
    for day in (clock.today() + timedelta(days=1), clock.today() - timedelta(days=5)):  # future; before the baseline
        response = api.physio.post(url(clinic, f"/{plan_id}/start"), json={"version": 1, "started_on": day.isoformat()})
        assert response.status_code == 422 and "started_on" in response.get_json()["errors"]


def test_started_plans_keep_their_unit_and_start(api, clinic, started):
    for change in ({"unit": "reps"}, {"start_fraction": 0.6}):
        response = api.physio.patch(url(clinic, f"/{started}"), json={"version": 1, **change})
        assert response.status_code == 422 and list(change)[0] in response.get_json()["errors"]
    response = api.physio.patch(url(clinic, f"/{started}"), json={"version": 1, "goal_value": 12})
    assert response.status_code == 422 and "above the start quota" in response.get_json()["errors"]["goal_value"][0]


@pytest.mark.parametrize(
    "body,field",
    [
        ({"action": "override", "quota": 15, "reason": ""}, "reason"),
        ({"action": "override", "quota": 13.5, "reason": "Why not"}, "quota"),  # whole minutes
        ({"action": "override", "quota": 32, "reason": "Why not"}, "quota"),  # beyond the goal
        ({"action": "maybe", "quota": 14}, "action"),
    ],
)
def test_overrides_need_a_reason_and_a_sensible_quota(api, clinic, started, body, field):
    response = api.physio.post(url(clinic, f"/{started}/decisions"), json={"version": 1, **body})
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_decisions_need_an_active_plan(api, clinic, ready):
    response = api.physio.post(url(clinic, f"/{ready}/decisions"),
                               json={"version": 1, "action": "override", "quota": 14, "reason": "x"})
    assert response.status_code == 422


# Versions and conflicts -------------------------------------------------------------------------

def test_a_stale_change_is_409_with_the_current_plan(app, api, clinic, started):
    assert api.physio.patch(url(clinic, f"/{started}"), json={"version": 1, "goal_value": 40}).status_code == 200
    stale = api.psych.patch(url(clinic, f"/{started}"), json={"version": 1, "goal_value": 36})
    assert stale.status_code == 409
    current = stale.get_json()["current"]
    assert (current["version"], current["goal_value"], current["current_quota"]) == (2, 40, 12)
    with app.app_context():
        assert plan_version(started) == 2


def test_decisions_bump_the_version_so_stale_decisions_conflict(app, api, clinic, started):
    first = api.physio.post(url(clinic, f"/{started}/decisions"),
                            json={"version": 1, "action": "override", "quota": 14, "reason": "Ready"})
    assert first.status_code == 201
    second = api.psych.post(url(clinic, f"/{started}/decisions"),
                            json={"version": 1, "action": "override", "quota": 16, "reason": "Ready too"})
    assert second.status_code == 409 and second.get_json()["current"]["current_quota"] == 14
    stale_edit = api.physio.patch(url(clinic, f"/{started}"), json={"version": 1, "activity": "Brisk walking"})
    assert stale_edit.status_code == 409


def test_accepting_a_suggestion_that_changed_meanwhile_is_409(app, api, clinic, started):
    with app.app_context():
        log_id = add_session(started, clinic.patient_a.id, 12)
    seen = api.physio.get(url(clinic, f"/{started}/suggestion")).get_json()["suggestion"]
    assert seen["kind"] == "hold"  # waiting for the answer
    api.patient_a.post(url(clinic, f"/{started}/logs/{log_id}/next-day"), json={"response": "yes"})
    response = api.physio.post(url(clinic, f"/{started}/decisions"),
                               json={"version": 1, "action": "accept", "quota": seen["quota"]})
    assert response.status_code == 409
    assert response.get_json()["current"]["suggestion"]["quota"] == 14


def test_start_with_a_stale_version_is_409(api, clinic, ready):
    api.physio.patch(url(clinic, f"/{ready}"), json={"version": 1, "goal_value": 40})
    assert api.psych.post(url(clinic, f"/{ready}/start"), json={"version": 1}).status_code == 409


def test_ending_a_plan(api, clinic, started):
    ended = api.physio.patch(url(clinic, f"/{started}"), json={"version": 1, "ended_on": clock.today().isoformat()})
    assert ended.status_code == 200 and ended.get_json()["status"] == "ended"
    assert ended.get_json()["suggestion"] is None
    assert api.patient_a.post(url(clinic, f"/{started}/logs"), json={"done": 12}).status_code == 422


# Audit and timeline -----------------------------------------------------------------------------

def test_reads_and_changes_are_audited_and_changes_reach_the_timeline(app, api, clinic):
    plan_id = api.physio.post(url(clinic), json=NEW_PLAN).get_json()["id"]
    api.physician.get(url(clinic, f"/{plan_id}"))
    api.patient_a.post(url(clinic, f"/{plan_id}/baseline"), json={"done": 15})
    with app.app_context():
        events = {(e.user_id, e.action, e.object_type) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.patient_id == clinic.record_a.id))}
        changes = [e.summary for e in db.session.scalars(
            select(RecordEvent).where(RecordEvent.part == "graded_activity").order_by(RecordEvent.id))]
    assert {(clinic.physio.id, "create", "graded_activity_plan"),
            (clinic.physician.id, "read", "graded_activity_plan"),
            (clinic.patient_a.id, "create", "activity_log")} <= events
    assert changes == ["Graded-activity plan: Walking, goal 30 minutes (symptom-guided); baseline next",
                       "Walking baseline session: 15 minutes"]


def test_decisions_reach_the_timeline_with_their_reason(app, api, clinic, started):
    api.physio.post(url(clinic, f"/{started}/decisions"),
                    json={"version": 1, "action": "override", "quota": 16, "reason": "Walked 20 at the clinic"})
    with app.app_context():
        event = db.session.scalar(select(RecordEvent).where(RecordEvent.object_type == "quota_decision"))
        decision = db.session.scalar(select(QuotaDecision).where(QuotaDecision.plan_id == started))
    assert event.summary == "Walking quota: 12 → 16 minutes (override; the suggestion was hold to 12 minutes)"
    assert event.reason == "Walked 20 at the clinic"
    assert (decision.suggestion, decision.suggested_quota, decision.quota) == ("hold", 12, 16)


# Query counts -----------------------------------------------------------------------------------

def _fill(plan_id: int, patient_user_id: int, decider_id: int, sessions: int) -> None:
    for n in range(sessions):
        add_session(plan_id, patient_user_id, 12, days_ago=n % 9 + 1, response="yes")
        add_decision(plan_id, decider_id, 12, suggestion="hold")


def test_bulk_loaders_use_a_fixed_number_of_queries(app, clinic, ctx, count_queries):
    counts = []
    for sessions in (1, 30):
        for _ in range(2):
            _fill(add_started_plan(clinic.record_a.id, clinic.physio.id), clinic.patient_a.id, clinic.physio.id,
                  sessions)
        db.session.expunge_all()
        with count_queries() as progress_queries:
            progress = activity_progress.activity_progress(clinic.record_a.id)
        with count_queries() as today_queries:
            today = activity_progress.today_quota(clinic.record_a.id)
        assert len(today) == len(progress)
        counts.append((len(progress_queries), len(today_queries)))
    assert sum(len(p.quota_sessions) for p in progress) == 2 * 1 + 2 * 30
    assert counts[0] == counts[1] == (3, 3)


def test_the_plan_page_and_api_do_not_grow_with_logs(app, clinic, login_as, api, count_queries):
    with app.app_context():
        few, many = (add_started_plan(clinic.record_a.id, clinic.physio.id) for _ in range(2))
        _fill(few, clinic.patient_a.id, clinic.physio.id, 1)
        _fill(many, clinic.patient_a.id, clinic.physio.id, 25)
    client = login_as(clinic.physio)
    api.physio.get(url(clinic))  # the token's first use is recorded once
    counts = {}
    for plan_id in (few, many):
        with count_queries() as page:
            assert client.get(page_url(clinic, f"/{plan_id}")).status_code == 200
        with count_queries() as detail:
            assert api.physio.get(url(clinic, f"/{plan_id}")).status_code == 200
        counts[plan_id] = (len(page), len(detail))
    assert counts[few] == counts[many]


# Pages ------------------------------------------------------------------------------------------

def page_url(clinic, rest: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/activity{rest}"


def test_record_tab_and_list_show_each_plan_at_a_glance(app, clinic, login_as, started):
    with app.app_context():
        add_session(started, clinic.patient_a.id, 12, response="yes")
    body = login_as(clinic.physio).get(page_url(clinic)).get_data(as_text=True)
    assert 'aria-current="page">Graded activity</a>' in body
    assert "New plan" in body and "Symptom-guided" in body
    assert "15 minutes" in body and "12 minutes" in body and "30 minutes" in body  # baseline → quota → goal
    assert "Suggestion waiting" in body
    physician = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert "New plan" not in physician and "Walking" in physician


def test_patient_sees_todays_quota_logs_and_answers_on_the_plan_page(app, clinic, login_as, started):
    with app.app_context():
        log_id = add_session(started, clinic.patient_a.id, 12)
    client = login_as(clinic.patient_a)
    body = client.get(page_url(clinic, f"/{started}")).get_data(as_text=True)
    assert "12 minutes of walking" in body and "Log what I did" in body
    assert "Were you back to your usual level within 24 hours?" in body and "I&#39;m having a flare" in body
    assert "Suggested next quota" not in body and "Change the plan" not in body

    answered = client.post(page_url(clinic, f"/{started}/logs/{log_id}/next-day"), data={"next_day-response": "flare"})
    assert answered.status_code == 302
    logged = client.post(page_url(clinic, f"/{started}/logs"),
                         data={"log-performed_on": clock.today().isoformat(), "log-done": "12"})
    assert logged.status_code == 302
    with app.app_context():
        log = db.session.get(ActivityLog, log_id)
        assert (log.next_day_response, log.flare) == ("worse", True)
    body = client.get(page_url(clinic, f"/{started}")).get_data(as_text=True)
    assert "Logged today: 12 minutes" in body and "Flare" in body


def test_clinician_accepts_the_suggestion_on_the_page(app, clinic, login_as, started):
    with app.app_context():
        add_session(started, clinic.patient_a.id, 12, response="yes")
    client = login_as(clinic.physio)
    body = client.get(page_url(clinic, f"/{started}")).get_data(as_text=True)
    assert "Accept: set 14 minutes" in body and "Back to the usual level within 24 hours" in body
    response = client.post(page_url(clinic, f"/{started}/accept"), data={"accept-version": "1", "accept-quota": "14"})
    assert response.status_code == 302
    with app.app_context():
        assert activity_progress.today_quota(clinic.record_a.id)[0].quota == 14
    physician = login_as(clinic.physician).get(page_url(clinic, f"/{started}")).get_data(as_text=True)
    assert "Suggested next quota" in physician and "Accept:" not in physician


def test_physician_and_patient_cannot_decide_on_the_page(app, clinic, login_as, started):
    for who in (clinic.physician, clinic.patient_a):
        response = login_as(who).post(page_url(clinic, f"/{started}/override"), data={
            "override-version": "1", "override-quota": "14", "override-reason": "Ready"})
        assert response.status_code == 403


def test_override_without_a_reason_comes_back_with_the_input(app, clinic, login_as, started):
    response = login_as(clinic.physio).post(page_url(clinic, f"/{started}/override"), data={
        "override-version": "1", "override-quota": "16", "override-reason": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Say why you chose a different quota." in body and 'value="16"' in body
    assert '<details class="ga-override" open' in body


def test_new_plan_form(app, clinic, login_as):
    client = login_as(clinic.psych)
    assert client.get(page_url(clinic, "/new")).status_code == 200
    bad = client.post(page_url(clinic, "/new"), data={
        "activity": "Sitting at a desk", "unit": "minutes", "mode": "time_contingent", "start_percent": "40",
        "increment": "5", "increment_every": "week", "goal_value": "not a number"})
    body = bad.get_data(as_text=True)
    assert bad.status_code == 422 and 'value="Sitting at a desk"' in body and "Start between 50 % and 100 %" in body
    good = client.post(page_url(clinic, "/new"), data={
        "activity": "Sitting at a desk", "unit": "minutes", "mode": "time_contingent", "start_percent": "70",
        "increment": "5", "increment_every": "week", "goal_value": "60"})
    assert good.status_code == 302
    assert login_as(clinic.physician).get(page_url(clinic, "/new")).status_code == 403


def test_baseline_and_start_on_the_page(app, clinic, login_as, ready):
    client = login_as(clinic.physio)
    body = client.get(page_url(clinic, f"/{ready}")).get_data(as_text=True)
    assert "Start the plan at 12 minutes" in body and "(if started today)" in body
    bad = client.post(page_url(clinic, f"/{ready}/baseline"), data={"baseline-performed_on": "", "baseline-done": "x"})
    assert bad.status_code == 422
    started = client.post(page_url(clinic, f"/{ready}/start"), data={
        "start-version": "1", "start-started_on": clock.today().isoformat()})
    assert started.status_code == 302
    page = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "Plan started. Today&#39;s quota is on this page." in page and "12 minutes" in page


def test_a_stale_edit_on_the_page_keeps_the_input_and_shows_the_current_plan(app, api, clinic, login_as, started):
    api.psych.patch(url(clinic, f"/{started}"), json={"version": 1, "goal_value": 40})
    response = login_as(clinic.physio).post(page_url(clinic, f"/{started}/edit"), data={
        "edit-version": "1", "edit-activity": "Nordic walking", "edit-unit": "minutes", "edit-start_percent": "80",
        "edit-mode": "symptom_guided", "edit-increment": "2", "edit-increment_every": "session",
        "edit-goal_value": "36"})
    body = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this in the meantime." in body and "40 minutes goal" in body
    assert 'value="Nordic walking"' in body and 'value="36"' in body
    assert 'name="edit-version" type="hidden" value="2"' in body


def test_a_bad_log_on_the_page_keeps_the_input(app, clinic, login_as, started):
    response = login_as(clinic.patient_a).post(page_url(clinic, f"/{started}/logs"), data={
        "log-performed_on": (clock.today() + timedelta(days=2)).isoformat(), "log-done": "11"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "cannot be in the future" in body and 'value="11' in body


def test_the_today_partial_logs_and_asks(app, clinic, login_as, started):
    with app.app_context():
        add_session(started, clinic.patient_a.id, 12)
    with app.test_request_context("/today"):
        html = render_template("activity/_today.html", today_quota=activity_progress.today_quota(clinic.record_a.id))
    assert "12 minutes of walking" in html and "Yesterday you did 12 minutes of walking." in html
    assert 'name="next" value="/my-record/today"' in html and 'name="log-done" value=""' in html
    with app.test_request_context("/today"):
        assert render_template("activity/_today.html", today_quota=[]).strip() == ""

    response = login_as(clinic.patient_a).post(page_url(clinic, f"/{started}/logs"), data={
        "log-performed_on": clock.today().isoformat(), "log-done": "12", "next": "/today"})
    assert response.status_code == 302 and response.headers["Location"] == "/today"
    offsite = login_as(clinic.patient_a).post(page_url(clinic, f"/{started}/logs"), data={
        "log-performed_on": clock.today().isoformat(), "log-done": "12", "next": "https://evil.example/"})
    assert offsite.headers["Location"].endswith(page_url(clinic, f"/{started}"))


def test_the_chart_shows_quota_dashed_and_done_solid(app, clinic, ctx, started):
    add_session(started, clinic.patient_a.id, 12, done=10)
    [progress] = activity_progress.activity_progress(clinic.record_a.id)
    svg = str(activity_progress.progress_chart(progress))
    assert 'stroke-dasharray="5 4"' in svg and "Quota" in svg and "Done" in svg
    assert [p.quota for p in progress.points] == [None, None, None, 12]  # baseline sessions first


def test_the_openapi_document_describes_the_activity_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/patients/{patient_id}/activity-plans"
    for path in ["", "/{plan_id}", "/{plan_id}/baseline", "/{plan_id}/start", "/{plan_id}/logs",
                 "/{plan_id}/logs/{log_id}/next-day", "/{plan_id}/suggestion", "/{plan_id}/decisions"]:
        assert base + path in paths, path
    assert "409" in paths[base + "/{plan_id}"]["patch"]["responses"]


def test_demo_history_is_a_walking_plan_in_progress(app, clinic, ctx):
    users = {"physiotherapist": db.session.get(User, clinic.physio.id)}
    add_activity_history(users, {"patient_a": db.session.get(Patient, clinic.record_a.id)}, clock.today())
    db.session.commit()
    [walking] = activity_progress.activity_progress(clinic.record_a.id)
    assert (walking.status, walking.start_quota, walking.baseline.sessions) == ("active", 12, 3)
    assert walking.current_quota > walking.start_quota
    assert walking.question.performed_on == clock.today() - timedelta(days=1)  # waiting for today's answer
    kinds = [(d.suggestion, d.reason) for d in walking.decisions]
    assert ("step_back", "") in kinds and ("progress", HOLD_REASON) in kinds


def test_a_session_beyond_what_the_unit_allows_is_refused(api, clinic, started):
    """100,000 minutes of walking is a typo, not a session: a day has 1,440."""
    response = api.patient_a.post(url(clinic, f"/{started}/logs"), json={"performed_on": yesterday(), "done": 100_000})
    assert response.status_code == 422 and "1,440" in response.get_json()["errors"]["done"][0]
    assert api.patient_a.post(url(clinic, f"/{started}/logs"),
                              json={"performed_on": yesterday(), "done": 1440}).status_code == 201
