"""A clinic day's PDFs as a background job: progress, download by the owner only (audited as an
export), deleted after CARETEAM_BUNDLE_KEEP_HOURS."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from careteam.extensions import db
from careteam.models import Appointment, AuditEvent, PdfBundle
from careteam.services import bundles, clock


def tomorrow_with_appointments(app, clinic) -> str:
    with app.app_context():
        day = clock.today() + timedelta(days=1)
        for hour, record in ((9, clinic.record_a), (10, clinic.record_b)):
            db.session.add(Appointment(patient_id=record.id, clinician_id=clinic.physio.id, kind="follow_up",
                                       starts_at=datetime.combine(day, time(hour), tzinfo=clock.zone()),
                                       created_by_id=clinic.physio.id))
        db.session.commit()
        return day.isoformat()


def test_the_bundle_is_prepared_shown_with_progress_and_downloaded_once_audited(app, clinic, login_as):
    day = tomorrow_with_appointments(app, clinic)
    client = login_as(clinic.physio)
    started = client.post(f"/appointments/{day}/bundle")
    assert started.status_code == 302
    page_url = started.headers["Location"]
    page = client.get(page_url).get_data(as_text=True)
    assert 'max="2" value="2"' in page and "2</span> of 2 patients" in page and "Download the PDF" in page

    bundle_id = int(page_url.rsplit("/", 1)[1])
    status = client.get(f"/bundles/{bundle_id}/status").get_json()
    assert status == {"status": "done", "done": 2, "total": 2, "download_url": f"/bundles/{bundle_id}/download"}

    pdf = client.get(status["download_url"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert f"careteam-handovers-{day}.pdf" in pdf.headers["Content-Disposition"]
    with app.app_context():
        exported = db.session.scalars(select(AuditEvent.patient_id).where(
            AuditEvent.user_id == clinic.physio.id, AuditEvent.action == "export",
            AuditEvent.object_type == "summary_pdf")).all()
    assert sorted(exported) == sorted([clinic.record_a.id, clinic.record_b.id])

    other = login_as(clinic.physician)
    for url in (page_url, f"/bundles/{bundle_id}/status", f"/bundles/{bundle_id}/download"):
        assert other.get(url).status_code == 404
    with app.app_context():
        bundles.delete_expired(clock.now() + timedelta(days=2))  # leave no file behind


def test_a_day_without_appointments_says_so(app, clinic, login_as):
    response = login_as(clinic.physio).post("/appointments/2031-01-01/bundle", follow_redirects=True)
    assert "You have no appointments on that day." in response.get_data(as_text=True)
    assert login_as(clinic.patient_a).post("/appointments/2031-01-01/bundle").status_code == 404


def test_the_file_is_deleted_after_the_keep_time(app, clinic, login_as):
    day = tomorrow_with_appointments(app, clinic)
    login_as(clinic.physio).post(f"/appointments/{day}/bundle")
    with app.app_context():
        bundle = db.session.scalar(select(PdfBundle))
        path = bundles._directory() / bundle.file_name
        assert path.exists()
        assert bundles.delete_expired(bundle.expires_at - timedelta(minutes=1)) == 0
        assert bundles.delete_expired(bundle.expires_at + timedelta(minutes=1)) == 1
        assert not path.exists() and db.session.scalar(select(PdfBundle)) is None
