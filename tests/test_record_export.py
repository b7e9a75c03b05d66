""""Download my record": the ZIP holds what its owner may read (CSV counts equal the database's,
no note beyond the owner's visibility anywhere in it), formula-safe cells, a job with progress,
owner-only 404s, audit rows, expiry. In tests the queue runs the job inline."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import (
    ActivityLog, AuditEvent, EffectRating, ExerciseDose, ExercisePrescription, ExerciseSession, ExposureAttempt,
    ExposureItem, FunctionalGoal, GoalScore, GradedActivityPlan, Intervention, Patient, QuestionnaireAnswer,
    QuestionnaireResponse, QuotaDecision, RecordExport, User, WeeklyCheckin,
)
from careteam.models.bundle import DONE, QUEUED
from careteam.services import clock, record_export
from tests.support.checkins import LAST_WEEK

PSY_MARKER = "PSYZIP5e0d1a"
CLIN_MARKER = "CLINZIP9b3c77"
FORMULA = '=HYPERLINK("http://evil.example","x")'


def database_counts(patient_id: int) -> dict[str, int]:
    """Rows of each part, counted straight from the tables (not through the export's queries)."""
    def count(statement):
        return db.session.scalar(statement)

    c = func.count()
    checkin = WeeklyCheckin.patient_id == patient_id
    return {
        "checkins.csv": count(select(c).where(checkin)),
        "interventions.csv": count(select(c).where(Intervention.patient_id == patient_id)),
        "effect-ratings.csv": count(select(c).select_from(EffectRating).join(WeeklyCheckin).where(checkin)),
        "goals.csv": count(select(c).where(FunctionalGoal.patient_id == patient_id)),
        "goal-scores.csv": count(select(c).select_from(GoalScore).join(FunctionalGoal)
                                 .where(FunctionalGoal.patient_id == patient_id)),
        "exercise-doses.csv": count(select(c).select_from(ExerciseDose).join(ExercisePrescription)
                                    .where(ExercisePrescription.patient_id == patient_id)),
        "exercise-sessions.csv": count(select(c).where(ExerciseSession.patient_id == patient_id)),
        "activity-logs.csv": count(select(c).select_from(ActivityLog).join(GradedActivityPlan)
                                   .where(GradedActivityPlan.patient_id == patient_id)),
        "quota-decisions.csv": count(select(c).select_from(QuotaDecision).join(GradedActivityPlan)
                                     .where(GradedActivityPlan.patient_id == patient_id)),
        "exposure-attempts.csv": count(select(c).select_from(ExposureAttempt).join(ExposureItem)
                                       .where(ExposureItem.patient_id == patient_id)),
        "questionnaire-responses.csv": count(select(c).where(QuestionnaireResponse.patient_id == patient_id)),
        "questionnaire-answers.csv": count(select(c).select_from(QuestionnaireAnswer).join(QuestionnaireResponse)
                                           .where(QuestionnaireResponse.patient_id == patient_id)),
    }


def make_zip(client, patient_id: int) -> tuple[zipfile.ZipFile, str]:
    """Through the pages: start, follow to the progress page, download. Returns the ZIP and its name."""
    started = client.post(f"/patients/{patient_id}/record-export")
    assert started.status_code == 302, started.status_code
    progress_url = started.headers["Location"]
    export_id = int(progress_url.rsplit("/", 1)[1])
    status = client.get(f"{progress_url}/status").get_json()
    assert status["status"] == DONE and status["done"] == status["total"], status
    response = client.get(status["download_url"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    name = re.search(r'filename="?([^";]+)', response.headers["Content-Disposition"]).group(1)
    assert export_id
    return zipfile.ZipFile(io.BytesIO(response.data)), name


def csv_rows(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.TextIOWrapper(archive.open(name), encoding="utf-8", newline="")))


def all_text(archive: zipfile.ZipFile) -> str:
    """Every file's text, the PDF's extracted (its text streams are compressed)."""
    texts = []
    for name in archive.namelist():
        data = archive.read(name)
        if name.endswith(".pdf"):
            texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", ""))
        else:
            texts.append(data.decode("utf-8"))
    return "\n".join(texts)


@pytest.fixture(autouse=True)
def patient_renderer(app, monkeypatch):
    """A loaded machine: the first PDF of the run starts the render process; give it time.
    Afterwards, the ZIPs this test made are removed (their rows are rolled back)."""
    monkeypatch.setitem(app.config, "CARETEAM_PDF_TIMEOUT_SECONDS", 120)
    with app.app_context():
        directory = record_export._directory()
    before = set(directory.iterdir())
    yield
    for path in set(directory.iterdir()) - before:
        path.unlink(missing_ok=True)


@pytest.fixture
def demo(app):
    from careteam.demo import load_demo_data

    with app.app_context():
        load_demo_data()
        people = {email: db.session.scalar(select(User).where(User.email == email))
                  for email in ("maria.lopez@example.org", "dr.okafor@example.org")}
        maria_record = db.session.scalar(select(Patient.id).where(Patient.user_id == people["maria.lopez@example.org"].id))
        db.session.expunge_all()
    return people["maria.lopez@example.org"], people["dr.okafor@example.org"], maria_record


def test_marias_zip_re_read_with_csv_has_the_databases_counts(app, login_as, demo):
    maria, okafor, record = demo
    for person in (maria, okafor):
        archive, name = make_zip(login_as(person), record)
        assert name == f"careteam-record-{record}-{clock.today().isoformat()}.zip"
        with app.app_context():
            expected = database_counts(record)
        assert sum(expected.values()) > 100  # the demo has half a year of history
        assert {"README.txt", "fhir/bundle.json", "summary.pdf", *expected} == set(archive.namelist())
        readme = archive.read("README.txt").decode()
        for file_name, rows in expected.items():
            table = csv_rows(archive, file_name)
            assert table[0] and all(len(row) == len(table[0]) for row in table), file_name  # header, even rows
            assert len(table) - 1 == rows, (person.email, file_name, len(table) - 1, rows)
            assert f"{file_name}" in readme and f"{rows} row" in readme
        assert expected["checkins.csv"] > 20 and expected["exercise-sessions.csv"] > 20
        weeks = [row[1] for row in csv_rows(archive, "checkins.csv")[1:]]
        assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", week) for week in weeks)  # ISO dates
        assert json.loads(archive.read("fhir/bundle.json"))["resourceType"] == "Bundle"
        assert archive.read("summary.pdf").startswith(b"%PDF")
        assert "single quote" in readme and "= + - or @" in readme


@pytest.fixture
def marked_record(api, app, clinic):
    """Patient A with a psychologists-only note, a clinicians-only note, and a check-in whose free
    text starts a spreadsheet formula."""
    a = clinic.record_a.id
    assert api.psych.post(f"/api/v1/patients/{a}/notes", json={
        "visibility": "psychologists", "body": f"Avoids bending. {PSY_MARKER}"}).status_code == 201
    assert api.physio.post(f"/api/v1/patients/{a}/notes", json={
        "visibility": "clinicians", "body": f"Hip mobility. {CLIN_MARKER}"}).status_code == 201
    with app.app_context():
        db.session.add(WeeklyCheckin(patient_id=a, week_start=LAST_WEEK, pain_average=4, pain_worst=6,
                                     enjoyment_interference=3, activity_interference=5, flare_days=0,
                                     helped_most=FORMULA, did_not_help="-walking uphill",
                                     submitted_by_id=clinic.patient_a.id))
        db.session.commit()
    return a


@pytest.mark.parametrize(("who", "sees_psy", "sees_clin"), [
    ("patient_a", False, False), ("physician", False, True), ("physio", False, True), ("psych", True, True),
])
def test_no_note_beyond_the_owners_visibility_is_anywhere_in_the_zip(clinic, login_as, marked_record,
                                                                     who, sees_psy, sees_clin):
    archive, _ = make_zip(login_as(getattr(clinic, who)), marked_record)
    text = all_text(archive)
    assert (PSY_MARKER in text) is sees_psy, who
    assert (CLIN_MARKER in text) is sees_clin, who  # the positive cases prove the check can see a note


def test_a_cell_that_starts_a_formula_is_quoted_and_the_readme_says_so(clinic, login_as, marked_record):
    archive, _ = make_zip(login_as(clinic.patient_a), marked_record)
    header, row = csv_rows(archive, "checkins.csv")
    cells = dict(zip(header, row))
    assert cells["helped_most"] == "'" + FORMULA
    assert cells["did_not_help"] == "'-walking uphill"
    assert cells["pain_average"] == "4" and cells["week_start"] == LAST_WEEK.isoformat()
    assert "single quote" in archive.read("README.txt").decode()


def test_the_job_reports_progress_file_by_file(app, clinic, login_as, monkeypatch):
    from careteam import jobs

    queued: list[int] = []
    monkeypatch.setattr(jobs, "enqueue_record_export", queued.append)  # a worker that has not started yet
    client = login_as(clinic.patient_a)
    a = clinic.record_a.id
    page_url = client.post(f"/patients/{a}/record-export").headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    total = len(record_export.PARTS) + 2
    assert f'max="{total}" value="0"' in page and "working" in page and "Refresh" in page
    assert client.get(f"{page_url}/status").get_json()["status"] == QUEUED
    # Asking again while it waits answers the same job.
    assert client.post(f"/patients/{a}/record-export").headers["Location"] == page_url

    seen: list[int] = []
    original = record_export._progress
    monkeypatch.setattr(record_export, "_progress", lambda export_id, done: (seen.append(done),
                                                                             original(export_id, done)))
    with app.test_request_context(method="POST"):
        record_export.build(queued[0])
    assert seen == list(range(1, total + 1))
    status = client.get(f"{page_url}/status").get_json()
    assert status["status"] == DONE and status["done"] == total and status["size_bytes"] > 0
    assert "Download the ZIP file" in client.get(page_url).get_data(as_text=True)


def test_the_api_starts_with_202_reports_and_downloads_and_audits(app, api, clinic):
    a = clinic.record_a.id
    started = api.physician.post(f"/api/v1/patients/{a}/record-export")
    assert started.status_code == 202
    export_id = started.get_json()["id"]
    status = api.physician.get(f"/api/v1/patients/{a}/record-export/{export_id}")
    body = status.get_json()
    assert status.status_code == 200 and body["status"] == DONE and body["done"] == body["total"]
    download = api.physician.get(body["download_url"])
    assert download.status_code == 200 and zipfile.ZipFile(io.BytesIO(download.data)).testzip() is None

    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.user_id, AuditEvent.patient_id,
                                           AuditEvent.object_id, AuditEvent.occurred_at)
                                    .where(AuditEvent.object_type == "record_export", AuditEvent.outcome == "success",
                                           AuditEvent.action.in_(("request", "export")))
                                    .order_by(AuditEvent.id)).all()
    assert [(e.action, e.user_id, e.patient_id, e.object_id) for e in events] == [
        ("request", clinic.physician.id, a, str(export_id)), ("export", clinic.physician.id, a, str(export_id))]
    assert all(e.occurred_at is not None for e in events)

    # Someone else on the team, the patient, and outsiders: 404, not the file.
    for who in ("physio", "patient_a", "outside_physician", "patient_b"):
        for url in (f"/api/v1/patients/{a}/record-export/{export_id}",
                    f"/api/v1/patients/{a}/record-export/{export_id}/download"):
            assert getattr(api, who).get(url).status_code == 404, (who, url)
    assert api.admin.post(f"/api/v1/patients/{a}/record-export").status_code == 404
    assert api.outside_psych.post(f"/api/v1/patients/{a}/record-export").status_code == 404


