"""Use cases of the handover summary: read it (page, JSON), export it as a PDF, bundle a day's PDFs.
The summary is the record's one read model (services/record) seen through the handover lens."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask import current_app, render_template

from careteam import sqlite
from careteam.extensions import db
from careteam.models import User
from careteam.services import appointments, audit
from careteam.services.audit import Outcome
from careteam.services.errors import NotFound
from careteam.services.record import RecordView as Summary
from careteam.services.record import build_summary, read_summary
from careteam.summary.pdf import PdfError, renderer


def _file_part(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "patient"


def filename_for(summary: Summary) -> str:
    return f"careteam-handover-{_file_part(summary.patient.name)}-{summary.period.end.isoformat()}.pdf"


def document_html(summary: Summary) -> str:
    return render_template("summary/document.html", s=summary)


def _render(documents: list[str]) -> bytes:
    # End the transaction first: nothing is written before the export event, and an open
    # transaction would hold SQLite's write lock, or a PostgreSQL connection, for the whole render.
    audit.commit_read()
    config = current_app.config
    return renderer.render(documents, static_dir=current_app.static_folder,
                           page_size=config["CARETEAM_PDF_PAGE_SIZE"], timeout=config["CARETEAM_PDF_TIMEOUT_SECONDS"],
                           workers=config["CARETEAM_PDF_WORKERS"], memory_mb=config["CARETEAM_PDF_MEMORY_MB"])


def _audit_export(actor: User, summary: Summary, outcome: str) -> None:
    sqlite.leave_reads_only(audit.commit_read)  # a write after the render's reads
    audit.record("export", actor=actor, patient_id=summary.patient.id, object_type="summary_pdf",
                 object_id=summary.patient.id, outcome=outcome,
                 detail=f"period={summary.period.start}..{summary.period.end}")


def summary_pdf(actor: User, patient_id: int, start: date | None = None, end: date | None = None) -> tuple[bytes, str]:
    """The PDF and its file name. Audited as an export, whether it succeeds or fails."""
    summary = build_summary(actor, patient_id, start, end)
    html = document_html(summary)
    try:
        pdf = _render([html])
    except PdfError:
        _audit_export(actor, summary, Outcome.FAILURE)
        db.session.commit()
        raise
    _audit_export(actor, summary, Outcome.SUCCESS)
    db.session.commit()
    return pdf, filename_for(summary)


def day_bundle_pdf(actor: User, day: date) -> tuple[bytes, str]:
    """One file with the handover summaries of all of the actor's appointments on a day, in order."""
    todays = appointments.on_day(actor, day)
    if not todays:
        raise NotFound("You have no appointments on that day.")
    summaries = [build_summary(actor, appointment.patient_id) for appointment in todays]
    documents = [document_html(summary) for summary in summaries]
    try:
        pdf = _render(documents)
    except PdfError:
        for summary in summaries:
            _audit_export(actor, summary, Outcome.FAILURE)
        db.session.commit()
        raise
    for summary in summaries:
        _audit_export(actor, summary, Outcome.SUCCESS)
    db.session.commit()
    return pdf, f"careteam-handovers-{day.isoformat()}.pdf"


