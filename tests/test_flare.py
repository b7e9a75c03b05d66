"""Flare-up plan: versions that are never rewritten, stale saves, tools, the patient's one tap,
flare days; access per role, validation, audit and timeline, query counts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import delete, func, select, update

from careteam import create_app
from careteam.domain.policy import Role
from careteam.domain.vocabulary import RED_FLAG_LABELS
from careteam.extensions import db
from careteam.models import (
    ApiToken,
    AuditEvent,
    CareTeamMember,
    FlareDay,
    FlarePlan,
    RecordEvent,
    User,
    flare_plan_tools,
)
from careteam.services import clock
from careteam.services import flare as service
from careteam.services.errors import Conflict
from tests import factories
from tests.conftest import make_config
from tests.support.exposure import add_flare_day, add_flare_plan, add_intervention
from tests.support.race import two_clients_at_once

TEAM = ("patient_a", "physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
PLAN = {"early_warning_signs": "Stiff mornings, short sleep", "minimum_activity": "Walk 5 minutes twice a day",
        "return_to_plan": "Half doses for three days, then full", "seek_help": "Red flags: call us"}


def api_url(clinic, suffix: str = "flare-plan") -> str:
    return f"/api/v1/patients/{clinic.record_a.id}/{suffix}"


def page_url(clinic, suffix: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/flare-plan{suffix}"


@pytest.fixture
def tools(app, clinic):
    """Heat (immediate relief), walking (habit), a stopped medication, and one of Bob's."""
    with app.app_context():
        return {
            "walk": add_intervention(clinic.record_a.id, clinic.physio, "Walking", "stabilizing_habit"),
            "heat": add_intervention(clinic.record_a.id, clinic.physio, "Moist heat", "immediate_relief"),
            "stopped": add_intervention(clinic.record_a.id, clinic.physician, "Old pills", "immediate_relief",
                                        stopped_on=date(2025, 7, 1)),
            "bobs": add_intervention(clinic.record_b.id, clinic.physio, "Bob's heat"),
        }


def plan_count(patient_id: int) -> int:
    return db.session.scalar(select(func.count(FlarePlan.id)).where(FlarePlan.patient_id == patient_id))


def save(api, clinic, who="physio", based_on=0, **changes):
    return getattr(api, who).put(api_url(clinic), json={"based_on_version": based_on, **PLAN, **changes})


# --- who may do what --------------------------------------------------------------------------

@pytest.mark.parametrize("who,status", [("physician", 200), ("physio", 200), ("psych", 200), ("patient_a", 403),
                                        *[(o, 404) for o in OUTSIDERS]])
def test_clinicians_write_the_plan(api, clinic, who, status):
    assert save(api, clinic, who).status_code == status


@pytest.mark.parametrize("who", TEAM + OUTSIDERS)
def test_reads_by_role(api, app, clinic, who):
    with app.app_context():
        add_flare_plan(clinic.record_a.id, clinic.physio)
    client = getattr(api, who)
    statuses = [client.get(api_url(clinic, path)).status_code for path in ("flare-plan", "flare-plan/versions",
                                                                            "flare-days")]
    assert statuses == [200 if who in TEAM else 404] * 3


@pytest.mark.parametrize("who,status", [("psych", 200), ("physician", 200), ("patient_a", 403), ("physio", 200)])
def test_edit_page_for_clinicians_only(clinic, login_as, who, status):
    assert login_as(getattr(clinic, who)).get(page_url(clinic, "/edit")).status_code == status


@pytest.mark.parametrize("who,status", [("patient_a", 201), ("physician", 403), ("physio", 403), ("psych", 403),
                                        *[(o, 404) for o in OUTSIDERS]])
def test_only_the_patient_records_flare_days(api, clinic, who, status):
    response = getattr(api, who).post(api_url(clinic, "flare-days"), json={})
    assert response.status_code == status


# --- versions ---------------------------------------------------------------------------------

def test_no_plan_yet_reads_as_version_0(api, clinic):
    assert api.patient_a.get(api_url(clinic)).get_json() == {"version": 0, "plan": None}


