"""Notes: who writes and reads which visibility (pages, API, search, counts), addenda, audit."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, Note, RecordEvent, utcnow
from careteam.services import notes
from careteam.services.errors import Forbidden, InvalidInput, NotFound
from tests.support.notes import add_note
from tests.support.pages import without_request_id

VISIBILITIES = ("team_and_patient", "clinicians", "psychologists")
TEAM = ("patient_a", "physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
NOT_FOUND = {"errors": {"_": ["There is nothing here, or you do not have access to it."]}}

# Who may write which visibility on patient A's record (DESIGN.md), spelled out, not derived.
WRITE_STATUS = {
    ("patient_a", "team_and_patient"): 403, ("patient_a", "clinicians"): 403, ("patient_a", "psychologists"): 403,
    ("physician", "team_and_patient"): 201, ("physician", "clinicians"): 201, ("physician", "psychologists"): 403,
    ("physio", "team_and_patient"): 201, ("physio", "clinicians"): 201, ("physio", "psychologists"): 403,
    ("psych", "team_and_patient"): 201, ("psych", "clinicians"): 201, ("psych", "psychologists"): 201,
    **{(who, v): 404 for who in OUTSIDERS for v in VISIBILITIES},
}
READS = {
    "patient_a": {"team_and_patient"},
    "physician": {"team_and_patient", "clinicians"},
    "physio": {"team_and_patient", "clinicians"},
    "psych": {"team_and_patient", "clinicians", "psychologists"},
}


@pytest.fixture
def one_of_each(app, clinic):
    """One note of each visibility on A's record by the psychologist; body names the visibility."""
    with app.app_context():
        return {v: add_note(clinic.record_a.id, clinic.psych, v, f"Body of the {v} note.") for v in VISIBILITIES}


def notes_url(clinic, suffix: str = "") -> str:
    return f"/api/v1/patients/{clinic.record_a.id}/notes{suffix}"


