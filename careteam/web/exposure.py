"""Graded exposure: the hierarchy, an item with its attempts, and the forms around them."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from markupsafe import Markup

from careteam.domain.policy import Action, Part, Role
from careteam.models import ExposureAttempt
from careteam.services import access, clock
from careteam.services import exposure as service
from careteam.services.errors import Conflict, InvalidInput
from careteam.summary.charts import LineChart, Series, render_line_chart, render_small_multiples
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.exposure import AttemptForm, EditExposureItemForm, ExposureItemForm, MasteryForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("exposure", __name__)
add_record_tab(RecordTab("exposure.hierarchy", "Exposure", Part.EXPOSURE, order=70))


EXPECTANCY_AXIS = "Expectancy of the feared outcome, 0–100"


def _expectancy_chart(title: str, labels: list[str], before: list[int | None], after: list[int | None],
                      threshold: int, heading: str = "") -> LineChart:
    return LineChart(
        title=title,
        heading=heading,
        x_labels=labels,
        series=[
            Series("Before", before),
            Series("After", after),
            Series(f"Mastery threshold ({threshold})", [threshold] * len(labels), dashed=True, show_points=False),
        ],
        y_max=100, y_ticks=[0, 25, 50, 75, 100], y_label=EXPECTANCY_AXIS, point_word="attempts",
        description=f"{title}: expectancy before and after each attempt, and the mastery threshold.",
    )


def item_chart(attempts: list[ExposureAttempt], threshold: int) -> Markup:
    """One item's attempts, oldest first."""
    return render_line_chart(_expectancy_chart(
        "Expectancy across attempts", [f"{a.attempted_on:%-d %b}" for a in attempts],
        [a.expectancy_before for a in attempts], [a.expectancy_after for a in attempts], threshold))


@dataclass(frozen=True)
class HierarchyChart:
    """One small chart per item that has attempts, in hierarchy order, each headed by the item's own
    words (never by its position, which changes when an item is added or moved), and an example
    for the caption taken from the latest attempt shown (None when nothing has been tried yet)."""

    charts: Markup
    example: str


def hierarchy_chart(progress: service.ExposureProgress) -> HierarchyChart | None:
    charts, latest = [], None
    for item_progress in progress.items:
        item, attempts = item_progress.item, item_progress.item.attempts
        if not attempts:
            continue
        charts.append(_expectancy_chart(
            f"Expectancy across attempts: {item.description}", [f"{a.attempted_on:%-d %b}" for a in attempts],
            [a.expectancy_before for a in attempts], [a.expectancy_after for a in attempts], progress.threshold,
            heading=item.description))
        last = attempts[-1]
        if latest is None or last.attempted_on > latest[1].attempted_on:
            latest = (item, last)
    if latest is None:
        return None
    item, attempt = latest
    example = (f"For example, on {attempt.attempted_on:%-d %b %Y} “{item.description}”: "
               f"expectancy {attempt.expectancy_before} before, {attempt.expectancy_after} after.")
    return HierarchyChart(render_small_multiples(charts, "Expectancy before and after, item by item"), example)


def _permissions(patient_id: int) -> dict:
    user = actor()
    return {
        "can_write": access.may(user, patient_id, Part.EXPOSURE, Action.WRITE),
        "can_log": access.may(user, patient_id, Part.EXPOSURE, Action.LOG),
        "is_patient": user.role_enum == Role.PATIENT,
    }


def _hierarchy_page(patient_id: int, form: ExposureItemForm | None = None, status: int = 200):
    patient, progress = service.hierarchy(actor(), patient_id)
    chart = hierarchy_chart(progress)
    return render_template(
        "exposure/hierarchy.html", patient=patient, progress=progress, chart=chart,
        add_form=form or ExposureItemForm(formdata=None), action_form=ActionForm(),
        **_permissions(patient_id),
    ), status


@bp.route("/patients/<int:patient_id>/exposure")
@login_required
def hierarchy(patient_id: int):
    return _hierarchy_page(patient_id)


@bp.route("/patients/<int:patient_id>/exposure/items", methods=["POST"])
@login_required
def add_item(patient_id: int):
    form = ExposureItemForm()
    if form.validate_on_submit():
        try:
            item = service.add_item(actor(), patient_id, description=form.description.data,
                                    fear_rating=form.fear_rating.data, expectancy=form.expectancy.data,
                                    predicted_consequence=form.predicted_consequence.data or "")
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Item added to the hierarchy.", "success")
            return redirect(url_for("exposure.hierarchy", patient_id=patient_id))
    return _hierarchy_page(patient_id, form, status=422)


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/up", methods=["POST"])
@login_required
def move_up(patient_id: int, item_id: int):
    service.move_item(actor(), patient_id, item_id, -1)
    return redirect(url_for("exposure.hierarchy", patient_id=patient_id, _anchor=f"item-{item_id}"))


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/down", methods=["POST"])
@login_required
def move_down(patient_id: int, item_id: int):
    service.move_item(actor(), patient_id, item_id, 1)
    return redirect(url_for("exposure.hierarchy", patient_id=patient_id, _anchor=f"item-{item_id}"))