def test_every_save_is_a_new_version_and_old_ones_stay_as_they_were(api, app, clinic, tools):
    first = save(api, clinic, tool_ids=[tools["walk"], tools["heat"]]).get_json()
    assert first["version"] == 1 and first["plan"]["created_by"]["role"] == "physiotherapist"
    assert [t["name"] for t in first["plan"]["tools"]] == ["Moist heat", "Walking"]  # immediate relief first
    second = save(api, clinic, "psych", based_on=1, minimum_activity="Walk 3 minutes",
                  tool_ids=[tools["heat"]], reason="Too ambitious in the last flare").get_json()
    assert second["version"] == 2 and second["plan"]["reason"] == "Too ambitious in the last flare"
    versions = api.physician.get(api_url(clinic, "flare-plan/versions")).get_json()
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["minimum_activity"] == "Walk 5 minutes twice a day"
    assert [t["name"] for t in versions[1]["tools"]] == ["Moist heat", "Walking"]
    with app.app_context():
        assert plan_count(clinic.record_a.id) == 2


def test_a_stale_save_is_409_with_the_current_version_and_saves_nothing(api, app, clinic):
    save(api, clinic)
    save(api, clinic, "psych", based_on=1, minimum_activity="Walk 3 minutes", reason="Shorter")
    stale = save(api, clinic, "physician", based_on=1, minimum_activity="Walk 10 minutes", reason="Longer")
    assert stale.status_code == 409
    current = stale.get_json()["current"]
    assert (current["version"], current["minimum_activity"], current["created_by"]) == (2, "Walk 3 minutes",
                                                                                         "Dr. Sam Psych")
    first_again = save(api, clinic, "physician", based_on=0)
    assert first_again.status_code == 409
    with app.app_context():
        assert plan_count(clinic.record_a.id) == 2


def test_a_lost_race_meets_the_unique_version_and_becomes_a_conflict(ctx, clinic, monkeypatch):
    """Both saves read version 1; the other one inserted version 2 first."""
    add_flare_plan(clinic.record_a.id, clinic.physio, version=1)
    stale = service.current_plan(clinic.record_a.id)
    add_flare_plan(clinic.record_a.id, clinic.psych, version=2, minimum_activity="Theirs")
    real = service.current_plan
    calls = iter([stale])
    monkeypatch.setattr(service, "current_plan", lambda patient_id: next(calls, None) or real(patient_id))
    physician = db.session.get(User, clinic.physician.id)
    with pytest.raises(Conflict) as raised:
        service.save_plan(physician, clinic.record_a.id, based_on_version=1, tool_ids=[], reason="Mine", **PLAN)
    assert raised.value.current["version"] == 2 and raised.value.current["minimum_activity"] == "Theirs"
    assert plan_count(clinic.record_a.id) == 2


@pytest.fixture
def race_setup(database_url):
    """Two clinicians on one patient's team, committed for real; removed again afterwards."""
    app = create_app(make_config(database_url))
    with app.app_context():
        clinicians = [factories.user(Role.PHYSIOTHERAPIST, name="Race Physio"),
                      factories.user(Role.PSYCHOLOGIST, name="Race Psych")]
        patient = factories.patient(tuple(clinicians), name="Race Flare Patient")
        db.session.commit()
        tokens = [factories.api_token_for(c) for c in clinicians]
        ids = {"patient": patient.id, "users": [c.id for c in clinicians] + [patient.user_id]}
    yield app, ids["patient"], tokens
    with app.app_context():  # audit rows stay (append-only); everything else goes or is switched off
        plans = select(FlarePlan.id).where(FlarePlan.patient_id == ids["patient"])
        db.session.execute(delete(flare_plan_tools).where(flare_plan_tools.c.flare_plan_id.in_(plans)))
        db.session.execute(delete(FlarePlan).where(FlarePlan.patient_id == ids["patient"]))
        db.session.execute(delete(RecordEvent).where(RecordEvent.patient_id == ids["patient"]))
        db.session.execute(delete(CareTeamMember).where(CareTeamMember.patient_id == ids["patient"]))
        db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids["users"])))
        db.session.execute(update(User).where(User.id.in_(ids["users"])).values(active=False))
        db.session.commit()
        db.engine.dispose()


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_two_concurrent_first_plans_end_with_exactly_one_winner(database_url, race_setup):
    """Both clients pass the version check (no plan yet), then both insert version 1: the unique
    (patient_id, version) decides, and the loser gets 409 with the winner's plan, never a 500."""
    setup_app, patient_id, tokens = race_setup
    url = f"/api/v1/patients/{patient_id}/flare-plan"

    def first_plan(client, n: int):
        return client.put(url, json={"based_on_version": 0, **PLAN, "minimum_activity": f"Walk {n + 5} min"})

    results = two_clients_at_once(database_url, tokens, FlarePlan, first_plan)
    assert sorted(status for status, _ in results.values()) == [200, 409], results
    winner = next(body for status, body in results.values() if status == 200)
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["current"]["version"] == 1
    assert loser["current"]["minimum_activity"] == winner["plan"]["minimum_activity"]
    with setup_app.app_context():
        assert db.session.scalars(select(FlarePlan.version).where(FlarePlan.patient_id == patient_id)).all() == [1]