def page_url(clinic, suffix: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/notes{suffix}"


# --- writing -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "visibility"), sorted(WRITE_STATUS))
def test_api_write_by_role_and_visibility(api, clinic, who, visibility):
    response = getattr(api, who).post(notes_url(clinic), json={"visibility": visibility, "body": "  Seen today.  "})

    assert response.status_code == WRITE_STATUS[(who, visibility)], response.get_json()
    if response.status_code == 201:
        body = response.get_json()
        assert body["visibility"] == visibility and body["body"] == "Seen today."
        assert body["author_id"] == getattr(clinic, who).id and body["addendum_to_id"] is None


@pytest.mark.parametrize(("who", "visibility"), sorted(WRITE_STATUS))
def test_page_write_by_role_and_visibility(app, clinic, login_as, who, visibility):
    response = login_as(getattr(clinic, who)).post(page_url(clinic), data={"visibility": visibility,
                                                                            "body": "Seen today."})

    expected = WRITE_STATUS[(who, visibility)]
    assert response.status_code == (302 if expected == 201 else expected)
    with app.app_context():
        written = db.session.scalars(select(Note).where(Note.patient_id == clinic.record_a.id)).all()
    assert [n.visibility for n in written] == ([visibility] if expected == 201 else [])


@pytest.mark.parametrize(("body", "message"), [
    ("", "Missing data for required field."),
    ("   \n ", "Write something here."),  # blank required text: refused by the schema (issue 15)
    ("x" * 20_001, "Longer than maximum length 20000."),
])
def test_api_write_rejects_empty_and_long_bodies(api, clinic, body, message):
    response = api.physician.post(notes_url(clinic), json={"visibility": "clinicians", "body": body}
                                  if body else {"visibility": "clinicians"})
    assert response.status_code == 422
    assert response.get_json()["errors"]["body"] == [message]


def test_api_accepts_a_body_of_exactly_the_limit(api, clinic):
    response = api.physician.post(notes_url(clinic), json={"visibility": "clinicians", "body": "x" * 20_000})
    assert response.status_code == 201


@pytest.mark.parametrize("extra", [{"author_id": 1}, {"patient_id": 2}, {"created_at": "2026-01-01T00:00:00Z"},
                                   {"addendum_to_id": 3}])
def test_api_write_rejects_unknown_fields(api, clinic, extra):
    response = api.psych.post(notes_url(clinic), json={"visibility": "clinicians", "body": "B", **extra})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == list(extra)


def test_api_write_rejects_an_unknown_visibility(api, clinic):
    response = api.psych.post(notes_url(clinic), json={"visibility": "everyone", "body": "B"})
    assert response.status_code == 422 and "visibility" in response.get_json()["errors"]


def test_service_refuses_unknown_visibility_and_forbidden_parts(ctx, clinic):
    with pytest.raises(InvalidInput) as invalid:
        notes.write_note(clinic.physician, clinic.record_a.id, "everyone", "B")
    assert invalid.value.errors == {"visibility": ["Choose who may read this note."]}
    with pytest.raises(Forbidden):
        notes.write_note(clinic.physician, clinic.record_a.id, "psychologists", "B")
    with pytest.raises(NotFound):  # an outsider learns nothing, not even that the input was wrong
        notes.write_note(clinic.outside_psych, clinic.record_a.id, "everyone", "B")


def test_write_form_offers_only_writable_visibilities_and_defaults_to_clinicians(clinic, login_as):
    physician_page = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert re.search(r'<option selected value="clinicians">', physician_page)
    assert 'value="psychologists"' not in physician_page
    assert "The clinicians on the care team." in physician_page  # each visibility explained

    psych_page = login_as(clinic.psych).get(page_url(clinic)).get_data(as_text=True)
    assert re.search(r'<option selected value="clinicians">', psych_page)
    assert "Only psychologists on the care team" in psych_page


def test_patient_sees_no_write_form(clinic, login_as):
    html = login_as(clinic.patient_a).get(page_url(clinic)).get_data(as_text=True)
    assert "Write a note" not in html and 'name="body"' not in html


def test_write_form_with_bad_input_keeps_it_and_answers_422(clinic, login_as):
    client = login_as(clinic.psych)
    empty = client.post(page_url(clinic), data={"visibility": "psychologists", "body": "   "})
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert "Write the note." in html and '<option selected value="psychologists">' in html

    long_body = "word " * 4_001
    too_long = client.post(page_url(clinic), data={"visibility": "team_and_patient", "body": long_body})
    assert too_long.status_code == 422
    assert long_body.strip() in too_long.get_data(as_text=True)


def test_unknown_visibility_on_the_page_is_422(clinic, login_as):
    response = login_as(clinic.physio).post(page_url(clinic), data={"visibility": "everyone", "body": "B"})
    assert response.status_code == 422
    assert "Choose who may read this note." in response.get_data(as_text=True)


# --- reading -----------------------------------------------------------------------------------

@pytest.mark.parametrize("who", TEAM)
def test_api_list_shows_exactly_the_readable_visibilities(api, clinic, one_of_each, who):
    body = getattr(api, who).get(notes_url(clinic)).get_json()

    assert {n["visibility"] for n in body["items"]} == READS[who]
    assert body["counts"] == {v: 1 for v in VISIBILITIES if v in READS[who]}


@pytest.mark.parametrize("who", TEAM)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_api_detail_by_role_and_visibility(api, clinic, one_of_each, who, visibility):
    response = getattr(api, who).get(notes_url(clinic, f"/{one_of_each[visibility]}"))

    if visibility in READS[who]:
        assert response.status_code == 200
        assert response.get_json()["body"] == f"Body of the {visibility} note."
    else:
        assert response.status_code == 404 and response.get_json() == NOT_FOUND


@pytest.mark.parametrize("who", TEAM)
@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_pages_by_role_and_visibility(clinic, login_as, one_of_each, who, visibility):
    client = login_as(getattr(clinic, who))
    listing = client.get(page_url(clinic)).get_data(as_text=True)
    detail = client.get(page_url(clinic, f"/{one_of_each[visibility]}"))

    readable = visibility in READS[who]
    assert (f"Body of the {visibility} note." in listing) == readable
    assert detail.status_code == (200 if readable else 404)
    assert (f"Body of the {visibility} note." in detail.get_data(as_text=True)) == readable


def test_list_shows_author_discipline_time_and_visibility_badge(clinic, login_as, one_of_each):
    html = login_as(clinic.psych).get(page_url(clinic)).get_data(as_text=True)
    assert "Dr. Sam Psych" in html and "Psychologist" in html
    assert '<span class="badge vis-badge vis-psychologists">Psychologists only</span>' in html
    assert "<time datetime=" in html
    assert html.count("Add a correction (addendum)") == 3


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admin_get_404_everywhere(api, clinic, login_as, one_of_each, who):
    note_id = one_of_each["team_and_patient"]
    client = getattr(api, who)
    for response in (
        client.get(notes_url(clinic)),
        client.get(notes_url(clinic, "/counts")),
        client.get(notes_url(clinic, f"/{note_id}")),
        client.post(notes_url(clinic, f"/{note_id}/addenda"), json={"body": "B"}),
    ):
        assert response.status_code == 404 and response.get_json() == NOT_FOUND
    page = login_as(getattr(clinic, who))
    assert page.get(page_url(clinic)).status_code == 404
    assert page.get(page_url(clinic, f"/{note_id}")).status_code == 404


def test_a_hidden_note_answers_exactly_like_a_missing_one(api, app, clinic, login_as, one_of_each):
    hidden_id, missing_id = one_of_each["psychologists"], 987_654
    hidden = api.physician.get(notes_url(clinic, f"/{hidden_id}"))
    missing = api.physician.get(notes_url(clinic, f"/{missing_id}"))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json() == NOT_FOUND

    client = login_as(clinic.physician)
    hidden_page = client.get(page_url(clinic, f"/{hidden_id}"))
    missing_page = client.get(page_url(clinic, f"/{missing_id}"))
    assert hidden_page.status_code == missing_page.status_code == 404
    assert without_request_id(hidden_page) == without_request_id(missing_page)

    with app.app_context():
        denied = db.session.scalars(select(AuditEvent.object_id).where(
            AuditEvent.user_id == clinic.physician.id, AuditEvent.object_type == "note",
            AuditEvent.outcome == "denied")).all()
    assert str(hidden_id) in denied and str(missing_id) in denied


def test_a_note_of_another_patient_is_404(api, app, clinic):
    with app.app_context():
        b_note = add_note(clinic.record_b.id, clinic.physio, "team_and_patient", "Bob's note.")
    response = api.physio.get(notes_url(clinic, f"/{b_note}"))
    assert response.status_code == 404 and response.get_json() == NOT_FOUND
    assert api.physio.post(notes_url(clinic, f"/{b_note}/addenda"), json={"body": "x"}).status_code == 404


def test_list_is_newest_first_and_paged(api, app, clinic):
    start = utcnow() - timedelta(days=30)
    with app.app_context():
        for day in range(25):
            add_note(clinic.record_a.id, clinic.physician, "clinicians", f"Day {day}.",
                     created_at=start + timedelta(days=day))
    first = api.physio.get(notes_url(clinic)).get_json()
    second = api.physio.get(notes_url(clinic, "?page=2")).get_json()

    assert [n["body"] for n in first["items"]][:2] == ["Day 24.", "Day 23."]
    assert len(first["items"]) == 20 and first["has_next"] and first["page"] == 1
    assert [n["body"] for n in second["items"]] == [f"Day {d}." for d in range(4, -1, -1)]
    assert not second["has_next"] and second["counts"] == {"team_and_patient": 0, "clinicians": 25}


# --- search, filter, counts --------------------------------------------------------------------

@pytest.fixture
def searchable(app, clinic):
    with app.app_context():
        ids = {
            "shared": add_note(clinic.record_a.id, clinic.physician, "team_and_patient", "Walking HELPS the back."),
            "clinical": add_note(clinic.record_a.id, clinic.physio, "clinicians", "Hip mobility limited."),
            "private": add_note(clinic.record_a.id, clinic.psych, "psychologists", "Fear of bending; walking ok."),
            "literal": add_note(clinic.record_a.id, clinic.physio, "clinicians", "Load 50%_of max."),
        }
        ids["corrected"] = add_note(clinic.record_a.id, clinic.physio, "clinicians", "Knee flexion 90 deg.")
        add_note(clinic.record_a.id, clinic.physio, "clinicians", "Correction: it was the left KNEE.",
                 addendum_to_id=ids["corrected"])
        return ids


def found(api_client, clinic, query: str) -> set[int]:
    return {n["id"] for n in api_client.get(notes_url(clinic, query)).get_json()["items"]}


def test_search_is_case_insensitive(api, clinic, searchable):
    assert found(api.psych, clinic, "?q=walking") == {searchable["shared"], searchable["private"]}
    assert found(api.psych, clinic, "?q=HIP") == {searchable["clinical"]}


def test_search_never_finds_hidden_notes(api, clinic, searchable):
    assert found(api.physician, clinic, "?q=walking") == {searchable["shared"]}
    assert found(api.physician, clinic, "?q=bending") == set()
    assert found(api.patient_a, clinic, "?q=hip") == set()
    html = api.physician.get(notes_url(clinic, "?q=bending")).get_data(as_text=True)
    assert "Fear of bending" not in html


def test_search_finds_a_note_through_its_correction(api, clinic, searchable):
    assert found(api.physio, clinic, "?q=left knee") == {searchable["corrected"]}


def test_search_treats_like_wildcards_literally(api, clinic, searchable):
    assert found(api.physio, clinic, "?q=50%25_of") == {searchable["literal"]}
    assert found(api.physio, clinic, "?q=%25") == {searchable["literal"]}
    assert found(api.physio, clinic, "?q=_") == {searchable["literal"]}


def test_filter_by_visibility_stays_within_readable_ones(api, clinic, searchable):
    assert found(api.psych, clinic, "?visibility=psychologists") == {searchable["private"]}
    assert found(api.physician, clinic, "?visibility=psychologists") == set()
    assert found(api.physician, clinic, "?visibility=clinicians&q=knee") == {searchable["corrected"]}
    assert api.physician.get(notes_url(clinic, "?visibility=everyone")).status_code == 422


def test_counts_never_count_hidden_notes(api, clinic, searchable):
    expected = {
        "psych": {"team_and_patient": 1, "clinicians": 3, "psychologists": 1},
        "physician": {"team_and_patient": 1, "clinicians": 3},
        "physio": {"team_and_patient": 1, "clinicians": 3},
        "patient_a": {"team_and_patient": 1},
    }
    for who, counts in expected.items():
        assert getattr(api, who).get(notes_url(clinic, "/counts")).get_json() == counts, who
        assert getattr(api, who).get(notes_url(clinic)).get_json()["counts"] == counts, who


def test_counts_on_the_page(clinic, login_as, searchable):
    html = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert "3 notes" in html and "1 note" in html and "Psychologists only" not in html


def test_page_search_and_filter(clinic, login_as, searchable):
    client = login_as(clinic.physio)
    html = client.get(page_url(clinic, "?q=KNEE&visibility=clinicians")).get_data(as_text=True)
    assert "Knee flexion 90 deg." in html and "Hip mobility" not in html
    assert 'value="KNEE"' in html  # the search is kept in the box
    nothing = client.get(page_url(clinic, "?q=bending")).get_data(as_text=True)
    assert "No notes match your search." in nothing and "Fear of bending" not in nothing


def test_page_search_with_bad_input_is_422_and_shows_all_notes(clinic, login_as, searchable):
    response = login_as(clinic.physio).get(page_url(clinic, "?visibility=everyone"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Choose one of the note visibilities." in html and "Hip mobility limited." in html


# --- addenda -------------------------------------------------------------------------------------

@pytest.mark.parametrize("visibility", VISIBILITIES)
def test_addendum_keeps_the_visibility_of_its_note(api, clinic, one_of_each, visibility):
    response = api.psych.post(notes_url(clinic, f"/{one_of_each[visibility]}/addenda"), json={"body": " Fix. "})

    assert response.status_code == 201
    body = response.get_json()
    assert body["visibility"] == visibility and body["addendum_to_id"] == one_of_each[visibility]
    assert body["body"] == "Fix."
    thread = api.psych.get(notes_url(clinic, f"/{one_of_each[visibility]}")).get_json()
    assert [a["body"] for a in thread["addenda"]] == ["Fix."]


def test_addendum_to_an_addendum_points_at_the_root(api, clinic, one_of_each):
    root = one_of_each["clinicians"]
    first = api.physician.post(notes_url(clinic, f"/{root}/addenda"), json={"body": "First fix."}).get_json()
    second = api.physio.post(notes_url(clinic, f"/{first['id']}/addenda"), json={"body": "Second fix."}).get_json()

    assert second["addendum_to_id"] == root
    listed = api.physio.get(notes_url(clinic)).get_json()["items"]
    thread = next(n for n in listed if n["id"] == root)
    assert [a["body"] for a in thread["addenda"]] == ["First fix.", "Second fix."]
    assert {n["id"] for n in listed} == set(one_of_each.values()) - {one_of_each["psychologists"]}


@pytest.mark.parametrize(("who", "visibility", "status"), [
    ("patient_a", "team_and_patient", 403),   # reads it, may not write notes
    ("patient_a", "clinicians", 404),
    ("physician", "team_and_patient", 201),
    ("physician", "psychologists", 404),      # hidden: answered like a missing note
    ("physio", "clinicians", 201),
    ("physio", "psychologists", 404),
    ("psych", "psychologists", 201),
])
def test_who_may_add_an_addendum(api, clinic, one_of_each, who, visibility, status):
    response = getattr(api, who).post(notes_url(clinic, f"/{one_of_each[visibility]}/addenda"), json={"body": "B"})
    assert response.status_code == status
    if status == 404:
        assert response.get_json() == NOT_FOUND


def test_addendum_input_rejects_a_visibility_or_unknown_fields(api, clinic, one_of_each):
    url = notes_url(clinic, f"/{one_of_each['clinicians']}/addenda")
    response = api.psych.post(url, json={"body": "B", "visibility": "team_and_patient"})
    assert response.status_code == 422 and list(response.get_json()["errors"]) == ["visibility"]
    assert api.psych.post(url, json={"body": " "}).status_code == 422


def test_addenda_appear_indented_under_their_note_on_the_page(api, clinic, login_as, one_of_each):
    api.physician.post(notes_url(clinic, f"/{one_of_each['team_and_patient']}/addenda"), json={"body": "Typo fixed."})
    html = login_as(clinic.patient_a).get(page_url(clinic)).get_data(as_text=True)
    assert re.search(r'<ol class="addenda"[^>]*>\s*<li class="addendum"', html)
    assert html.index("Body of the team_and_patient note.") < html.index("Typo fixed.")
    assert "Add a correction (addendum)" not in html  # the patient does not write notes


def test_page_addendum_form(app, clinic, login_as, one_of_each):
    client = login_as(clinic.physio)
    note_id = one_of_each["clinicians"]
    detail = client.get(page_url(clinic, f"/{note_id}")).get_data(as_text=True)
    assert 'id="correct"' in detail and "Clinicians only" in detail

    bad = client.post(page_url(clinic, f"/{note_id}/addenda"), data={"body": ""})
    assert bad.status_code == 422 and "Write the correction." in bad.get_data(as_text=True)

    good = client.post(page_url(clinic, f"/{note_id}/addenda"), data={"body": "Corrected dose."})
    assert good.status_code == 302 and good.headers["Location"].endswith(f"/notes/{note_id}")
    with app.app_context():
        addendum = db.session.scalar(select(Note).where(Note.addendum_to_id == note_id))
    assert addendum.visibility == "clinicians" and addendum.body == "Corrected dose."

    hidden = client.post(page_url(clinic, f"/{one_of_each['psychologists']}/addenda"), data={"body": "x"})
    assert hidden.status_code == 404


# --- append-only -----------------------------------------------------------------------------------

def test_no_edit_or_delete_route_exists_for_notes(app):
    note_rules = [r for r in app.url_map.iter_rules() if "/notes" in r.rule]
    assert len(note_rules) >= 8
    for rule in note_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS", "POST"}, rule.rule
        assert not re.search(r"edit|delete|remove|update", rule.rule + rule.endpoint, re.I), rule.rule


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_api_refuses_changing_notes_with_405(api, clinic, one_of_each, method):
    for url in (notes_url(clinic), notes_url(clinic, f"/{one_of_each['clinicians']}")):
        response = getattr(api.psych, method)(url, json={"body": "changed"})
        assert response.status_code == 405
    assert api.psych.get(notes_url(clinic, f"/{one_of_each['clinicians']}")).get_json()["body"] == \
        "Body of the clinicians note."


def test_openapi_documents_the_notes_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/patients/{patient_id}/notes"]) >= {"get", "post"}
    assert "put" not in paths["/api/v1/patients/{patient_id}/notes/{note_id}"]
    for path in ("/notes/counts", "/notes/{note_id}/addenda"):
        assert f"/api/v1/patients/{{patient_id}}{path}" in paths


# --- audit and timeline ---------------------------------------------------------------------------

def test_writing_is_audited_and_on_the_timeline_without_the_text(api, app, clinic):
    note_id = api.psych.post(notes_url(clinic), json={"visibility": "psychologists", "body": "Secret words."}
                             ).get_json()["id"]
    api.psych.post(notes_url(clinic, f"/{note_id}/addenda"), json={"body": "More secret words."})
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "note",
                                                             AuditEvent.action == "create")).all()
        changes = db.session.scalars(select(RecordEvent).where(RecordEvent.object_type == "note")
                                     .order_by(RecordEvent.id)).all()
    assert [e.object_id for e in events][0] == str(note_id) and len(events) == 2
    assert all(e.detail is None and e.user_id == clinic.psych.id for e in events)
    assert [c.summary for c in changes] == ["Note by Dr. Sam Psych (psychologists only)",
                                            "Correction (addendum) by Dr. Sam Psych (psychologists only)"]
    assert {c.part for c in changes} == {"notes_psychologists"}
    assert not any("secret" in (c.summary + c.reason).lower() for c in changes)


def test_reads_are_audited_once_per_request(api, app, clinic, one_of_each):
    api.physio.get(notes_url(clinic))
    api.physio.get(notes_url(clinic, f"/{one_of_each['clinicians']}"))
    with app.app_context():
        reads = db.session.execute(select(AuditEvent.object_id, AuditEvent.outcome).where(
            AuditEvent.user_id == clinic.physio.id, AuditEvent.action == "read",
            AuditEvent.object_type == "note")).all()
    assert sorted(reads, key=str) == sorted([(None, "success"), (str(one_of_each["clinicians"]), "success")], key=str)


# --- loaders and query counts ------------------------------------------------------------------------

def _fill(app, clinic, n: int) -> None:
    with app.app_context():
        for i in range(n):
            for v in VISIBILITIES:
                root = add_note(clinic.record_a.id, clinic.psych, v, f"{v} {i}")
                add_note(clinic.record_a.id, clinic.physician if v != "psychologists" else clinic.psych, v,
                         f"fix {i}", addendum_to_id=root)


def test_list_queries_do_not_grow_with_notes(api, app, clinic, count_queries):
    _fill(app, clinic, 2)
    api.physio.get(notes_url(clinic))  # the first request of a token records its use
    with count_queries() as few:
        api.physio.get(notes_url(clinic, "?q=fix"))
    _fill(app, clinic, 10)
    with count_queries() as many:
        body = api.physio.get(notes_url(clinic, "?q=fix")).get_json()
    assert len(body["items"]) == 20 and all(len(t["addenda"]) == 1 for t in body["items"])
    assert len(many) == len(few) <= 8


def test_page_queries_do_not_grow_with_notes(app, clinic, login_as, count_queries):
    client = login_as(clinic.psych)
    _fill(app, clinic, 2)
    client.get(page_url(clinic))
    with count_queries() as few:
        client.get(page_url(clinic))
    _fill(app, clinic, 10)
    with count_queries() as many:
        client.get(page_url(clinic))
    assert len(many) == len(few)


def test_recent_notes_loader(app, clinic, count_queries):
    start, a = utcnow() - timedelta(days=10), clinic.record_a.id
    with app.app_context():
        old = add_note(a, clinic.physician, "clinicians", "Old.", created_at=start)
        add_note(a, clinic.physician, "clinicians", "Old, corrected.", addendum_to_id=old,
                 created_at=start + timedelta(days=8))
        add_note(a, clinic.physician, "clinicians", "Older.", created_at=start - timedelta(days=1))
        add_note(a, clinic.psych, "psychologists", "Private.", created_at=start + timedelta(days=9))
        new = add_note(a, clinic.physio, "team_and_patient", "New.", created_at=start + timedelta(days=9))
        add_note(clinic.record_b.id, clinic.physio, "team_and_patient", "Bob's.")
    with app.app_context(), count_queries() as statements:
        threads = notes.recent_notes(clinic.record_a.id, ["team_and_patient", "clinicians"], limit=10)
        since = notes.recent_notes(clinic.record_a.id, ["team_and_patient", "clinicians"], limit=10,
                                   since=start + timedelta(days=7))
        limited = notes.recent_notes(clinic.record_a.id, ["clinicians", "psychologists"], limit=1)
        bodies = [[t.note.body for t in threads], [a.body for a in threads[1].addenda],
                  [t.note.author.name for t in threads]]
    assert bodies[0] == ["New.", "Old.", "Older."] and bodies[1] == ["Old, corrected."]
    assert bodies[2] == ["Pat Physio", "Dr. Ann Physician", "Dr. Ann Physician"]
    assert [t.note.id for t in since] == [new, old]  # written, or corrected, since
    assert [t.note.body for t in limited] == ["Private."]
    assert len(statements) == 6  # two per call: the notes (with authors), their addenda


def test_recent_notes_refuses_unknown_visibilities(ctx, clinic):
    with pytest.raises(ValueError):
        notes.recent_notes(clinic.record_a.id, ["everyone"], limit=5)
