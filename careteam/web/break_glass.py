"""Emergency access: the clinician's form, the banner on the record, the admin's review list."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from careteam.domain.policy import Role
from careteam.extensions import limiter
from careteam.services import break_glass
from careteam.services.errors import InvalidInput
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.break_glass import EmergencyAccessForm
from careteam.web.login import actor

bp = Blueprint("break_glass", __name__)


def _account_key() -> str:
    return f"break-glass:{current_user.get_id().partition(':')[0] if current_user.is_authenticated else 'anon'}"


@bp.route("/emergency-access", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["CARETEAM_BREAK_GLASS_LIMIT_PER_ACCOUNT"], key_func=_account_key,
               methods=["POST"], deduct_when=lambda response: response.status_code == 422)
def ask():
    break_glass.check_may_ask(actor())
    form = EmergencyAccessForm()
    if form.validate_on_submit():
        try:
            opened = break_glass.open_record(actor(), form.identifier.data, form.reason.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            if opened.grant is None:
                flash("You are on this patient's care team: no emergency access is needed.", "info")
            return redirect(url_for("patients.record", patient_id=opened.patient_id))
    status = 422 if form.is_submitted() else 200
    minutes = break_glass.configured_minutes()
    return render_template("break_glass/ask.html", form=form, minutes=minutes), status


@bp.route("/patients/<int:patient_id>/emergency-access/end", methods=["POST"])
@login_required
def end(patient_id: int):
    break_glass.end_grant(actor(), patient_id)
    flash("Emergency access ended.", "success")
    return redirect(url_for("patients.my_patients"))


@bp.route("/admin/break-glass")
@login_required
def review():
    page = break_glass.review(actor(), request.args.get("page", 1, type=int))
    return render_template("break_glass/review.html", page=page)


@bp.app_template_global()
def break_glass_banner():
    """The active grant behind this page, if it shows a record read under break-glass."""
    patient_id = (request.view_args or {}).get("patient_id")
    if patient_id is None or not current_user.is_authenticated or current_user.role_enum == Role.PATIENT:
        return None
    grant = break_glass.current_grant(current_user._get_current_object(), patient_id)
    if grant is None:
        return None
    return {"grant": grant, "minutes_left": break_glass.minutes_left(grant), "end_form": ActionForm()}
