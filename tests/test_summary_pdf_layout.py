"""The handover PDF as a document: the patient's own words, the running header and footer as
pagination artifacts, table headers with a scope, the clinic's contact in the footer, and pages
that are filled (no near-empty last page for 26 weeks of history)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import Patient, User, WeeklyCheckin
from careteam.services import clock
from tests.support import ledger
from tests.support.pdf_inspect import page_fill, shown_text, structure
from tests.support.summary import handover_record
from tests.test_summary_pdf import download, pdf_text

HELPED = "The heat pack <b>before</b> stretching"
DID_NOT = "Sitting through the long Friday meeting"
OLD_WORDS = "WORDS-FROM-BEFORE-THE-PERIOD"
OTHER_PATIENT = "WORDS-OF-ANOTHER-PATIENT"


@pytest.fixture
def record(app, clinic):
    """Patient A's handover record; her last three check-ins carry words, one from before the
    period too, and patient B wrote something in her own check-in."""
    with app.app_context():
        ids = handover_record(clinic)
        weeks = db.session.scalars(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == clinic.record_a.id)
                                   .order_by(WeeklyCheckin.week_start)).all()
        weeks[-1].helped_most, weeks[-1].did_not_help = HELPED, DID_NOT
        weeks[-3].did_not_help = "Carrying the shopping"
        db.session.add(WeeklyCheckin(  # before the period, which starts at the visit 6 weeks ago
            patient_id=clinic.record_a.id, week_start=weeks[0].week_start - timedelta(weeks=3), pain_average=8,
            pain_worst=9, enjoyment_interference=8, activity_interference=8, helped_most=OLD_WORDS,
            submitted_by_id=clinic.patient_a.id))
        db.session.add(WeeklyCheckin(patient_id=clinic.record_b.id, week_start=weeks[-1].week_start, pain_average=3,
                                     pain_worst=4, enjoyment_interference=3, activity_interference=3,
                                     helped_most=OTHER_PATIENT, submitted_by_id=clinic.patient_b.id))
        db.session.commit()
        ids["last_week"] = weeks[-1].week_start
        return ids


@pytest.mark.parametrize("who", ["physician", "physio", "psych", "patient_a"])
def test_the_patients_own_words_reach_everyone_who_reads_her_check_ins(clinic, login_as, record, who):
    client = login_as(getattr(clinic, who))
    _, text = pdf_text(download(client, clinic.record_a.id).data)
    flat = re.sub(r"\s+", " ", text)
    assert "In the patient's words" in flat
    assert f"Week of {record['last_week']:%-d %b %Y}" in flat
    assert f"helped most: “{HELPED}”" in flat and f"did not help: “{DID_NOT}”" in flat  # as text, not markup
    assert flat.index(HELPED) < flat.index("Carrying the shopping")  # newest first
    assert OLD_WORDS not in flat and OTHER_PATIENT not in flat
    page = client.get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    assert "The heat pack &lt;b&gt;before&lt;/b&gt; stretching" in page and OLD_WORDS not in page


def test_many_weeks_of_words_are_capped_with_a_pointer_and_the_api_carries_them(app, clinic, api, login_as, record):
    with app.app_context():
        first = min(db.session.scalars(select(WeeklyCheckin.week_start)
                                       .where(WeeklyCheckin.patient_id == clinic.record_a.id)))
        older = ledger.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, first - timedelta(weeks=4), 10)
        for n, checkin in enumerate(older):
            checkin.did_not_help = f"Older words {n}"
        db.session.commit()
    start = (clock.today() - timedelta(weeks=26)).isoformat()
    client = login_as(clinic.physician)
    page = client.get(f"/patients/{clinic.record_a.id}/summary?start={start}").get_data(as_text=True)
    words = page[page.index("In the patient's words"):page.index("5. Plans")]
    assert words.count("<li>") == 12 and "… and 1 earlier week in careteam (Check-ins)." in words
    assert "Older words 1" in words and "Older words 0" not in words  # the newest are shown
    summary = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary?from={start}").get_json()
    said = {w["week_start"]: (w["helped_most"], w["did_not_help"]) for w in summary["weeks"]}
    assert said[record["last_week"].isoformat()] == (HELPED, DID_NOT)
    assert OLD_WORDS in {h for h, _ in said.values()} and OTHER_PATIENT not in {h for h, _ in said.values()}


def test_header_and_footer_are_pagination_artifacts_and_the_body_is_tagged(clinic, login_as, record):
    data = download(login_as(clinic.physician), clinic.record_a.id).data
    pages = shown_text(data)
    elements, reachable, parents = structure(data)
    for number, shown in enumerate(pages, start=1):
        by_text = {s.text: s for s in shown}
        header = [by_text["Confidential"], next(s for s in shown if s.text.startswith("Alice Patient ·"))]
        footer = [by_text[f"Page {number} of {len(pages)}"], next(s for s in shown if s.text.startswith("Generated "))]
        for part, subtype in ((header, "/Header"), (footer, "/Footer")):
            for piece in part:
                assert piece.artifact == {"/Type": "/Pagination", "/Subtype": subtype}, piece
                assert piece.mcids == [], piece  # nothing inside an artifact is structure content
        body = [s for s in shown if s.artifact is None]
        assert body and all(s.mcids for s in body)  # all other text is tagged content
        # every MCID on the page belongs to an element of the structure tree: no orphans
        mcids = sorted({m for s in body for m in s.mcids})
        assert all(parents[number - 1][m] in reachable for m in mcids)
    assert "Handover summary" in {s.text for s in pages[0] if s.artifact is None}


def test_table_headers_have_a_scope_in_the_html_and_in_the_pdf(app, clinic, login_as, record):
    client = login_as(clinic.physician)
    page = client.get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    cells = re.findall(r"<th\b[^>]*>", page[page.index('class="summary card"'):])
    assert cells and all(re.search(r'scope="(col|row)"', cell) for cell in cells), cells
    assert 'scope="row"' in page  # goals and interventions are row headers
    elements, _, _ = structure(download(client, clinic.record_a.id).data)
    headers = [e for e in elements if e["/S"] == "/TH"]
    scopes = {str(e["/A"]["/Scope"]) for e in headers}
    assert len(headers) >= 10 and scopes == {"/Column", "/Row"}
    cells_with_headers = [e for e in elements if e["/S"] == "/TD" and e["/A"].get("/Headers")]
    assert cells_with_headers


def test_the_footer_shows_the_clinics_contact_when_set(app, clinic, login_as, record, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_NAME", "Riverside Pain Clinic")
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_PHONE", "+44 20 7946 0000")
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_HOURS", "Mon-Fri 8:00-18:00")
    monkeypatch.setitem(app.config, "CARETEAM_EMERGENCY_NUMBER", "999")
    data = download(login_as(clinic.physician), clinic.record_a.id).data
    pages = shown_text(data)
    for shown in pages:
        contact = [s for s in shown if "Riverside Pain Clinic" in s.text]
        assert [s.text for s in contact] == ["Riverside Pain Clinic: +44 20 7946 0000 (Mon-Fri 8:00-18:00) · "
                                             "Emergency: 999"]
        assert contact[0].artifact["/Subtype"] == "/Footer"


def test_no_contact_line_when_the_clinic_has_none(app, clinic, login_as, record, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_NAME", "Riverside Pain Clinic")
    for setting in ("CARETEAM_CLINIC_PHONE", "CARETEAM_CLINIC_HOURS", "CARETEAM_EMERGENCY_NUMBER"):
        monkeypatch.setitem(app.config, setting, "")
    _, text = pdf_text(download(login_as(clinic.physician), clinic.record_a.id).data)
    assert "Riverside Pain Clinic" not in text and "Emergency" not in text and "Generated" in text


def test_only_the_emergency_number(app, clinic, login_as, record, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_PHONE", "")
    monkeypatch.setitem(app.config, "CARETEAM_CLINIC_HOURS", "")
    monkeypatch.setitem(app.config, "CARETEAM_EMERGENCY_NUMBER", "112")
    _, text = pdf_text(download(login_as(clinic.physician), clinic.record_a.id).data)
    assert re.search(r"Generated [^\n]+\nEmergency: 112", text)


@pytest.mark.parametrize("viewer,patient", [
    ("dr.okafor@example.org", "maria.lopez@example.org"),
    ("dr.hoffmann@example.org", "maria.lopez@example.org"),  # the longest: psychologists' notes too
    ("dr.berg@example.org", "tom.becker@example.org"),  # four check-ins in 26 weeks
])
def test_twenty_six_weeks_fill_every_page_and_the_last_is_not_near_empty(app, clinic, login_as, viewer, patient):
    from careteam.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        reader = db.session.scalar(select(User).where(User.email == viewer))
        patient_id = db.session.scalar(select(Patient.id).join(User, User.id == Patient.user_id)
                                       .where(User.email == patient))
        db.session.expunge_all()
    start = (clock.today() - timedelta(weeks=26)).isoformat()
    fills = page_fill(download(login_as(reader), patient_id, f"?start={start}").data)
    assert 2 <= len(fills) <= 4, fills
    assert fills[-1] >= 0.3, fills  # no near-empty last page
    assert all(fill >= 0.6 for fill in fills[:-1]), fills  # no page left half empty before a block that did not fit


def test_whatever_the_length_of_the_record_the_last_page_is_not_near_empty(app, clinic, record):
    """Notes are added three at a time, so the document grows by about a tenth of a page at a time
    across page boundaries; at every length, the last page is at least 30 % filled."""
    from careteam import PROJECT_ROOT
    from careteam.summary.export import build_summary, document_html
    from careteam.summary.pdf import render_documents
    from tests.support.notes import add_note

    seen = {}
    for n in range(0, 21, 3):
        with app.test_request_context():
            author = db.session.get(User, clinic.physio.id)
            for k in (n, n + 1, n + 2):
                add_note(clinic.record_a.id, author, "clinicians",
                         f"Observation {k}. " + "The walk went well and the heat helped. " * (3 + k % 4))
            html = document_html(build_summary(db.session.get(User, clinic.physician.id), clinic.record_a.id))
        fills = page_fill(render_documents([html], str(PROJECT_ROOT / "static"), "A4"))
        seen[n] = fills
        assert fills[-1] >= 0.3 and all(fill >= 0.6 for fill in fills[:-1]), seen
    assert len({len(fills) for fills in seen.values()}) >= 2, seen  # the record did grow past a page
