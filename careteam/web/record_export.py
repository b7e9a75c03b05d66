""""Download my record": the page, start the ZIP in the background, watch its progress, download."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, render_template, send_file, url_for
from flask_login import login_required

from careteam.domain.policy import Part
from careteam.models.bundle import DONE
from careteam.services import record_export
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("record_export", __name__)
add_record_tab(RecordTab("record_export.index", "Download record", Part.SUMMARY, order=115,
                         own_label="Download my record"))


def status_of(export) -> dict:
    return {"id": export.id, "status": export.status, "done": export.done, "total": export.total,
            "size_bytes": export.size_bytes, "expires_at": export.expires_at.isoformat() if export.expires_at else None,
            "download_url": url_for("record_export.download", patient_id=export.patient_id, export_id=export.id)
            if export.status == DONE else None}


@bp.route("/patients/<int:patient_id>/record-export")
@login_required
def index(patient_id: int):
    patient, exports, may_start = record_export.page(actor(), patient_id)
    return render_template("record_export/index.html", patient=patient, exports=exports, may_start=may_start,
                           parts=record_export.readable_parts(actor(), patient_id))


@bp.route("/patients/<int:patient_id>/record-export", methods=["POST"])
@login_required
def start(patient_id: int):
    export = record_export.start(actor(), patient_id)
    return redirect(url_for("record_export.progress", patient_id=patient_id, export_id=export.id))


@bp.route("/patients/<int:patient_id>/record-export/<int:export_id>")
@login_required
def progress(patient_id: int, export_id: int):
    export = record_export.get(actor(), patient_id, export_id)
    return render_template("record_export/progress.html", export=export, status=status_of(export))


@bp.route("/patients/<int:patient_id>/record-export/<int:export_id>/status")
@login_required
def status(patient_id: int, export_id: int):
    return jsonify(status_of(record_export.get(actor(), patient_id, export_id)))


@bp.route("/patients/<int:patient_id>/record-export/<int:export_id>/download")
@login_required
def download(patient_id: int, export_id: int):
    path, filename = record_export.download(actor(), patient_id, export_id)
    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=filename)
