"""The proof that a psychologists-only note reaches nobody but the psychologists on the team.

A note and a correction to it carry a marker string. For every other person, every GET rule of
the URL map is requested: on patient A's record as a page and as JSON, with every object id in
the URL filled with the note's id, the correction's and the ids of other objects, lists also
paged and searched for the marker; on patient B's record with the note's ids (a note of another
patient must not come through B's URLs). The marker must appear in no response: not in its
headers, not in its body bytes, and for a PDF not in its extracted text either (PDF text streams
are usually compressed). New routes are walked without touching this file.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from werkzeug.wrappers import Response

from tests.support.notes import add_question

MARKER = "PSYONLY7c1f9e42"
# Searches use a piece of the marker: a page that echoes the search box must not count as a leak.
FRAGMENT = MARKER[4:-3]
SEARCHES = (f"?page=1&q={FRAGMENT}", f"?q={FRAGMENT}&visibility=psychologists")
SKIPPED_ENDPOINTS = {"static", "auth.logout"}  # files on disk; signing out ends the session
OTHERS = ("patient_a", "physician", "physio", "physician_b", "outside_physician", "outside_physio",
          "outside_psych", "patient_b", "admin")


@pytest.fixture
def objects(api, app, clinic):
    """The marked note and its correction, written through the API (so audit and timeline entries
    exist too), and other objects of the record. Returns the ids to walk on A's record and on B's."""
    a = clinic.record_a.id
    psych_note = api.psych.post(f"/api/v1/patients/{a}/notes", json={
        "visibility": "psychologists", "body": f"Session 4: avoidance of bending. {MARKER}"}).get_json()["id"]
    addendum = api.psych.post(f"/api/v1/patients/{a}/notes/{psych_note}/addenda", json={
        "body": f"Correction: it was session 5. {MARKER}"}).get_json()["id"]
    shared = api.physician.post(f"/api/v1/patients/{a}/notes", json={
        "visibility": "team_and_patient", "body": "Walking helps."}).get_json()["id"]
    api.physio.post(f"/api/v1/patients/{a}/notes", json={"visibility": "clinicians", "body": "Hip mobility."})
    with app.app_context():
        question = add_question(a, clinic.patient_a, "Can I swim?")
    marked = [psych_note, addendum]
    return sorted({*marked, shared, question}), marked


def _value_for(converter, object_id: int) -> str | int | None:
    """A URL value the converter accepts: the object id for numbers, else a plausible token."""
    if converter.__class__.__name__ == "IdConverter":
        return object_id
    monday = date.today() - timedelta(days=date.today().weekday())
    for candidate in (monday.isoformat(), "x", "1"):
        if re.fullmatch(converter.regex, candidate):
            return candidate
    return None


def _paths(rule, patient_id: int | None, object_ids: list[int]):
    others = [a for a in rule.arguments if a != "patient_id"]
    for object_id in object_ids if others else [None]:
        values = {a: _value_for(rule._converters[a], object_id) for a in others}
        if None not in values.values():
            yield rule.build({**values, "patient_id": patient_id} if patient_id else values)[1], bool(others)


def requests_to_walk(app, a: int, b: int, a_ids: list[int], b_ids: list[int]):
    """(url, Accept) for every GET rule: on patient A's record as a page and as JSON, lists also
    paged and searched; on patient B's record (where A's notes must not reach) plainly."""
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in SKIPPED_ENDPOINTS:
            continue
        is_api = rule.rule.startswith("/api/")
        primary = "application/json" if is_api else "text/html"
        records = [(a, a_ids), (b, b_ids)] if "patient_id" in rule.arguments else [(None, a_ids)]
        for patient_id, ids in records:
            on_a = patient_id in (a, None)
            for path, has_object in _paths(rule, patient_id, ids):
                yield path, primary
                if on_a and not is_api:
                    yield path, "application/json"
                if on_a and not has_object:
                    yield from ((path + search, primary) for search in SEARCHES)


def responses(client, requests):
    for url, accept in requests:
        yield url, accept, client.get(url, headers={"Accept": accept})


def shows_marker(response) -> bool:
    if MARKER in str(response.headers) or MARKER.encode() in response.data:
        return True
    if response.mimetype == "application/pdf" and response.status_code == 200:
        text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.data)).pages)
        return MARKER in text.replace("\n", "")
    return False


def test_the_pdf_check_reads_compressed_text():
    """The check must see a marker that a PDF keeps only in a compressed text stream."""
    from weasyprint import HTML

    pdf = HTML(string=f"<p>Note: {MARKER}</p>").write_pdf()
    assert MARKER.encode() not in pdf
    assert shows_marker(Response(pdf, mimetype="application/pdf"))


@pytest.mark.parametrize("who", OTHERS)
def test_a_psychologists_note_reaches_no_one_else_by_any_route(app, clinic, login_as, objects, who):
    a_ids, marked = objects
    client = login_as(getattr(clinic, who))
    requests = list(requests_to_walk(app, clinic.record_a.id, clinic.record_b.id, a_ids, marked))

    leaks = [(accept, url, r.status_code) for url, accept, r in responses(client, requests) if shows_marker(r)]

    assert len(requests) > 100
    assert leaks == []


def test_the_psychologist_does_see_it(app, clinic, login_as, objects):
    """Without this the walk above could pass by showing nothing to anyone."""
    a_ids, (psych_note, _) = objects
    client = login_as(clinic.psych)
    requests = list(requests_to_walk(app, clinic.record_a.id, clinic.record_b.id, a_ids, []))

    seen = {(url, accept) for url, accept, r in responses(client, requests) if shows_marker(r)}

    a = clinic.record_a.id
    for url, accept in ((f"/patients/{a}/notes", "text/html"), (f"/patients/{a}/notes/{psych_note}", "text/html"),
                        (f"/patients/{a}/notes{SEARCHES[0]}", "text/html"),
                        (f"/api/v1/patients/{a}/notes", "application/json"),
                        (f"/api/v1/patients/{a}/notes/{psych_note}", "application/json"),
                        (f"/api/v1/patients/{a}/notes{SEARCHES[1]}", "application/json")):
        assert (url, accept) in seen, url


def test_counts_for_the_physician_leave_it_out(api, clinic, login_as, objects):
    a = clinic.record_a.id
    expected = {"team_and_patient": 1, "clinicians": 1}
    assert api.physician.get(f"/api/v1/patients/{a}/notes/counts").get_json() == expected
    assert api.physician.get(f"/api/v1/patients/{a}/notes").get_json()["counts"] == expected
    assert api.psych.get(f"/api/v1/patients/{a}/notes/counts").get_json() == {**expected, "psychologists": 1}

    html = login_as(clinic.physician).get(f"/patients/{a}/notes").get_data(as_text=True)
    counts = re.findall(r'<span class="count">(\d+) notes?</span>', html)
    assert counts == ["1", "1"] and "Psychologists only" not in html
