""""Download my record" in the JSON API: start the ZIP (202), ask its status, download it."""

from __future__ import annotations

from flask import send_file, url_for
from flask.views import MethodView
from marshmallow import Schema, fields

from careteam.api import api_blueprint
from careteam.models.bundle import DONE
from careteam.services import record_export
from careteam.web.login import actor as _actor

blp = api_blueprint("api_record_export", __name__,
                    "The patient's whole record as a ZIP (FHIR bundle, CSVs, summary PDF), prepared in the background.")


class RecordExportOut(Schema):
    id = fields.Int()
    status = fields.Str(metadata={"description": "queued, running, done or failed."})
    done = fields.Int(metadata={"description": "Files written so far."})
    total = fields.Int(metadata={"description": "Files the ZIP will hold (besides README.txt)."})
    size_bytes = fields.Int(allow_none=True, metadata={"description": "The ZIP's size once done."})
    created_at = fields.DateTime()
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "When the file is deleted."})
    download_url = fields.Method("_download_url", allow_none=True, metadata={
        "description": "Where to GET the ZIP once done; null before."})

    def _download_url(self, export) -> str | None:
        if export.status != DONE:
            return None
        return url_for("api_record_export.RecordExportDownload", patient_id=export.patient_id, export_id=export.id)


@blp.route("/<int:patient_id>/record-export")
class RecordExportStart(MethodView):
    @blp.response(202, RecordExportOut)
    def post(self, patient_id: int):
        """Start preparing the ZIP of everything the caller may read of this record (the patient, or
        a clinician on the care team; not under emergency access). While one is being prepared for
        the caller, that one is answered. Poll its status; the worker writes it."""
        return record_export.start(_actor(), patient_id)


@blp.route("/<int:patient_id>/record-export/<int:export_id>")
class RecordExportStatus(MethodView):
    @blp.response(200, RecordExportOut)
    def get(self, patient_id: int, export_id: int):
        """The progress of a ZIP the caller asked for (404 for anyone else's)."""
        return record_export.get(_actor(), patient_id, export_id)


@blp.route("/<int:patient_id>/record-export/<int:export_id>/download")
class RecordExportDownload(MethodView):
    @blp.response(200, description="The ZIP (audited as an export of the record).")
    @blp.doc(responses={"200": {"content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}}}})
    def get(self, patient_id: int, export_id: int):
        """Download the ZIP once its status is done; 404 before, after it expired, or for anyone else's."""
        path, filename = record_export.download(_actor(), patient_id, export_id)
        return send_file(path, mimetype="application/zip", as_attachment=True, download_name=filename)
