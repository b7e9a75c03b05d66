"""Red-flag alerts: the open ones with an Acknowledge button for physicians, and the history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import RED_FLAG_LABELS
from careteam.services import access, alerts, questionnaires
from careteam.web.forms import ActionForm
from careteam.web.login import actor

bp = Blueprint("alerts", __name__)


@bp.route("/patients/<int:patient_id>/alerts")
@login_required
def index(patient_id: int):
    user = actor()
    patient, found = alerts.list_alerts(user, patient_id)
    return render_template(
        "alerts/index.html",
        patient=patient,
        open_alerts=[a for a in found if a.acknowledged_at is None],
        acknowledged=[a for a in found if a.acknowledged_at is not None],
        may_acknowledge=access.may(user, patient_id, Part.ALERTS, Action.WRITE),
        may_acknowledge_safety=access.may(user, patient_id, Part.SAFETY_ALERTS, Action.WRITE),
        action_form=ActionForm(),
        flag_labels={**RED_FLAG_LABELS, **questionnaires.safety_flag_labels()},
    )


@bp.route("/patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(patient_id: int, alert_id: int):
    alert = alerts.acknowledge(actor(), patient_id, alert_id)
    who = "you" if alert.acknowledged_by_id == actor().id else alert.acknowledged_by.name
    flash(f"Alert acknowledged by {who}.", "success")
    return redirect(url_for("alerts.index", patient_id=patient_id))
