"""The handover summary: the page, and the PDF physicians download before an appointment."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import login_required

from careteam.domain.policy import Part
from careteam.services.errors import InvalidInput
from careteam.summary.export import read_summary, summary_pdf
from careteam.web.forms import show_service_errors
from careteam.web.forms.appointments import PeriodForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("summary", __name__)
add_record_tab(RecordTab("summary.page", "Summary", Part.SUMMARY, order=110))


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _period_args(form: PeriodForm):
    return form.start.data, form.end.data


@bp.route("/patients/<int:patient_id>/summary")
@login_required
def page(patient_id: int):
    form = PeriodForm(request.args)
    if request.args and not form.validate():
        return render_template("summary/page.html", s=None, form=form, patient_id=patient_id), 422
    try:
        summary = read_summary(actor(), patient_id, *_period_args(form))
    except InvalidInput as error:
        show_service_errors(form, error)
        return render_template("summary/page.html", s=None, form=form, patient_id=patient_id), 422
    if not request.args:
        form = PeriodForm(formdata=None, start=summary.period.start, end=summary.period.end)
    return render_template("summary/page.html", s=summary, patient=summary.patient, form=form)


@bp.route("/patients/<int:patient_id>/summary.pdf")
@login_required
def pdf(patient_id: int):
    form = PeriodForm(request.args)
    if request.args and not form.validate():
        raise InvalidInput({name: list(messages) for name, messages in form.errors.items()})
    return pdf_response(*summary_pdf(actor(), patient_id, *_period_args(form)))