@pytest.mark.parametrize(
    "version,changes,field",
    [
        (0, {"patient_id": 1}, "patient_id"),
        (0, {"version": 3}, "version"),
        (0, {"created_by_id": 3}, "created_by_id"),
        (0, {"minimum_activity": "  "}, "minimum_activity"),
        (0, {"seek_help": ""}, "seek_help"),
        (0, {"return_to_plan": "x" * 4001}, "return_to_plan"),
        (1, {"reason": ""}, "reason"),  # a change needs its why
        (1, {"reason": "Nothing new"}, "_"),  # the same plan again
    ],
)
def test_plan_input_is_checked(api, clinic, version, changes, field):
    if version:
        save(api, clinic)
    response = save(api, clinic, "psych", based_on=version, **changes)
    assert response.status_code == 422 and field in response.get_json()["errors"], response.get_json()


@pytest.mark.parametrize("tool", ["stopped", "bobs"])
def test_tools_must_be_the_patients_active_interventions(api, clinic, tools, tool):
    response = save(api, clinic, tool_ids=[tools[tool]])
    assert response.status_code == 422 and "tool_ids" in response.get_json()["errors"]
    assert save(api, clinic, tool_ids=[999_999]).status_code == 422


def test_a_tool_that_has_stopped_may_stay_in_the_plan(api, app, clinic, tools):
    with app.app_context():
        add_flare_plan(clinic.record_a.id, clinic.physio, tool_ids=(tools["stopped"],))
    kept = save(api, clinic, based_on=1, tool_ids=[tools["stopped"], tools["heat"]], reason="Add heat")
    assert kept.status_code == 200, kept.get_json()


# --- pages ------------------------------------------------------------------------------------

def test_edit_form_starts_with_the_red_flags_and_active_tools(clinic, login_as, tools):
    html = login_as(clinic.psych).get(page_url(clinic, "/edit")).get_data(as_text=True)
    assert all(label in html for label in RED_FLAG_LABELS.values())
    assert html.index("Moist heat") < html.index("Walking") and "Old pills" not in html and "Bob" not in html
    assert 'name="based_on_version" type="hidden" value="0"' in html


def test_edit_form_saves_and_the_plan_page_shows_who_when_why(clinic, login_as, tools):
    client = login_as(clinic.physio)
    response = client.post(page_url(clinic, "/edit"), data={
        "based_on_version": "0", **PLAN, "tool_ids": [str(tools["heat"])], "reason": "After the March flare"})
    assert response.status_code == 302
    html = login_as(clinic.patient_a).get(page_url(clinic)).get_data(as_text=True)
    assert "Version 1" in html and "Pat Physio" in html and "After the March flare" in html
    assert "Moist heat" in html and "Walk 5 minutes twice a day" in html and "Change the plan" not in html


def test_a_stale_edit_form_comes_back_409_with_the_input_kept(api, clinic, login_as, tools):
    save(api, clinic)
    save(api, clinic, "psych", based_on=1, minimum_activity="Walk 3 minutes", reason="Shorter")
    response = login_as(clinic.physician).post(page_url(clinic, "/edit"), data={
        "based_on_version": "1", **PLAN, "minimum_activity": "Swim 10 minutes", "reason": "Likes water",
        "tool_ids": [str(tools["heat"])]})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Dr. Sam Psych saved version 2 while you were editing" in html and "Walk 3 minutes" in html
    assert "Swim 10 minutes" in html and "Likes water" in html
    assert f'value="{tools["heat"]}" checked' in html
    assert 'name="based_on_version" type="hidden" value="2"' in html


