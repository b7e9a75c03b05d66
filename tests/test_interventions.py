"""Interventions: add, edit (optimistic concurrency), stop, list; pages and API for every role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, Intervention, RecordEvent
from tests.support import ledger as build

TODAY = date.today()
OUTSIDERS = ["outside_physician", "outside_physio", "outside_psych", "patient_b", "physician_b", "admin"]
NEW = {"name": "Heat pack", "tier": "immediate_relief", "kind": "heat_or_cold", "details": "15 min, evenings"}


def _intervention(app, clinic, introduced_by="physiotherapist", patient="record_a", **kwargs) -> int:
    with app.app_context():
        item = build.intervention(getattr(clinic, patient).id, clinic.physio.id, introduced_by=introduced_by,
                                  started_on=TODAY - timedelta(days=30), **kwargs)
        db.session.commit()
        return item.id


def _get(app, intervention_id) -> Intervention:
    with app.app_context():
        item = db.session.get(Intervention, intervention_id)
        db.session.expunge(item)
        return item


def _events(app, patient_id):
    with app.app_context():
        return db.session.scalars(select(RecordEvent).where(RecordEvent.patient_id == patient_id)
                                  .order_by(RecordEvent.id)).all()


def url(clinic, suffix=""):
    return f"/api/v1/patients/{clinic.record_a.id}/interventions{suffix}"


# --- API: adding ---------------------------------------------------------------------------

@pytest.mark.parametrize("who,introduced_by", [
    ("physician", "physician"), ("physio", "physiotherapist"), ("psych", "psychologist"), ("patient_a", "patient"),
])
def test_add_records_who_introduced_it(app, api, clinic, who, introduced_by):
    response = getattr(api, who).post(url(clinic), json={**NEW, "started_on": TODAY.isoformat()})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["introduced_by"], body["name"], body["active"], body["version"]) == (introduced_by, "Heat pack", True, 1)
    [event] = _events(app, clinic.record_a.id)
    assert event.summary == "Added intervention Heat pack (immediate relief)" and event.part == "interventions"
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "intervention",
                                                                 AuditEvent.object_id == str(body["id"]))) == "create"


def test_a_patient_cannot_claim_a_discipline(api, clinic):
    response = api.patient_a.post(url(clinic), json={**NEW, "introduced_by": "physician"})
    assert response.status_code == 422 and "introduced_by" in response.get_json()["errors"]


@pytest.mark.parametrize("body,field", [
    ({**NEW, "patient_id": 2}, "patient_id"),
    ({**NEW, "tier": "miracle"}, "tier"),
    ({**NEW, "kind": "magic"}, "kind"),
    ({**NEW, "name": ""}, "name"),
    ({"tier": "immediate_relief", "kind": "other"}, "name"),
    ({**NEW, "started_on": "2026-03-10", "stopped_on": "2026-03-01"}, "stopped_on"),
    ({**NEW, "stopped_on": (TODAY + timedelta(days=3)).isoformat()}, "stopped_on"),
])
def test_add_refuses_bad_input_with_422(api, clinic, body, field):
    response = api.physio.post(url(clinic), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404_everywhere(app, api, clinic, who):
    iid = _intervention(app, clinic)
    client = getattr(api, who)
    assert client.get(url(clinic)).status_code == 404
    assert client.post(url(clinic), json=NEW).status_code == 404
    assert client.get(url(clinic, f"/{iid}")).status_code == 404
    assert client.patch(url(clinic, f"/{iid}"), json={"version": 1, "name": "x"}).status_code == 404
    assert client.post(url(clinic, f"/{iid}/stop"), json={"reason": "x"}).status_code == 404
    assert _get(app, iid).name == "Heat pack"


# --- API: reading ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["physician", "physio", "psych", "patient_a"])
def test_list_and_item_by_tier(app, api, clinic, who):
    later = _intervention(app, clinic, name="Graded walking", tier="long_term_modifier", kind="exercise")
    first = _intervention(app, clinic, name="Breathing", tier="immediate_relief", kind="breathing_or_relaxation")
    body = getattr(api, who).get(url(clinic)).get_json()
    assert [i["id"] for i in body] == [first, later]
    item = getattr(api, who).get(url(clinic, f"/{later}")).get_json()
    assert item["tier"] == "long_term_modifier" and item["introduced_by"] == "physiotherapist"


def test_another_patients_intervention_is_404_under_this_record(app, api, clinic):
    other = _intervention(app, clinic, patient="record_b")
    assert api.physio.get(url(clinic, f"/{other}")).status_code == 404
    assert api.physio.patch(url(clinic, f"/{other}"), json={"version": 1, "name": "x"}).status_code == 404


# --- API: editing -----------------------------------------------------------------------------

def test_edit_changes_fields_and_tells_the_timeline(app, api, clinic):
    iid = _intervention(app, clinic)
    response = api.physician.patch(url(clinic, f"/{iid}"), json={
        "version": 1, "name": "Moist heat", "tier": "stabilizing_habit", "details": "20 min", "reason": "Daily now"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["version"] == 2 and response.get_json()["name"] == "Moist heat"
    event = _events(app, clinic.record_a.id)[-1]
    assert event.summary == ("Changed Heat pack: name Heat pack → Moist heat; "
                             "tier Immediate relief → Stabilizing habit; details updated")
    assert event.reason == "Daily now"


def test_stale_version_is_409_with_the_current_values(app, api, clinic):
    iid = _intervention(app, clinic)
    assert api.physio.patch(url(clinic, f"/{iid}"), json={"version": 1, "details": "20 min"}).status_code == 200
    response = api.psych.patch(url(clinic, f"/{iid}"), json={"version": 1, "details": "10 min"})
    assert response.status_code == 409
    body = response.get_json()
    assert body["current"]["details"] == "20 min" and body["current"]["version"] == 2
    assert body["errors"]["_"]
    assert _get(app, iid).details == "20 min"


@pytest.mark.parametrize("body", [{"name": "x"}, {"version": 1, "introduced_by": "patient"},
                                  {"version": 1, "created_by_id": 3}, {"version": "1", "name": "x"}])
def test_edit_refuses_unknown_fields_and_a_missing_version(app, api, clinic, body):
    iid = _intervention(app, clinic)
    assert api.physio.patch(url(clinic, f"/{iid}"), json=body).status_code == 422


def test_a_patient_edits_and_stops_only_what_they_introduced(app, api, clinic):
    theirs = _intervention(app, clinic, introduced_by="patient", name="Hot bath")
    clinicians = _intervention(app, clinic, name="Pregabalin", kind="medication")
    assert api.patient_a.patch(url(clinic, f"/{theirs}"), json={"version": 1, "details": "Epsom salt"}).status_code == 200
    assert api.patient_a.patch(url(clinic, f"/{clinicians}"), json={"version": 1, "details": "x"}).status_code == 403
    assert api.patient_a.post(url(clinic, f"/{clinicians}/stop"), json={"reason": "tired of it"}).status_code == 403
    assert _get(app, clinicians).details == "" and _get(app, clinicians).stopped_on is None
    with app.app_context():
        denied = db.session.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied",
                                                             AuditEvent.object_id == str(clinicians))).all()
    assert {e.action for e in denied} == {"update", "stop"}
    assert api.patient_a.post(url(clinic, f"/{theirs}/stop"), json={"reason": "Too hot"}).status_code == 200


def test_clinicians_edit_what_the_patient_introduced(app, api, clinic):
    theirs = _intervention(app, clinic, introduced_by="patient")
    assert api.psych.patch(url(clinic, f"/{theirs}"), json={"version": 1, "kind": "other"}).status_code == 200


# --- API: stopping --------------------------------------------------------------------------------

def test_stop_sets_the_date_and_records_the_reason(app, api, clinic):
    iid = _intervention(app, clinic, name="Pregabalin", kind="medication")
    response = api.physician.post(url(clinic, f"/{iid}/stop"), json={"reason": "Dizziness"})
    assert response.status_code == 200 and response.get_json()["stopped_on"] == TODAY.isoformat()
    assert response.get_json()["active"] is True  # in use until the end of today
    event = _events(app, clinic.record_a.id)[-1]
    assert (event.summary, event.reason) == ("Stopped Pregabalin", "Dizziness")
    again = api.physician.post(url(clinic, f"/{iid}/stop"), json={"reason": "Again"})
    assert again.status_code == 422 and "already stopped" in again.get_json()["errors"]["_"][0]


@pytest.mark.parametrize("body,field", [
    ({}, "reason"),
    ({"reason": ""}, "reason"),
    ({"reason": "x", "when": "now"}, "when"),
    ({"reason": "x", "stopped_on": (TODAY + timedelta(days=1)).isoformat()}, "stopped_on"),
    ({"reason": "x", "stopped_on": (TODAY - timedelta(days=60)).isoformat()}, "stopped_on"),  # before it started
])
def test_stop_refuses_bad_input(app, api, clinic, body, field):
    iid = _intervention(app, clinic)
    response = api.physio.post(url(clinic, f"/{iid}/stop"), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


# --- Pages ----------------------------------------------------------------------------------------

def page(clinic, suffix=""):
    return f"/patients/{clinic.record_a.id}/interventions{suffix}"


@pytest.mark.parametrize("who,button", [
    ("physician", "Add intervention"), ("physio", "Add intervention"), ("psych", "Add intervention"),
    ("patient_a", "Add something I tried myself"),
])
def test_index_shows_the_right_add_button(app, clinic, login_as, who, button):
    _intervention(app, clinic, name="Breathing", tier="immediate_relief")
    html = login_as(getattr(clinic, who)).get(page(clinic)).get_data(as_text=True)
    assert button in html and "Breathing" in html and "Pain portfolio" in html
    assert 'aria-current="page">What helped<' in html


@pytest.mark.parametrize("who", OUTSIDERS)
def test_pages_are_404_for_outsiders(app, clinic, login_as, who):
    iid = _intervention(app, clinic)
    client = login_as(getattr(clinic, who))
    for path in ("", "/new", f"/{iid}"):
        assert client.get(page(clinic, path)).status_code == 404


def test_patient_adds_something_they_tried(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    form = client.get(page(clinic, "/new")).get_data(as_text=True)
    assert "Add something I tried myself" in form
    response = client.post(page(clinic, "/new"), data={**NEW, "name": "Walk by the river", "started_on": ""})
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalar(select(Intervention).where(Intervention.name == "Walk by the river"))
        assert item.introduced_by == "patient" and item.created_by_id == clinic.patient_a.id


def test_add_form_keeps_input_on_errors(clinic, login_as):
    response = login_as(clinic.physio).post(page(clinic, "/new"), data={
        **NEW, "name": "", "details": "Only in the evening", "started_on": "not a date"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Only in the evening" in html and "Give it a name." in html and 'aria-invalid="true"' in html


def test_detail_shows_chart_and_forms_to_who_may_change(app, clinic, login_as):
    with app.app_context():
        checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, 4)
        item = build.intervention(clinic.record_a.id, clinic.physio.id, started_on=checkins[0].week_start)
        build.rate(checkins, item.id, [1, 2, None, 2], days_used=3)
        db.session.commit()
        iid = item.id
    html = login_as(clinic.physio).get(page(clinic, f"/{iid}")).get_data(as_text=True)
    assert "<svg" in html and "Weekly ratings of Heat pack" in html and "Helped a lot" in html
    assert "Save changes" in html and "Mark as stopped" in html and 'name="version" type="hidden" value="1"' in html
    patient_view = login_as(clinic.patient_a).get(page(clinic, f"/{iid}")).get_data(as_text=True)
    assert "Save changes" not in patient_view and "Your care team added this" in patient_view


def test_edit_form_saves(app, clinic, login_as):
    iid = _intervention(app, clinic)
    response = login_as(clinic.physio).post(page(clinic, f"/{iid}/edit"), data={
        **NEW, "details": "20 min", "started_on": "", "stopped_on": "", "reason": "", "version": "1"})
    assert response.status_code == 302
    assert _get(app, iid).details == "20 min"


def test_edit_form_conflict_keeps_input_and_shows_current_values(app, clinic, login_as, api):
    iid = _intervention(app, clinic)
    assert api.psych.patch(url(clinic, f"/{iid}"), json={"version": 1, "details": "Their details"}).status_code == 200
    response = login_as(clinic.physio).post(page(clinic, f"/{iid}/edit"), data={
        **NEW, "details": "My careful details", "started_on": "", "stopped_on": "", "reason": "", "version": "1"})
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved a change" in html
    assert "My careful details" in html and "Their details" in html
    assert 'name="version" type="hidden" value="2"' in html  # saving again is a deliberate overwrite
    assert _get(app, iid).details == "Their details"


def test_edit_form_bad_input_is_422_with_input_kept(app, clinic, login_as):
    iid = _intervention(app, clinic)
    response = login_as(clinic.physio).post(page(clinic, f"/{iid}/edit"), data={
        **NEW, "details": "Kept", "started_on": "2026-03-10", "stopped_on": "2026-03-01", "reason": "", "version": "1"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Kept" in html and "cannot be before the start date" in html


def test_patient_cannot_post_an_edit_of_a_clinicians_intervention(app, clinic, login_as):
    iid = _intervention(app, clinic)
    response = login_as(clinic.patient_a).post(page(clinic, f"/{iid}/edit"), data={
        **NEW, "details": "x", "started_on": "", "stopped_on": "", "reason": "", "version": "1"})
    assert response.status_code == 403
    assert _get(app, iid).details == ""


def test_stop_form(app, clinic, login_as):
    iid = _intervention(app, clinic)
    client = login_as(clinic.physician)
    bad = client.post(page(clinic, f"/{iid}/stop"), data={"stopped_on": TODAY.isoformat(), "reason": ""})
    assert bad.status_code == 422 and "Say why it was stopped." in bad.get_data(as_text=True)
    good = client.post(page(clinic, f"/{iid}/stop"), data={"stopped_on": TODAY.isoformat(), "reason": "Not needed"})
    assert good.status_code == 302 and _get(app, iid).stopped_on == TODAY
    assert "Mark as stopped" not in client.get(page(clinic, f"/{iid}")).get_data(as_text=True)


def test_a_lost_race_at_write_time_is_a_conflict_too(app, clinic, monkeypatch):
    """Versions matched when read, but another request saved before this one wrote."""
    from sqlalchemy import update

    from careteam.models import User
    from careteam.services import interventions
    from careteam.services.errors import Conflict

    iid = _intervention(app, clinic)
    describe = interventions._describe_changes

    def someone_saves_first(intervention, changes):
        db.session.execute(update(Intervention).where(Intervention.id == iid).values(version=2)
                           .execution_options(synchronize_session=False))
        return describe(intervention, changes)

    monkeypatch.setattr(interventions, "_describe_changes", someone_saves_first)
    with app.test_request_context():
        physio = db.session.get(User, clinic.physio.id)
        with pytest.raises(Conflict) as raised:
            interventions.edit_intervention(physio, clinic.record_a.id, iid, 1, {"details": "mine"})
    assert raised.value.current["id"] == iid and "version" in raised.value.current
