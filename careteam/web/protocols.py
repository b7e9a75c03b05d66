"""Protocol templates: the clinic's library, and the record tab to apply one or save the
patient's plan as one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain import protocols as rules
from careteam.domain.policy import CLINICIAN_ROLES, Action, Part
from careteam.services import protocols
from careteam.services.errors import InvalidInput
from careteam.web.forms import show_service_errors
from careteam.web.forms.protocols import ApplyTemplateForm, SaveTemplateForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("protocols", __name__)
# For the clinicians on the care team only. Patients may write interventions (those they tried
# themselves), so the tab goes by the clinicians' notes, which exactly the team's clinicians read.
# Clinicians only: patients may add interventions too, but not apply clinic templates.
add_record_tab(RecordTab("protocols.for_patient", "Templates", Part.INTERVENTIONS, order=105, action=Action.WRITE,
                         roles=frozenset(CLINICIAN_ROLES)))

# Where what a template created is seen and changed: the tab of the first part it created in.
PART_PAGES = {
    Part.INTERVENTIONS: "interventions.index",
    Part.EXERCISE_DOSES: "exercises.programme",
    Part.GRADED_ACTIVITY: "activity.index",
}


@bp.app_template_global()
def protocol_activity_words(spec: rules.ActivitySpec) -> str:
    return rules.describe_activity(spec)


@bp.route("/protocols")
@login_required
def index():
    return render_template("protocols/index.html", templates=protocols.list_templates(actor()))


@bp.route("/protocols/<slug>")
@login_required
def detail(slug: str):
    return render_template("protocols/detail.html", info=protocols.get_template(actor(), slug))


def _patient_page(patient_id: int, form: SaveTemplateForm | None = None, status: int = 200):
    page = protocols.patient_templates(actor(), patient_id)
    form = form or SaveTemplateForm(formdata=None)
    form.offer(page.current.interventions, page.current.prescriptions, page.current.plans)
    return render_template("protocols/patient.html", patient=page.patient, page=page, form=form), status


@bp.route("/patients/<int:patient_id>/protocols")
@login_required
def for_patient(patient_id: int):
    return _patient_page(patient_id)


@bp.route("/patients/<int:patient_id>/protocols/save", methods=["POST"])
@login_required
def save(patient_id: int):
    form = SaveTemplateForm()
    if form.validate_on_submit():
        try:
            saved = protocols.save_as_template(actor(), patient_id, form.name.data, form.description.data,
                                               form.selection())
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Template saved. Every clinician in the clinic can apply it now.", "success")
            return redirect(url_for("protocols.detail", slug=saved.template.slug))
    return _patient_page(patient_id, form, 422)


@bp.route("/patients/<int:patient_id>/protocols/<slug>/apply", methods=["GET", "POST"])
@login_required
def apply(patient_id: int, slug: str):
    user = actor()
    form = ApplyTemplateForm()
    if form.validate_on_submit():
        try:
            applied = protocols.apply(user, patient_id, slug, form.reason.data, form.again.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            template = applied.template
            flash(f"Template applied: {template.counts} added, starting today. Change them here as usual.",
                  "success")
            return redirect(url_for(PART_PAGES[template.parts[0]], patient_id=patient_id))
    preview = protocols.preview(user, patient_id, slug)
    status = 422 if form.is_submitted() else 200
    return render_template("protocols/apply.html", patient=preview.patient, preview=preview, form=form), status
