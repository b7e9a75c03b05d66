"""A clinic day's PDFs made in the background: start, watch the progress, download."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, jsonify, redirect, render_template, send_file, url_for
from flask_login import login_required

from careteam.models.bundle import DONE
from careteam.services import bundles
from careteam.services.errors import InvalidInput, NotFound
from careteam.web.login import actor

bp = Blueprint("bundles", __name__)


@bp.route("/appointments/<day>/bundle", methods=["POST"])
@login_required
def start(day: str):
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        raise NotFound() from None
    try:
        bundle = bundles.start(actor(), chosen)
    except InvalidInput as error:
        flash(" ".join(error.errors.get("day", ["Nothing to prepare."])), "error")
        return redirect(url_for("appointments.upcoming"))
    return redirect(url_for("bundles.progress", bundle_id=bundle.id))


def _status(bundle) -> dict:
    return {"status": bundle.status, "done": bundle.done, "total": bundle.total,
            "download_url": url_for("bundles.download", bundle_id=bundle.id) if bundle.status == DONE else None}


@bp.route("/bundles/<int:bundle_id>")
@login_required
def progress(bundle_id: int):
    bundle = bundles.get(actor(), bundle_id)
    return render_template("bundles/progress.html", bundle=bundle, status=_status(bundle))


@bp.route("/bundles/<int:bundle_id>/status")
@login_required
def status(bundle_id: int):
    return jsonify(_status(bundles.get(actor(), bundle_id)))


@bp.route("/bundles/<int:bundle_id>/download")
@login_required
def download(bundle_id: int):
    path, filename = bundles.download(actor(), bundle_id)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=filename)
