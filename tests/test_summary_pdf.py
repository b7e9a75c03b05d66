"""The handover PDF: content in order with the right numbers, hidden notes absent, safe against
hostile text, bounded, audited, and the day's bundle."""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from careteam import PROJECT_ROOT
from careteam.extensions import db
from careteam.models import Appointment, AuditEvent, User
from careteam.services import clock
from careteam.summary.pdf import PdfError, PdfTimeout, render_documents
from tests.support import ledger as build
from tests.support.notes import add_note
from tests.support.summary import MARKERS, handover_record
from tests.test_pdf_renderer import Listener

SECTIONS = ["1. Red flags and alerts", "2. Functional goals", "3. Trends", "4. What has and hasn't helped",
            "5. Plans", "6. Flare-ups", "7. Questions for this appointment", "8. Notes in the period"]


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"[ \t]+", " ", text)


@pytest.fixture
def record(app, clinic):
    with app.app_context():
        return handover_record(clinic)


def download(client, patient_id, query=""):
    response = client.get(f"/patients/{patient_id}/summary.pdf{query}")
    assert response.status_code == 200, response.data[:300]
    return response


def test_sections_in_order_with_the_numbers(clinic, login_as, record):
    response = download(login_as(clinic.physician), clinic.record_a.id)
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(r'attachment; filename="careteam-handover-alice-patient-\d{4}-\d\d-\d\d\.pdf"',
                        response.headers["Content-Disposition"])
    reader, text = pdf_text(response.data)
    positions = [text.index(title) for title in SECTIONS]
    assert positions == sorted(positions)
    assert "Alice Patient" in text and f"since the last appointment on {record['last_visit']:%-d %b %Y}" in text
    assert "Pain average 7 → 4/10" in text and "PEG 7.0 → 4.0" in text
    assert re.search(r"Walk the dog for 30 minutes\s+3\s+6\s+8\s+\+3 clinically meaningful", text)
    assert re.search(r"Moist heat pack.{0,60}?Helps \+1\.6 7 physiotherapist", text, re.S)
    assert "1 open red-flag alert" in text and "reps 10 → 12" in text
    assert "Can I start swimming again?" in text and "1 flare day recorded" in text
    assert 1 <= len(reader.pages) <= 4


def test_every_page_says_confidential_with_the_patient_and_numbers(clinic, login_as, record, app):
    with app.app_context():
        author = db.session.get(User, clinic.physio.id)
        for n in range(25):  # enough notes for several pages
            add_note(clinic.record_a.id, author, "clinicians", f"Long note {n}. " + "Some observation. " * 60)
    reader, _ = pdf_text(download(login_as(clinic.physician), clinic.record_a.id).data)
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert "Confidential" in text and "Alice Patient" in text and f"Page {number} of {pages}" in text
        assert "Generated" in text


@pytest.mark.parametrize(
    "who,visible,hidden",
    [
        ("physician", ["team_and_patient", "clinicians"], ["psychologists"]),
        ("physio", ["team_and_patient", "clinicians"], ["psychologists"]),
        ("psych", ["team_and_patient", "clinicians", "psychologists"], []),
        ("patient_a", ["team_and_patient"], ["clinicians", "psychologists"]),
    ],
)
def test_hidden_notes_never_reach_the_pdf(clinic, login_as, record, who, visible, hidden):
    _, text = pdf_text(download(login_as(getattr(clinic, who)), clinic.record_a.id).data)
    for visibility in visible:
        assert MARKERS[visibility] in text
    for visibility in hidden:
        assert MARKERS[visibility] not in text


def test_accessible_metadata_and_page_sizes(app, clinic, login_as, record, monkeypatch):
    reader, _ = pdf_text(download(login_as(clinic.physician), clinic.record_a.id).data)
    assert "Alice Patient" in reader.metadata.title and "Dr. Ann Physician" in reader.metadata.author
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    monkeypatch.setitem(app.config, "CARETEAM_PDF_PAGE_SIZE", "Letter")
    monkeypatch.setitem(app.config, "CARETEAM_LOCALE", "en-US")  # the document's language follows the clinic's
    letter, _ = pdf_text(download(login_as(clinic.physician), clinic.record_a.id).data)
    assert round(float(letter.pages[0].mediabox.width)) == 612
    assert letter.trailer["/Root"]["/Lang"] == "en-US"


def test_twenty_six_weeks_of_history_fit_in_two_to_four_pages(app, clinic, login_as):
    from careteam.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        maria = db.session.scalar(select(User).where(User.email == "maria.lopez@example.org"))
        okafor = db.session.scalar(select(User).where(User.email == "dr.okafor@example.org"))
        db.session.expunge_all()
    from careteam.models import Patient

    with app.app_context():
        patient_id = db.session.scalar(select(Patient.id).where(Patient.user_id == maria.id))
    start = (clock.today() - timedelta(weeks=26)).isoformat()
    reader, text = pdf_text(download(login_as(okafor), patient_id, f"?start={start}").data)
    assert 2 <= len(reader.pages) <= 4, len(reader.pages)
    assert "Check-ins in 26 of 27 weeks" in text or "Check-ins in 25 of 27 weeks" in text


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<style>@import url("http://127.0.0.1:{port}/x.css");</style>',
    '<div style="background: url(http://127.0.0.1:{port}/y.png)">x</div>',
]