def _item_page(patient_id: int, item_id: int, mastery_form: MasteryForm | None = None, status: int = 200):
    patient, detail = service.item_detail(actor(), patient_id, item_id)
    attempts = [view.attempt for view in detail.attempts]
    chart = item_chart(attempts, detail.threshold) if attempts else None
    return render_template(
        "exposure/item.html", patient=patient, detail=detail, item=detail.item, chart=chart,
        mastery_form=mastery_form or MasteryForm(formdata=None), action_form=ActionForm(),
        **_permissions(patient_id),
    ), status


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>")
@login_required
def item(patient_id: int, item_id: int):
    return _item_page(patient_id, item_id)


def _edit_page(patient_id: int, item_id: int, form: EditExposureItemForm | None = None,
               conflict: dict | None = None, status: int = 200):
    patient, detail = service.item_detail(actor(), patient_id, item_id, Action.WRITE)
    if form is None:
        form = EditExposureItemForm(formdata=None, obj=detail.item)
    return render_template("exposure/edit.html", patient=patient, item=detail.item, form=form,
                           conflict=conflict), status


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/edit")
@login_required
def edit_item(patient_id: int, item_id: int):
    return _edit_page(patient_id, item_id)


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/edit", methods=["POST"])
@login_required
def save_item(patient_id: int, item_id: int):
    form = EditExposureItemForm()
    if form.validate_on_submit():
        try:
            service.edit_item(actor(), patient_id, item_id, version=form.version.data, reason=form.reason.data,
                              description=form.description.data, fear_rating=form.fear_rating.data,
                              predicted_consequence=form.predicted_consequence.data or "",
                              expectancy=form.expectancy.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            # Keep the person's input; the next save is based on what they have now seen.
            form.rebase(conflict.current["version"])
            return _edit_page(patient_id, item_id, form, conflict=conflict.current, status=409)
        else:
            flash("Item saved.", "success")
            return redirect(url_for("exposure.item", patient_id=patient_id, item_id=item_id))
    return _edit_page(patient_id, item_id, form, status=422)


def _attempt_page(patient_id: int, item_id: int, form: AttemptForm | None = None, status: int = 200):
    patient, detail = service.item_detail(actor(), patient_id, item_id, Action.LOG)
    if form is None:
        form = AttemptForm(formdata=None, data={"attempted_on": clock.today()})
        if actor().role_enum != Role.PATIENT:
            form.present.data = f"with {actor().name} ({actor().role})"
    return render_template("exposure/attempt.html", patient=patient, item=detail.item, form=form,
                           **_permissions(patient_id)), status


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/attempts/new")
@login_required
def new_attempt(patient_id: int, item_id: int):
    return _attempt_page(patient_id, item_id)


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/attempts", methods=["POST"])
@login_required
def log_attempt(patient_id: int, item_id: int):
    form = AttemptForm()
    if form.validate_on_submit():
        try:
            service.log_attempt(actor(), patient_id, item_id, **form.service_values())
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict:
            form.form_errors.append("The item changed while you were saving; please save again.")
            return _attempt_page(patient_id, item_id, form, status=409)
        else:
            flash("Attempt saved. Well done for facing it.", "success")
            return redirect(url_for("exposure.item", patient_id=patient_id, item_id=item_id))
    return _attempt_page(patient_id, item_id, form, status=422)


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/mastered", methods=["POST"])
@login_required
def mark_mastered(patient_id: int, item_id: int):
    form = MasteryForm()
    if form.validate_on_submit():
        try:
            service.set_mastery(actor(), patient_id, item_id, mastered=True, reason=form.reason.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Marked as mastered.", "success")
            return redirect(url_for("exposure.item", patient_id=patient_id, item_id=item_id))
    return _item_page(patient_id, item_id, form, status=422)


@bp.route("/patients/<int:patient_id>/exposure/items/<int:item_id>/unmastered", methods=["POST"])
@login_required
def unmark_mastered(patient_id: int, item_id: int):
    service.set_mastery(actor(), patient_id, item_id, mastered=False)
    flash("The item is back in practice.", "success")
    return redirect(url_for("exposure.item", patient_id=patient_id, item_id=item_id))
