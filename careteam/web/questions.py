"""Questions for the team: pages."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.policy import Action, Part
from careteam.services import access, questions
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.notes import AnswerForm, QuestionForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("questions", __name__)
add_record_tab(RecordTab("questions.index", "Questions", Part.QUESTIONS, order=100))


def _page(patient_id: int, *, ask_form: QuestionForm | None = None,
          failed_answer: tuple[int, AnswerForm] | None = None, status: int = 200):
    user = actor()
    patient, found = questions.list_questions(user, patient_id, "all")
    answer_forms = dict([failed_answer]) if failed_answer else {}
    return render_template(
        "questions/index.html",
        patient=patient,
        open_questions=[q for q in found if q.answered_at is None],
        answered=[q for q in found if q.answered_at is not None],
        ask_form=ask_form or QuestionForm(formdata=None),
        may_ask=access.may(user, patient_id, Part.QUESTIONS, Action.WRITE),
        may_mark=lambda question: questions.may_mark_answered(user, question),
        answer_form=lambda question: (answer_forms.get(question.id)
                                      or AnswerForm(formdata=None, prefix=f"q{question.id}")),
        action_form=ActionForm(),
    ), status


@bp.route("/patients/<int:patient_id>/questions")
@login_required
def index(patient_id: int):
    return _page(patient_id)


@bp.route("/patients/<int:patient_id>/questions", methods=["POST"])
@login_required
def ask(patient_id: int):
    form = QuestionForm()
    if form.validate_on_submit():
        try:
            questions.ask(actor(), patient_id, form.text.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Question added. The team will see it before the next appointment.", "success")
            return redirect(url_for("questions.index", patient_id=patient_id))
    return _page(patient_id, ask_form=form, status=422)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(patient_id: int, question_id: int):
    form = AnswerForm(prefix=f"q{question_id}")
    if form.validate_on_submit():
        try:
            questions.answer(actor(), patient_id, question_id, form.answer.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            flash(conflict.message, "warning")
            return redirect(url_for("questions.index", patient_id=patient_id))
        else:
            flash("Marked answered.", "success")
            return redirect(url_for("questions.index", patient_id=patient_id))
    return _page(patient_id, failed_answer=(question_id, form), status=422)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>/reopen", methods=["POST"])
@login_required
def reopen(patient_id: int, question_id: int):
    try:
        questions.reopen(actor(), patient_id, question_id)
    except Conflict as conflict:
        flash(conflict.message, "warning")
    else:
        flash("The question is open again.", "success")
    return redirect(url_for("questions.index", patient_id=patient_id))
