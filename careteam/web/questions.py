"""Questions for the team: the list (with what is unread), asking, and each question's
conversation, where the patient and the team reply and the team marks it answered."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from careteam.domain.policy import Action, Part
from careteam.services import access, question_replies, questions
from careteam.services.errors import Conflict, InvalidInput
from careteam.web.forms import ActionForm, show_service_errors
from careteam.web.forms.notes import QuestionForm, ReplyForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("questions", __name__)
add_record_tab(RecordTab("questions.index", "Questions", Part.QUESTIONS, order=100))


def _page(patient_id: int, *, ask_form: QuestionForm | None = None, status: int = 200):
    user = actor()
    reader_id = user.id
    patient, found = questions.list_questions(user, patient_id, "all")
    return render_template(
        "questions/index.html",
        patient=patient,
        open_questions=[q for q in found if q.answered_at is None],
        answered=[q for q in found if q.answered_at is not None],
        unread_by_question=question_replies.unread_for(reader_id, patient.id),
        ask_form=ask_form or QuestionForm(formdata=None),
        may_ask=access.may(user, patient_id, Part.QUESTIONS, Action.WRITE),
    ), status


def _conversation(patient_id: int, question_id: int, *, form: ReplyForm | None = None, status: int = 200):
    user = actor()
    patient, question, replies = question_replies.open_conversation(user, patient_id, question_id)
    may_write = access.may(user, patient.id, Part.QUESTIONS, Action.WRITE)
    return render_template(
        "questions/conversation.html",
        patient=patient,
        question=question,
        replies=replies,
        form=form or ReplyForm(formdata=None),
        may_reply=may_write and question.answered_at is None,
        may_close=may_write and questions.may_close(user),
        may_reopen=may_write and questions.may_reopen(user, question),
        action_form=ActionForm(),
    ), status


def _to_conversation(patient_id: int, question_id: int, anchor: str | None = None):
    return redirect(url_for("questions.conversation", patient_id=patient_id, question_id=question_id,
                            _anchor=anchor))


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
            question = questions.ask(actor(), patient_id, form.text.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Question added. The team will see it before the next appointment.", "success")
            return _to_conversation(patient_id, question.id)
    return _page(patient_id, ask_form=form, status=422)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>")
@login_required
def conversation(patient_id: int, question_id: int):
    return _conversation(patient_id, question_id)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>/replies", methods=["POST"])
@login_required
def reply(patient_id: int, question_id: int):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            added = question_replies.reply(actor(), patient_id, question_id, form.text.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        except Conflict as conflict:
            flash(conflict.message, "warning")
            return _to_conversation(patient_id, question_id)
        else:
            flash("Reply sent.", "success")
            return _to_conversation(patient_id, question_id, f"reply-{added.id}")
    return _conversation(patient_id, question_id, form=form, status=422)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>/answer", methods=["POST"])
@login_required
def answer(patient_id: int, question_id: int):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            questions.answer(actor(), patient_id, question_id, form.text.data or "")
        except InvalidInput as error:  # the API's "answer" is this page's reply box
            show_service_errors(form, InvalidInput({"text" if k == "answer" else k: v for k, v in error.errors.items()}))
        except Conflict as conflict:
            flash(conflict.message, "warning")
            return _to_conversation(patient_id, question_id)
        else:
            flash("Marked answered.", "success")
            return _to_conversation(patient_id, question_id)
    return _conversation(patient_id, question_id, form=form, status=422)


@bp.route("/patients/<int:patient_id>/questions/<int:question_id>/reopen", methods=["POST"])
@login_required
def reopen(patient_id: int, question_id: int):
    try:
        questions.reopen(actor(), patient_id, question_id)
    except Conflict as conflict:
        flash(conflict.message, "warning")
    else:
        flash("The question is open again.", "success")
    return _to_conversation(patient_id, question_id)