def test_outsiders_get_404_on_every_page_with_a_denial(app, clinic, login_as):
    a = clinic.record_a.id
    own = login_as(clinic.patient_a)
    export_id = int(own.post(f"/patients/{a}/record-export").headers["Location"].rsplit("/", 1)[1])
    for who in ("outside_physician", "patient_b", "admin", "physician"):
        client = login_as(getattr(clinic, who))
        urls = [f"/patients/{a}/record-export/{export_id}", f"/patients/{a}/record-export/{export_id}/status",
                f"/patients/{a}/record-export/{export_id}/download"]
        if who != "physician":
            urls.append(f"/patients/{a}/record-export")
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
        with app.app_context():
            assert db.session.scalar(select(func.count()).where(
                AuditEvent.user_id == getattr(clinic, who).id, AuditEvent.outcome == "denied")) >= len(urls)
    # The patient's own file under patient B's number: 404 too.
    assert login_as(clinic.patient_a).get(f"/patients/{clinic.record_b.id}/record-export/{export_id}").status_code == 404


def test_no_copy_under_emergency_access(app, clinic, login_as):
    from tests.support.break_glass import open_emergency

    client = login_as(clinic.outside_physician)
    a = clinic.record_a.id
    assert open_emergency(client, a).status_code == 302
    page = client.get(f"/patients/{a}/record-export").get_data(as_text=True)
    assert "cannot be taken under emergency access" in page
    assert client.post(f"/patients/{a}/record-export").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RecordExport)) == 0


def test_the_download_page_is_reachable_from_the_record_and_the_summary(clinic, login_as):
    a = clinic.record_a.id
    overview = login_as(clinic.patient_a).get(f"/patients/{a}").get_data(as_text=True)
    assert f'href="/patients/{a}/record-export"' in overview and "Download my record" in overview
    summary = login_as(clinic.physician).get(f"/patients/{a}/summary").get_data(as_text=True)
    assert f'href="/patients/{a}/record-export"' in summary and "Download record" in summary


def test_the_file_is_deleted_after_the_keep_time(app, clinic, login_as):
    login_as(clinic.patient_a).post(f"/patients/{clinic.record_a.id}/record-export")
    with app.app_context():
        export = db.session.scalar(select(RecordExport))
        path = record_export._directory() / export.file_name
        assert path.exists()
        assert record_export.delete_expired(export.expires_at - timedelta(minutes=1)) == 0
        assert record_export.delete_expired(export.expires_at + timedelta(minutes=1)) == 1
        assert not path.exists() and db.session.scalar(select(RecordExport)) is None
