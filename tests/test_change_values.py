"""Every change keeps the values before and after, {field: [before, after]}, readable from the
timeline (dashboard page and API) by exactly those who may read that part of the record."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import RecordEvent
from tests.test_exercises import DOSE, base, bridge, fixed_clock  # noqa: F401 - fixtures
from tests.test_flare import PLAN, save, tools  # noqa: F401 - fixtures
from tests.test_goals import _goal, url as goal_url


def last_change(app, clinic, object_type: str) -> RecordEvent:
    with app.app_context():
        return db.session.scalars(select(RecordEvent).where(
            RecordEvent.patient_id == clinic.record_a.id, RecordEvent.object_type == object_type)
            .order_by(RecordEvent.id.desc())).first()


def timeline_changes(api, clinic, who: str) -> list[dict | None]:
    body = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    return [c["changes"] for c in body["changes"]]


def test_a_dose_change_keeps_the_dose_before_and_after(app, api, clinic, bridge):  # noqa: F811
    response = api.physio.post(f"{base(clinic)}/exercises/{bridge}/doses", json={"based_on_version": 1, **DOSE})
    assert response.status_code == 201, response.get_json()
    changes = last_change(app, clinic, "exercise_prescription").changes
    assert changes["reps"] == [10, 12] and changes["sessions_per_week"] == [3, 4]
    assert "sets" not in changes  # 3 before and after: only what changed is kept
    assert changes in timeline_changes(api, clinic, "patient_a")  # the patient reads doses


def test_a_goal_change_keeps_each_field_before_and_after(app, api, clinic):
    gid = _goal(app, clinic)
    response = api.physio.patch(goal_url(clinic, f"/{gid}"),
                                json={"version": 1, "target_score": 9, "target_date": "2026-12-31"})
    assert response.status_code == 200, response.get_json()
    changes = last_change(app, clinic, "goal").changes
    assert changes == {"target_score": [8, 9], "target_date": [None, "2026-12-31"]}
    for who in ("physician", "psych", "patient_a"):
        assert changes in timeline_changes(api, clinic, who)


def test_a_flare_plan_change_keeps_texts_and_tools_before_and_after(app, api, clinic, tools):  # noqa: F811
    save(api, clinic, tool_ids=[tools["walk"], tools["heat"]])
    second = save(api, clinic, based_on=1, minimum_activity="Walk 3 minutes twice a day",
                  tool_ids=[tools["heat"]], reason="Too ambitious in the last flare")
    assert second.status_code == 200, second.get_json()
    changes = last_change(app, clinic, "flare_plan").changes
    assert changes == {"minimum_activity": [PLAN["minimum_activity"], "Walk 3 minutes twice a day"],
                       "tools": [["Moist heat", "Walking"], ["Moist heat"]]}
    assert changes in timeline_changes(api, clinic, "patient_a")
    page = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    assert changes in [c["changes"] for c in page["changes"]]


@pytest.mark.parametrize("who", ["physician", "physio", "patient_a"])
def test_before_and_after_of_a_psychologists_note_void_never_reach_other_readers(app, api, clinic, who):
    from tests.support.notes import add_note

    with app.app_context():
        note = add_note(clinic.record_a.id, clinic.psych, "psychologists", "Private session content.")
    assert api.psych.post(f"/api/v1/patients/{clinic.record_a.id}/notes/{note}/void",
                          json={"reason": "Wrong record"}).status_code == 200
    assert {"voided": [False, True]} in timeline_changes(api, clinic, "psych")
    assert {"voided": [False, True]} not in timeline_changes(api, clinic, who)


def test_the_dashboard_page_shows_before_and_after(app, api, clinic, login_as):
    gid = _goal(app, clinic)
    api.physio.patch(goal_url(clinic, f"/{gid}"), json={"version": 1, "target_score": 9})
    page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "Before and after" in page and "target score" in page and "8 → 9" in page