def test_bad_edit_form_input_is_422_with_the_input_kept(clinic, login_as):
    response = login_as(clinic.psych).post(page_url(clinic, "/edit"), data={
        "based_on_version": "0", "early_warning_signs": "Kept signs", "minimum_activity": "", "seek_help": "Help"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Kept signs" in html and "scale down, never disappear" in html


def test_plan_page_lists_the_history(api, clinic, login_as):
    save(api, clinic)
    save(api, clinic, "psych", based_on=1, minimum_activity="Walk 3 minutes", reason="Shorter")
    html = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert "Version 2" in html and "current" in html and "<details>" in html and "Shorter" in html
    assert "Flare-up plan</a>" in html  # the record tab


def test_plan_page_without_a_plan(clinic, login_as):
    html = login_as(clinic.patient_a).get(page_url(clinic)).get_data(as_text=True)
    assert "There is no flare-up plan yet" in html and RED_FLAG_LABELS["saddle_numbness"] in html


# --- "I'm having a flare" ---------------------------------------------------------------------

def test_flare_now_shows_the_plan_tools_first_and_the_red_flags(app, clinic, login_as, tools):
    with app.app_context():
        add_flare_plan(clinic.record_a.id, clinic.physio, tool_ids=(tools["walk"], tools["heat"]))
    html = login_as(clinic.patient_a).get("/my-record/flare").get_data(as_text=True)
    order = [html.index(text) for text in ("Moist heat", "Walking", "Walk 5 minutes twice a day",
                                           "Back to full doses over a week", RED_FLAG_LABELS["saddle_numbness"])]
    assert order == sorted(order)
    assert "Record today as a flare day" in html and "I&#39;m having a flare" in html


def test_recording_today_is_idempotent_and_confirmed(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    first = client.post("/my-record/flare/day", follow_redirects=True).get_data(as_text=True)
    assert "is recorded as a flare day. It will appear in this week's check-in" in first
    assert "Record today as a flare day" not in first
    assert client.post("/my-record/flare/day").status_code == 302
    with app.app_context():
        days = db.session.scalars(select(FlareDay.day).where(FlareDay.patient_id == clinic.record_a.id)).all()
        changes = db.session.scalar(select(func.count(RecordEvent.id)).where(
            RecordEvent.patient_id == clinic.record_a.id, RecordEvent.object_type == "flare_day"))
    assert days == [clock.today()] and changes == 1


def test_flare_now_without_a_plan_is_kind_and_shows_the_red_flags(clinic, login_as):
    html = login_as(clinic.patient_a).get("/my-record/flare").get_data(as_text=True)
    assert "have a flare-up plan yet" in html and "contact your care team" in html
    assert all(label in html for label in RED_FLAG_LABELS.values())


@pytest.mark.parametrize("who", ["physician", "admin"])
def test_flare_now_sends_others_home(clinic, login_as, who):
    client = login_as(getattr(clinic, who))
    assert client.get("/my-record/flare").status_code == 302
    assert client.post("/my-record/flare/day").status_code == 302


def test_a_patient_without_a_record_is_told_kindly(app, login_as):
    with app.app_context():
        lonely = factories.user("patient")
        db.session.commit()
        lonely = factories.detached(factories.SimpleNamespace(user=lonely))
    html = login_as(lonely.user).get("/my-record/flare").get_data(as_text=True)
    assert "contact your care team" in html


# --- flare days -------------------------------------------------------------------------------

def test_flare_days_api(api, app, clinic):
    today = clock.today()
    created = api.patient_a.post(api_url(clinic, "flare-days"), json={"day": (today - timedelta(days=2)).isoformat()})
    again = api.patient_a.post(api_url(clinic, "flare-days"), json={"day": (today - timedelta(days=2)).isoformat()})
    assert (created.status_code, again.status_code) == (201, 200)
    api.patient_a.post(api_url(clinic, "flare-days"), json={})
    days = api.physio.get(api_url(clinic, "flare-days")).get_json()
    assert [d["day"] for d in days] == [(today - timedelta(days=2)).isoformat(), today.isoformat()]
    one = api.physio.get(api_url(clinic, f"flare-days?since={today.isoformat()}")).get_json()
    assert len(one) == 1


@pytest.mark.parametrize(
    "body,field",
    [({"day": (date.today() + timedelta(days=3)).isoformat()}, "day"),
     ({"day": (date.today() - timedelta(days=30)).isoformat()}, "day"),
     ({"day": "yesterday"}, "day"),
     ({"recorded_by_id": 1}, "recorded_by_id")],
)
def test_flare_day_input_is_checked(api, clinic, body, field):
    response = api.patient_a.post(api_url(clinic, "flare-days"), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_flare_days_query_is_checked(api, clinic):
    assert api.physio.get(api_url(clinic, "flare-days?since=2026-03-10&until=2026-03-01")).status_code == 422
    assert api.physio.get(api_url(clinic, "flare-days?since=March")).status_code == 422


def test_flare_days_loader(app, clinic):
    with app.app_context():
        for day in (date(2026, 3, 1), date(2026, 3, 3), date(2026, 3, 9)):
            add_flare_day(clinic.record_a.id, clinic.patient_a, day)
        add_flare_day(clinic.record_b.id, clinic.patient_b, date(2026, 3, 3))
        assert service.flare_days(clinic.record_a.id, date(2026, 3, 2), date(2026, 3, 9)) == [
            date(2026, 3, 3), date(2026, 3, 9)]


# --- audit, timeline, loaders -----------------------------------------------------------------

def test_saves_are_audited_and_on_the_timeline(api, app, clinic, tools):
    save(api, clinic, tool_ids=[tools["heat"]])
    save(api, clinic, "psych", based_on=1, minimum_activity="Walk 3 minutes", tool_ids=[], reason="Shorter")
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.patient_id == clinic.record_a.id, AuditEvent.object_type == "flare_plan",
            AuditEvent.action == "create")).all()
        changes = db.session.scalars(select(RecordEvent).where(
            RecordEvent.patient_id == clinic.record_a.id, RecordEvent.part == "flare_plan")
            .order_by(RecordEvent.id)).all()
    assert len(events) == 2 and all(e.detail is None for e in events)
    assert [(c.summary, c.reason) for c in changes] == [
        ("Flare-up plan written (version 1)", ""),
        ("Flare-up plan version 2: minimum activity, tools changed", "Shorter"),
    ]


def test_current_plan_loader_has_a_fixed_query_count(app, clinic, tools, count_queries):
    with app.app_context():
        add_flare_plan(clinic.record_a.id, clinic.physio, 1, (tools["heat"],))
    with app.app_context(), count_queries() as few:
        assert service.current_plan(clinic.record_a.id).created_by.name
    with app.app_context():
        for version in range(2, 8):
            add_flare_plan(clinic.record_a.id, clinic.psych, version, (tools["heat"], tools["walk"]))
    with app.app_context(), count_queries() as many:
        plan = service.current_plan(clinic.record_a.id)
        assert plan.version == 7 and len(plan.tools) == 2 and plan.created_by.name
    assert len(many) == len(few) <= 3


@pytest.mark.parametrize("url", ["/patients/{id}/flare-plan", "/patients/{id}/flare-plan/edit", "/my-record/flare"])
def test_pages_have_a_fixed_query_count(app, clinic, login_as, tools, count_queries, url):
    client = login_as(clinic.patient_a if url.startswith("/my") else clinic.physio)
    url = url.format(id=clinic.record_a.id)
    with app.app_context():  # by someone other than the reader, who would be in the session already
        add_flare_plan(clinic.record_a.id, clinic.psych, 1, (tools["heat"],))
    client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    with app.app_context():
        for version in range(2, 7):
            add_flare_plan(clinic.record_a.id, clinic.psych, version, (tools["heat"], tools["walk"]))
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_openapi_documents_the_flare_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/patients/{patient_id}"
    assert {"get", "put"} <= set(paths[base + "/flare-plan"])
    assert "409" in paths[base + "/flare-plan"]["put"]["responses"]
    assert base + "/flare-plan/versions" in paths and {"get", "post"} <= set(paths[base + "/flare-days"])