def test_hostile_text_is_shown_as_text_fetches_nothing_and_embeds_nothing(app, clinic, login_as, record, monkeypatch):
    listener = Listener()
    try:
        texts = [h.format(port=listener.port) for h in HOSTILE]
        with app.app_context():
            physio = db.session.get(User, clinic.physio.id)
            for text in texts:
                add_note(clinic.record_a.id, physio, "clinicians", text)
            build.intervention(clinic.record_a.id, physio.id, texts[0])
            build.goal(clinic.record_a.id, physio.id, texts[2])
            db.session.commit()
        data = download(login_as(clinic.physician), clinic.record_a.id).data
        reader, text = pdf_text(data)
        flat = text.replace("\n", "")
        for hostile in texts:
            assert hostile.replace(" ", "") in flat.replace(" ", ""), hostile  # visible as text
        assert listener.hits == []
        assert not reader.attachments and b"/EmbeddedFile" not in data and b"root:x:" not in data

        # The same document rendered in this process, with a spy on the fetcher: it only ever
        # fetches careteam's own stylesheet.
        seen = []
        from careteam.summary import pdf as pdf_module

        original = pdf_module.make_fetcher

        def spy(static_dir):
            fetcher = original(static_dir)
            real_fetch = fetcher.fetch

            def fetch(url, headers=None):
                seen.append(url)
                return real_fetch(url, headers)

            fetcher.fetch = fetch
            return fetcher

        monkeypatch.setattr(pdf_module, "make_fetcher", spy)
        with app.test_request_context():
            from careteam.summary.export import build_summary, document_html

            html = document_html(build_summary(db.session.get(User, clinic.physician.id), clinic.record_a.id))
        assert "&lt;img src=" in html
        render_documents([html], str(PROJECT_ROOT / "static"), "A4")
        assert seen == ["https://careteam.invalid/static/css/summary-print.css"]
        assert listener.hits == []
    finally:
        listener.close()


def test_each_download_is_audited_as_an_export(app, clinic, login_as, record):
    download(login_as(clinic.psych), clinic.record_a.id)
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.user_id == clinic.psych.id,
                                                           AuditEvent.action == "export"))
    assert (event.object_type, event.outcome, event.patient_id) == ("summary_pdf", "success", clinic.record_a.id)


@pytest.mark.parametrize("error,status", [(PdfTimeout("Making the PDF took too long."), 503),
                                          (PdfError("The PDF could not be made."), 500)])
def test_a_failure_gives_a_clear_page_never_half_a_file(app, clinic, login_as, record, monkeypatch, error, status):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr("careteam.summary.export.renderer.render", fail)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    response = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/summary.pdf")
    assert response.status_code == status and response.mimetype == "text/html"
    assert b"%PDF" not in response.data and str(error).encode() in response.data
    assert b"choose a shorter period" in response.data
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "export"))
    assert event.outcome == "failure"


def test_the_pdf_api_and_its_period(clinic, api, record):
    response = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary.pdf?from=2026-01-05&to=2026-03-01")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    _, text = pdf_text(response.data)
    assert "5 Jan 2026 – 1 Mar 2026 (chosen, 8 weeks)" in text
    too_long = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary.pdf?from=2020-01-01&to=2026-01-01")
    assert too_long.status_code == 422 and too_long.mimetype == "application/json"
    assert api.outside_physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary.pdf").status_code == 404
    doc = api.physician.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/patients/{patient_id}/summary" in doc["paths"]
    assert "application/pdf" in str(doc["paths"]["/api/v1/patients/{patient_id}/summary.pdf"])


def test_the_days_appointments_in_one_file(app, clinic, login_as):
    tomorrow = clock.today() + timedelta(days=1)
    with app.app_context():
        for record, hour in ((clinic.record_a, 9), (clinic.record_b, 11)):
            db.session.add(Appointment(patient_id=record.id, clinician_id=clinic.physio.id, kind="follow_up",
                                       created_by_id=clinic.physio.id,
                                       starts_at=datetime.combine(tomorrow, time(hour), tzinfo=clock.zone())))
        db.session.commit()
    client = login_as(clinic.physio)
    page = client.get("/appointments/upcoming").get_data(as_text=True)
    assert "Alice Patient" in page and "Bob Patient" in page and "All 2 PDFs in one file" in page
    response = client.get(f"/appointments/{tomorrow.isoformat()}/handover.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader, text = pdf_text(response.data)
    assert text.index("Alice Patient") < text.index("Bob Patient") and len(reader.pages) >= 2
    with app.app_context():
        exports = db.session.scalars(select(AuditEvent.patient_id).where(AuditEvent.action == "export")).all()
    assert sorted(exports) == sorted([clinic.record_a.id, clinic.record_b.id])
    assert client.get(f"/appointments/{(tomorrow + timedelta(days=1)).isoformat()}/handover.pdf").status_code == 404
    assert client.get("/appointments/not-a-date/handover.pdf").status_code == 404
