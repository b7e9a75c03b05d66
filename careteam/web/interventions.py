"""Interventions and what helped: pages (the ledger, the portfolio, one intervention)."""

from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.policy import Action, Part, Role
from careteam.domain.vocabulary import EFFECT_LABELS, KIND_LABELS, TIER_LABELS, VERDICT_LABELS, Tier
from careteam.services import access, clock, interventions, ledger
from careteam.services.errors import Conflict, InvalidInput
from careteam.summary.charts import LineChart, Series, render_line_chart
from careteam.web.forms import distinct_ids, show_service_errors
from careteam.web.forms.interventions import EditInterventionForm, InterventionForm, StopInterventionForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("interventions", __name__)
add_record_tab(RecordTab("interventions.index", "What helped", Part.INTERVENTIONS, order=30))

VERDICT_BADGES = {"helps": "ok", "makes_worse": "danger", "mixed": "warn", "does_not_help": "", "too_early": "accent"}
TREND_WORDS = {"improving": "↗ rated better lately", "steady": "→ rated about the same lately",
               "worsening": "↘ rated worse lately"}


@bp.app_template_global()
def verdict_label(value: str) -> str:
    return VERDICT_LABELS.get(value, value)


@bp.app_template_global()
def verdict_badge(value: str) -> str:
    return VERDICT_BADGES.get(value, "")


@bp.app_template_global()
def tier_label(value: str) -> str:
    return TIER_LABELS.get(value, value)


@bp.app_template_global()
def intervention_kind_label(value: str) -> str:
    return KIND_LABELS.get(value, value)


@bp.app_template_global()
def rating_trend_words(value: str | None) -> str:
    return TREND_WORDS.get(value, "") if value else ""


@bp.app_template_filter("signed_rating")
def signed_rating(value: float | None) -> str:
    """A rating or mean rating with its sign, as people write it: +1.5, 0, −0.5."""
    if value is None:
        return "—"
    text = f"{abs(value):.1f}".removesuffix(".0")
    return "0" if text == "0" else ("+" if value > 0 else "−") + text


@bp.app_template_filter("iso_day")
def iso_day(value: str | None) -> str:
    """An ISO date from a conflict's current values, as people read dates."""
    return date.fromisoformat(value).strftime("%-d %b %Y") if value else "—"


def _ratings_chart(row: ledger.LedgerRow):
    """Weekly ratings from the first rated week to the last, gaps where a week was not rated."""
    if not row.ratings:
        return None
    by_week = {r.week_start: r.rating for r in row.ratings}
    first, last = row.ratings[0].week_start, row.ratings[-1].week_start
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    return render_line_chart(LineChart(
        title=f"Weekly ratings of {row.name}",
        description="Ratings from −2 (made it much worse) to +2 (helped a lot), one per week.",
        x_labels=[w.strftime("%-d %b") for w in weeks],
        series=[Series("Rating", [by_week.get(w) for w in weeks])],
        y_min=-2, y_max=2, y_ticks=[-2, -1, 0, 1, 2], y_label="−2 much worse to +2 helped a lot", point_word="weeks",
    ))


@bp.route("/patients/<int:patient_id>/interventions")
@login_required
def index(patient_id: int):
    user = actor()
    patient, rows = ledger.get_ledger(user, patient_id)
    harmful, others = ledger.split_harmful(rows)
    return render_template(
        "interventions/index.html", patient=patient, rows=rows, harmful=harmful, others=others,
        tiers=list(Tier), can_add=access.may(user, patient_id, Part.INTERVENTIONS, Action.WRITE),
        is_patient=user.role_enum == Role.PATIENT,
    )


@bp.route("/patients/<int:patient_id>/interventions/new", methods=["GET", "POST"])
@login_required
def new(patient_id: int):
    user = actor()
    patient = interventions.patient_for_adding(user, patient_id)
    is_patient = user.role_enum == Role.PATIENT
    form = InterventionForm(data={"started_on": clock.today(), "kind": "other" if is_patient else None})
    if is_patient:
        form.tier.label.text = "What is it for?"
    if form.validate_on_submit():
        try:
            added = interventions.add_intervention(user, patient_id, form.values())
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Intervention added.", "success")
            return redirect(url_for("interventions.index", patient_id=patient_id))
    status = 422 if form.is_submitted() else 200
    return render_template("interventions/new.html", patient=patient, form=form, is_patient=is_patient), status


def _detail_page(patient_id: int, intervention_id: int, *, edit_form=None, stop_form=None,
                 conflict: dict | None = None, status: int = 200):
    user = actor()
    patient, intervention, row = interventions.intervention_detail(user, patient_id, intervention_id)
    can_change = interventions.may_change(user, patient_id, intervention.introduced_by)
    if can_change:
        edit_form = distinct_ids(edit_form or EditInterventionForm(formdata=None, obj=intervention), "edit")
        stop_form = distinct_ids(stop_form or StopInterventionForm(formdata=None, data={"stopped_on": clock.today()}),
                                 "stop")
    return render_template(
        "interventions/detail.html", patient=patient, intervention=intervention, row=row,
        chart=_ratings_chart(row), effect_labels=EFFECT_LABELS, can_change=can_change,
        edit_form=edit_form, stop_form=stop_form, conflict=conflict,
    ), status


@bp.route("/patients/<int:patient_id>/interventions/<int:intervention_id>")
@login_required
def detail(patient_id: int, intervention_id: int):
    return _detail_page(patient_id, intervention_id)


@bp.route("/patients/<int:patient_id>/interventions/<int:intervention_id>/edit", methods=["POST"])
@login_required
def edit(patient_id: int, intervention_id: int):
    form = EditInterventionForm()
    if form.validate_on_submit():
        try:
            interventions.edit_intervention(actor(), patient_id, intervention_id, form.version.data,
                                            form.values(), form.reason.data or "")
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            form.rebase(conflict.current["version"])
            return _detail_page(patient_id, intervention_id, edit_form=form, conflict=conflict.current,
                                status=409)
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("interventions.detail", patient_id=patient_id, intervention_id=intervention_id))
    return _detail_page(patient_id, intervention_id, edit_form=form, status=422)


@bp.route("/patients/<int:patient_id>/interventions/<int:intervention_id>/stop", methods=["POST"])
@login_required
def stop(patient_id: int, intervention_id: int):
    form = StopInterventionForm()
    if form.validate_on_submit():
        try:
            stopped = interventions.stop_intervention(actor(), patient_id, intervention_id, form.reason.data,
                                                      form.stopped_on.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Intervention marked as stopped.", "success")
            return redirect(url_for("interventions.detail", patient_id=patient_id, intervention_id=intervention_id))
    return _detail_page(patient_id, intervention_id, stop_form=form, status=422)
