"""Red-flag alerts: the open ones with an Acknowledge button for physicians, and the history."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from wtforms import TextAreaField
from wtforms.validators import Length

from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import RED_FLAG_LABELS
from careteam.services import access, alerts, questionnaires
from careteam.services.errors import InvalidInput
from careteam.services.escalation import STEP_LABELS
from careteam.web.forms import ActionForm, Form, show_service_errors
from careteam.web.login import actor

bp = Blueprint("alerts", __name__)


class AcknowledgeForm(Form):
    note = TextAreaField("What was done", validators=[Length(max=alerts.NOTE_MAX)])


@bp.route("/patients/<int:patient_id>/alerts")
@login_required
def index(patient_id: int, ack_form: AcknowledgeForm | None = None, failed_alert_id: int | None = None):
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
        ack_form=ack_form or AcknowledgeForm(formdata=None),
        failed_alert_id=failed_alert_id,
        step_labels=STEP_LABELS,
    )


@bp.route("/patients/<int:patient_id>/alerts/<int:alert_id>/acknowledge", methods=["POST"])
@login_required
def acknowledge(patient_id: int, alert_id: int):
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        return index(patient_id, form, alert_id), 422
    try:
        alert = alerts.acknowledge(actor(), patient_id, alert_id, form.note.data or "")
    except InvalidInput as error:
        show_service_errors(form, error)
        return index(patient_id, form, alert_id), 422
    who = "you" if alert.acknowledged_by_id == actor().id else alert.acknowledged_by.name
    flash(f"Alert acknowledged by {who}.", "success")
    return redirect(url_for("alerts.index", patient_id=patient_id))
