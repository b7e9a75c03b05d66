"""Graded exposure: who does what (API and pages), validation, versions, mastery, order,
audit and timeline, query counts."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from careteam.extensions import db
from careteam.models import AuditEvent, ExposureAttempt, ExposureItem, RecordEvent, User
from careteam.services import clock
from careteam.services import exposure as service
from careteam.services.errors import Conflict
from tests.support.exposure import add_attempts, add_item

TEAM = ("patient_a", "physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
ITEM = {"description": "Bend to tie my shoes", "fear_rating": 40, "expectancy": 60,
        "predicted_consequence": "A sharp pain and I get stuck"}


def attempt(**changes):
    return {"attempted_on": clock.today().isoformat(), "present": "alone", "expectancy_before": 70,
            "what_happened": "It was stiff", "feared_outcome_occurred": False, "expectancy_after": 30,
            "fear_after": 40, "learned": "Stiff is not stuck", **changes}


def api_url(clinic, suffix: str = "", patient=None) -> str:
    return f"/api/v1/patients/{(patient or clinic.record_a).id}/{suffix}"


def page_url(clinic, suffix: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/exposure{suffix}"


@pytest.fixture
def item_id(app, clinic):
    with app.app_context():
        return add_item(clinic.record_a.id, clinic.psych, 40, description="Bend to tie my shoes")


# --- who may do what --------------------------------------------------------------------------

WRITE_STATUS = {"psych": 201, "physio": 403, "physician": 403, "patient_a": 403, **dict.fromkeys(OUTSIDERS, 404)}
LOG_STATUS = {"psych": 201, "physio": 201, "patient_a": 201, "physician": 403, **dict.fromkeys(OUTSIDERS, 404)}


@pytest.mark.parametrize("who", sorted(WRITE_STATUS))
def test_only_the_psychologist_adds_items(api, clinic, who):
    response = getattr(api, who).post(api_url(clinic, "exposure-items"), json=ITEM)
    assert response.status_code == WRITE_STATUS[who], response.get_json()


@pytest.mark.parametrize("who", sorted(WRITE_STATUS))
def test_only_the_psychologist_edits_marks_and_reorders(api, clinic, item_id, who):
    client = getattr(api, who)
    expected = 200 if who == "psych" else WRITE_STATUS[who]
    patch = client.patch(api_url(clinic, f"exposure-items/{item_id}"), json={"version": 1, "fear_rating": 45})
    order = client.put(api_url(clinic, "exposure-order"), json={"item_ids": [item_id]})
    mastery = client.post(api_url(clinic, f"exposure-items/{item_id}/mastery"),
                          json={"mastered": True, "reason": "Calm five times"})
    assert (patch.status_code, order.status_code, mastery.status_code) == (expected,) * 3


@pytest.mark.parametrize("who", sorted(LOG_STATUS))
def test_psychologist_physiotherapist_and_patient_log_attempts(api, clinic, item_id, who):
    response = getattr(api, who).post(api_url(clinic, f"exposure-items/{item_id}/attempts"), json=attempt())
    assert response.status_code == LOG_STATUS[who], response.get_json()
    if response.status_code == 201:
        assert response.get_json()["expectancy_drop"] == 40


@pytest.mark.parametrize("who", TEAM + OUTSIDERS)
def test_reads_by_role(api, clinic, item_id, who):
    client = getattr(api, who)
    responses = [client.get(api_url(clinic, path)) for path in
                 ("exposure", "exposure-items", f"exposure-items/{item_id}")]
    expected = 200 if who in TEAM else 404
    assert [r.status_code for r in responses] == [expected] * 3


def test_an_item_of_another_patient_is_404(api, app, clinic):
    with app.app_context():
        bobs = add_item(clinic.record_b.id, clinic.physio, 30)
    assert api.psych.get(api_url(clinic, f"exposure-items/{bobs}")).status_code == 404
    assert api.psych.patch(api_url(clinic, f"exposure-items/{bobs}"), json={"version": 1}).status_code == 404
    assert api.physio.post(api_url(clinic, f"exposure-items/{bobs}/attempts"), json=attempt()).status_code == 404


@pytest.mark.parametrize("who,status", [("psych", 200), ("physio", 403), ("physician", 403), ("patient_a", 403)])
def test_edit_page_only_for_the_psychologist(clinic, login_as, item_id, who, status):
    assert login_as(getattr(clinic, who)).get(page_url(clinic, f"/items/{item_id}/edit")).status_code == status


@pytest.mark.parametrize("who,status", [("psych", 200), ("physio", 200), ("patient_a", 200), ("physician", 403)])
def test_attempt_page_for_those_who_log(clinic, login_as, item_id, who, status):
    assert login_as(getattr(clinic, who)).get(page_url(clinic, f"/items/{item_id}/attempts/new")).status_code == status


@pytest.mark.parametrize(
    "who,add_form,log_link,move",
    [("psych", True, True, True), ("physio", False, True, False), ("patient_a", False, True, False),
     ("physician", False, False, False)],
)
def test_page_shows_each_role_its_forms(app, clinic, login_as, item_id, who, add_form, log_link, move):
    with app.app_context():
        add_item(clinic.record_a.id, clinic.psych, 70)
    html = login_as(getattr(clinic, who)).get(page_url(clinic)).get_data(as_text=True)
    assert ("Add an item" in html) is add_form
    assert ("Log an attempt" in html) is log_link
    assert ("Move down" in html) is move
    assert "Exposure</a>" in html  # the record tab


# --- validation -------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "body,field",
    [
        ({**ITEM, "patient_id": 2}, "patient_id"),
        ({**ITEM, "created_by_id": 1}, "created_by_id"),
        ({**ITEM, "fear_rating": 101}, "fear_rating"),
        ({**ITEM, "expectancy": -1}, "expectancy"),
        ({**ITEM, "fear_rating": "50"}, "fear_rating"),
        ({**ITEM, "description": "  "}, "description"),
        ({k: v for k, v in ITEM.items() if k != "expectancy"}, "expectancy"),
    ],
)
def test_item_input_is_checked(api, clinic, body, field):
    response = api.psych.post(api_url(clinic, "exposure-items"), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"logged_by_id": 1}, "logged_by_id"),
        ({"logged_by_role": "psychologist"}, "logged_by_role"),
        ({"attempted_on": (date.today() + timedelta(days=2)).isoformat()}, "attempted_on"),
        ({"expectancy_before": 120}, "expectancy_before"),
        ({"expectancy_after": None}, "expectancy_after"),
        ({"fear_after": -3}, "fear_after"),
        ({"present": "x" * 201}, "present"),
    ],
)
def test_attempt_input_is_checked(api, clinic, item_id, changes, field):
    response = api.patient_a.post(api_url(clinic, f"exposure-items/{item_id}/attempts"), json=attempt(**changes))
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_patch_rejects_unknown_fields_and_needs_a_version(api, clinic, item_id):
    url = api_url(clinic, f"exposure-items/{item_id}")
    assert "mastered_at" in api.psych.patch(url, json={"version": 1, "mastered_at": "2026-01-01"}).get_json()["errors"]
    assert "version" in api.psych.patch(url, json={"fear_rating": 10}).get_json()["errors"]


def test_marking_mastered_needs_a_reason(api, clinic, item_id):
    response = api.psych.post(api_url(clinic, f"exposure-items/{item_id}/mastery"), json={"mastered": True})
    assert response.status_code == 422 and "reason" in response.get_json()["errors"]


def test_reorder_needs_every_item_once(api, app, clinic, item_id):
    with app.app_context():
        other = add_item(clinic.record_a.id, clinic.psych, 80)
    for ids in ([item_id], [item_id, item_id], [item_id, other, 999]):
        response = api.psych.put(api_url(clinic, "exposure-order"), json={"item_ids": ids})
        assert response.status_code == 422 and "item_ids" in response.get_json()["errors"]


# --- versions ---------------------------------------------------------------------------------

def test_patch_with_the_current_version_changes_and_bumps_it(api, clinic, item_id):
    url = api_url(clinic, f"exposure-items/{item_id}")
    body = api.psych.patch(url, json={"version": 1, "fear_rating": 55, "reason": "Re-rated"}).get_json()
    assert (body["fear_rating"], body["version"], body["description"]) == (55, 2, "Bend to tie my shoes")


def test_a_stale_patch_is_409_with_the_current_values(api, app, clinic, item_id):
    url = api_url(clinic, f"exposure-items/{item_id}")
    assert api.psych.patch(url, json={"version": 1, "expectancy": 50}).status_code == 200
    stale = api.psych.patch(url, json={"version": 1, "expectancy": 90})
    assert stale.status_code == 409
    assert stale.get_json()["current"]["expectancy"] == 50 and stale.get_json()["current"]["version"] == 2
    with app.app_context():
        assert db.session.get(ExposureItem, item_id).expectancy == 50


def test_a_lost_race_becomes_a_conflict_not_a_500(ctx, clinic, item_id):
    """Another transaction bumps the version between our read and our write."""
    psych = db.session.get(User, clinic.psych.id)
    db.session.get(ExposureItem, item_id)  # our session holds version 1
    db.session.execute(update(ExposureItem).where(ExposureItem.id == item_id)
                       .values(version=2, fear_rating=90).execution_options(synchronize_session=False))
    with pytest.raises(Conflict) as raised:
        service.edit_item(psych, clinic.record_a.id, item_id, version=1, fear_rating=10)
    assert raised.value.current["fear_rating"] == 90 and raised.value.current["version"] == 2


def test_a_stale_edit_form_comes_back_409_with_the_input_kept(api, clinic, login_as, item_id):
    api.psych.patch(api_url(clinic, f"exposure-items/{item_id}"), json={"version": 1, "expectancy": 50})
    response = login_as(clinic.psych).post(page_url(clinic, f"/items/{item_id}/edit"), data={
        "version": "1", "description": "Bend to tie my shoes, standing", "fear_rating": "35",
        "expectancy": "45", "predicted_consequence": "", "reason": "Easier variant"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else changed this item" in html
    assert "Bend to tie my shoes, standing" in html and 'value="45"' in html and "Easier variant" in html
    assert 'id="version" name="version" type="hidden" value="2"' in html  # saving again builds on what was shown


def test_edit_form_saves_and_bad_input_is_422_with_input_kept(api, clinic, login_as, item_id):
    client = login_as(clinic.psych)
    bad = client.post(page_url(clinic, f"/items/{item_id}/edit"), data={
        "version": "1", "description": "Kept text", "fear_rating": "150", "expectancy": "x"})
    assert bad.status_code == 422 and "Kept text" in bad.get_data(as_text=True)
    good = client.post(page_url(clinic, f"/items/{item_id}/edit"), data={
        "version": "1", "description": "Bend down", "fear_rating": "35", "expectancy": "45"})
    assert good.status_code == 302
    assert api.psych.get(api_url(clinic, f"exposure-items/{item_id}")).get_json()["description"] == "Bend down"


# --- mastery ----------------------------------------------------------------------------------

def _log(api, clinic, item_id, after, who="patient_a", day=None):
    day = day or clock.today()
    response = getattr(api, who).post(api_url(clinic, f"exposure-items/{item_id}/attempts"),
                                      json=attempt(expectancy_after=after, attempted_on=day.isoformat()))
    assert response.status_code == 201, response.get_json()


def _progress_item(api, clinic, item_id):
    body = api.psych.get(api_url(clinic, "exposure")).get_json()
    return body, next(p for p in body["items"] if p["item"]["id"] == item_id)


def test_two_attempts_in_a_row_at_the_threshold_master_the_item(api, app, clinic, item_id):
    with app.app_context():
        harder = add_item(clinic.record_a.id, clinic.psych, 80)
    today = clock.today()
    _log(api, clinic, item_id, 20, day=today - timedelta(days=1))
    body, p = _progress_item(api, clinic, item_id)
    assert not p["mastered"] and body["suggested_next_item_id"] == item_id
    _log(api, clinic, item_id, 20, who="physio")
    body, p = _progress_item(api, clinic, item_id)
    assert p["mastered"] and p["item"]["mastery_reason"] == "expectancy ≤ 20 on two attempts in a row"
    assert not p["item"]["marked_by_clinician"]
    assert body["suggested_next_item_id"] == harder and body["mastered_count"] == 1
    with app.app_context():
        summaries = db.session.scalars(select(RecordEvent.summary).where(
            RecordEvent.patient_id == clinic.record_a.id, RecordEvent.part == "exposure")).all()
    assert any(s.startswith("Mastered: Bend to tie my shoes") for s in summaries)


def test_attempts_not_in_a_row_do_not_master(api, clinic, item_id):
    today = clock.today()
    for offset, after in ((3, 15), (2, 40), (1, 10)):
        _log(api, clinic, item_id, after, day=today - timedelta(days=offset))
    assert not _progress_item(api, clinic, item_id)[1]["mastered"]
    _log(api, clinic, item_id, 21)
    assert not _progress_item(api, clinic, item_id)[1]["mastered"]


def test_a_return_of_fear_puts_an_automatically_mastered_item_back(api, app, clinic, item_id):
    with app.app_context():
        add_attempts(item_id, clinic.psych, [(60, 10)])
    _log(api, clinic, item_id, 10)
    assert _progress_item(api, clinic, item_id)[1]["mastered"]
    _log(api, clinic, item_id, 60)
    _body, p = _progress_item(api, clinic, item_id)
    assert not p["mastered"] and p["last_expectancy_after"] == 60 and p["attempts_count"] == 3


def test_mastery_threshold_comes_from_config(api, app, clinic, item_id, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_MASTERY_THRESHOLD", 30)
    _log(api, clinic, item_id, 30)
    _log(api, clinic, item_id, 25)
    body, p = _progress_item(api, clinic, item_id)
    assert p["mastered"] and body["threshold"] == 30 and "≤ 30" in p["item"]["mastery_reason"]


def test_a_clinician_marks_and_lifts_mastery(api, clinic, item_id):
    url = api_url(clinic, f"exposure-items/{item_id}/mastery")
    marked = api.psych.post(url, json={"mastered": True, "reason": "Does it daily without fear"}).get_json()
    assert marked["mastered"] and marked["marked_by_clinician"]
    assert marked["mastery_reason"] == "Does it daily without fear"
    _log(api, clinic, item_id, 90)  # a clinician's mark stands against attempts
    assert _progress_item(api, clinic, item_id)[1]["mastered"]
    lifted = api.psych.post(url, json={"mastered": False}).get_json()
    assert not lifted["mastered"] and not lifted["marked_by_clinician"]


def test_mastery_forms_on_the_item_page(clinic, login_as, item_id):
    client = login_as(clinic.psych)
    bad = client.post(page_url(clinic, f"/items/{item_id}/mastered"), data={"reason": ""})
    assert bad.status_code == 422 and "Describe the reason." in bad.get_data(as_text=True)
    assert client.post(page_url(clinic, f"/items/{item_id}/mastered"), data={"reason": "Calm"}).status_code == 302
    html = client.get(page_url(clinic, f"/items/{item_id}")).get_data(as_text=True)
    assert "Mastered" in html and "Put back into practice" in html
    assert client.post(page_url(clinic, f"/items/{item_id}/unmastered")).status_code == 302
    assert "In practice" in client.get(page_url(clinic, f"/items/{item_id}")).get_data(as_text=True)


def test_physio_sees_no_mastery_form(clinic, login_as, item_id):
    html = login_as(clinic.physio).get(page_url(clinic, f"/items/{item_id}")).get_data(as_text=True)
    assert "Mark as mastered" not in html and "Log an attempt" in html
    assert login_as(clinic.physio).post(page_url(clinic, f"/items/{item_id}/mastered"),
                                        data={"reason": "x"}).status_code == 403


# --- order ------------------------------------------------------------------------------------

def test_order_is_by_fear_until_the_psychologist_places_items(api, app, clinic):
    with app.app_context():
        low, mid, high = (add_item(clinic.record_a.id, clinic.psych, f) for f in (20, 50, 80))
    ids = [i["id"] for i in api.patient_a.get(api_url(clinic, "exposure-items")).get_json()]
    assert ids == [low, mid, high]
    placed = api.psych.put(api_url(clinic, "exposure-order"), json={"item_ids": [mid, low, high]}).get_json()
    assert [(i["id"], i["position"]) for i in placed] == [(mid, 1), (low, 2), (high, 3)]
    assert api.psych.get(api_url(clinic, "exposure")).get_json()["suggested_next_item_id"] == mid


def test_move_buttons_reorder_the_list(api, app, clinic, login_as):
    with app.app_context():
        low, high = add_item(clinic.record_a.id, clinic.psych, 20), add_item(clinic.record_a.id, clinic.psych, 80)
    client = login_as(clinic.psych)
    assert client.post(page_url(clinic, f"/items/{high}/up")).status_code == 302
    assert [i["id"] for i in api.psych.get(api_url(clinic, "exposure-items")).get_json()] == [high, low]
    assert login_as(clinic.physio).post(page_url(clinic, f"/items/{high}/down")).status_code == 403


# --- pages: forms -----------------------------------------------------------------------------

def test_add_item_form(clinic, login_as):
    client = login_as(clinic.psych)
    bad = client.post(page_url(clinic, "/items"), data={"description": "Carry shopping", "fear_rating": "101",
                                                         "expectancy": ""})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Carry shopping" in html and "from 0 to 100" in html
    good = client.post(page_url(clinic, "/items"), data={"description": "Carry shopping", "fear_rating": "60",
                                                          "expectancy": "70", "predicted_consequence": ""})
    assert good.status_code == 302
    assert "Carry shopping" in client.get(page_url(clinic)).get_data(as_text=True)


def test_patient_logs_an_attempt_on_the_phone_form(app, clinic, login_as, item_id):
    client = login_as(clinic.patient_a)
    form = client.get(page_url(clinic, f"/items/{item_id}/attempts/new")).get_data(as_text=True)
    assert f'value="{clock.today().isoformat()}"' in form and "Did the feared outcome happen?" in form
    future = (clock.today() + timedelta(days=1)).isoformat()
    bad = client.post(page_url(clinic, f"/items/{item_id}/attempts"), data={
        "attempted_on": future, "expectancy_before": "80", "feared_outcome_occurred": "no",
        "expectancy_after": "30", "learned": "My back held"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "cannot be in the future" in html and "My back held" in html
    good = client.post(page_url(clinic, f"/items/{item_id}/attempts"), data={
        "attempted_on": clock.today().isoformat(), "expectancy_before": "80", "feared_outcome_occurred": "no",
        "expectancy_after": "30", "learned": "My back held"})
    assert good.status_code == 302
    with app.app_context():
        saved = db.session.scalar(select(ExposureAttempt).where(ExposureAttempt.item_id == item_id))
        saved_values = (saved.logged_by_role, saved.feared_outcome_occurred, saved.learned)
    assert saved_values == ("patient", False, "My back held")


def test_attempt_form_needs_the_yes_or_no(clinic, login_as, item_id):
    response = login_as(clinic.physio).post(page_url(clinic, f"/items/{item_id}/attempts"), data={
        "attempted_on": clock.today().isoformat(), "expectancy_before": "80", "expectancy_after": "30"})
    assert response.status_code == 422 and "Say whether the feared outcome happened." in response.get_data(as_text=True)


def test_item_page_shows_attempts_chart_and_lessons(app, clinic, login_as, item_id):
    with app.app_context():
        add_attempts(item_id, clinic.psych, [(80, 50), (50, 15)])
    html = login_as(clinic.physician).get(page_url(clinic, f"/items/{item_id}")).get_data(as_text=True)
    assert "<svg" in html and ">Before</text>" in html and ">After</text>" in html
    assert "80 → 50" in html and "down 35" in html and "Feared outcome did not happen" in html
    page = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert "Suggested next" in page and "<svg" in page


# --- audit, timeline, loaders -----------------------------------------------------------------

def test_changes_are_audited_and_on_the_timeline(api, app, clinic):
    item = api.psych.post(api_url(clinic, "exposure-items"), json=ITEM).get_json()
    api.psych.patch(api_url(clinic, f"exposure-items/{item['id']}"),
                    json={"version": 1, "fear_rating": 30, "reason": "Felt easier"})
    api.physio.post(api_url(clinic, f"exposure-items/{item['id']}/attempts"), json=attempt())
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(
            AuditEvent.patient_id == clinic.record_a.id, AuditEvent.object_type.like("exposure%"),
            AuditEvent.action != "read")).all()
        changes = db.session.scalars(select(RecordEvent).where(
            RecordEvent.patient_id == clinic.record_a.id, RecordEvent.part == "exposure")
            .order_by(RecordEvent.id)).all()
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "exposure_item"), ("update", "exposure_item"), ("create", "exposure_attempt")]
    assert all(e.detail is None for e in events)
    assert [c.summary for c in changes] == [
        "Exposure item added: Bend to tie my shoes (fear 40)",
        "Exposure item Bend to tie my shoes: fear 40 → 30",
        "Exposure attempt at Bend to tie my shoes: expectancy 70 → 30",
    ]
    assert changes[1].reason == "Felt easier" and changes[2].actor_role == "physiotherapist"


def test_reads_are_audited(api, app, clinic, item_id):
    api.patient_a.get(api_url(clinic, "exposure"))
    with app.app_context():
        reads = db.session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == clinic.patient_a.id, AuditEvent.action == "read")).all()
    assert [r.object_type for r in reads] == ["exposure_hierarchy"]


def _fill(app, clinic, items: int, attempts: int):
    with app.app_context():
        for n in range(items):
            item = add_item(clinic.record_a.id, clinic.psych, 10 + n)
            add_attempts(item, clinic.physio, [(70, 40)] * attempts)
        db.session.execute(update(ExposureItem).where(ExposureItem.patient_id == clinic.record_a.id)
                           .values(mastered_by_id=clinic.psych.id))
        db.session.commit()


def test_progress_loader_has_a_fixed_query_count(app, clinic, count_queries):
    _fill(app, clinic, 2, 1)
    with app.app_context(), count_queries() as few:
        assert len(service.exposure_progress(clinic.record_a.id).items) == 2
    _fill(app, clinic, 6, 4)
    with app.app_context(), count_queries() as many:
        progress = service.exposure_progress(clinic.record_a.id)
        assert len(progress.items) == 8 and sum(p.attempts_count for p in progress.items) == 26
        assert all(p.item.mastered_by.name for p in progress.items)
    assert len(many) == len(few) <= 2


@pytest.mark.parametrize("path", ["", "/items/{item}", "/items/{item}/attempts/new"])
def test_pages_have_a_fixed_query_count(app, clinic, login_as, count_queries, path):
    client = login_as(clinic.psych)
    _fill(app, clinic, 1, 1)
    with app.app_context():
        first = db.session.scalar(select(ExposureItem.id).order_by(ExposureItem.id))
    url = page_url(clinic, path.format(item=first))
    with count_queries() as few:
        assert client.get(url).status_code == 200
    _fill(app, clinic, 6, 5)
    with count_queries() as many:
        client.get(url)
    assert len(many) == len(few)


def test_api_progress_has_a_fixed_query_count(api, app, clinic, count_queries):
    _fill(app, clinic, 1, 1)
    api.physician.get(api_url(clinic, "exposure"))  # the token's first use writes its last-used time
    with count_queries() as few:
        api.physician.get(api_url(clinic, "exposure"))
    _fill(app, clinic, 5, 3)
    with count_queries() as many:
        assert len(api.physician.get(api_url(clinic, "exposure")).get_json()["items"]) == 6
    assert len(many) == len(few)


def test_openapi_documents_the_exposure_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    base = "/api/v1/patients/{patient_id}"
    for path in ("/exposure", "/exposure-items", "/exposure-items/{item_id}", "/exposure-items/{item_id}/attempts",
                 "/exposure-items/{item_id}/mastery", "/exposure-order"):
        assert base + path in paths, path
    assert "409" in paths[base + "/exposure-items/{item_id}"]["patch"]["responses"]


# --- the hierarchy chart names items, never list positions ---------------------------------------

def _chart_part(html: str) -> str:
    return html[html.index('id="chart-h"'):html.index("</section>", html.index('id="chart-h"'))]


def test_hierarchy_chart_is_headed_by_each_items_words_and_its_caption_uses_real_data(app, clinic, login_as, item_id):
    with app.app_context():
        other = add_item(clinic.record_a.id, clinic.psych, 60, description="Lift the shopping bag")
        add_attempts(item_id, clinic.psych, [(80, 50), (50, 15)], first_day=date(2026, 3, 2))
        add_attempts(other, clinic.psych, [(90, 60)], first_day=date(2026, 4, 20))
    part = _chart_part(login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True))
    assert part.count("<svg") == 2 and not re.search(r"#\d+ \d", part) and "item 2" not in part
    assert ">Bend to tie my shoes</tspan>" in part and ">Lift the shopping bag</tspan>" in part
    assert "on 20 Apr 2026 “Lift the shopping bag”: expectancy 90 before, 60 after." in part  # the latest attempt
    assert "12 Mar" not in part and ">2 Mar</text>" in part and ">3 Mar</text>" in part


def test_inserting_or_moving_an_item_keeps_each_attempt_under_its_own_item(api, app, clinic, login_as, item_id):
    with app.app_context():
        add_attempts(item_id, clinic.psych, [(80, 50)], first_day=date(2026, 3, 2))
    before = _chart_part(login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True))
    first = api.psych.post(api_url(clinic, "exposure-items"), json={**ITEM, "description": "Sit on the floor",
                                                                     "fear_rating": 10})
    assert first.status_code == 201
    api.psych.put(api_url(clinic, "exposure-order"), json={"item_ids": [first.get_json()["id"], item_id]})
    after = _chart_part(login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True))
    assert after.count("<svg") == before.count("<svg") == 1  # the untried item has no chart
    assert ">Bend to tie my shoes</tspan>" in after and "Sit on the floor" not in after


def test_no_example_without_attempts(app, clinic, login_as, item_id):
    part = _chart_part(login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True))
    assert "No attempts logged yet." in part and "For example" not in part and "<svg" not in part
