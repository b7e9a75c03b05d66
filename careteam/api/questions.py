"""Questions for the team: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import Extended, InputSchema
from careteam.services import question_replies, questions
from careteam.services.question_replies import Unread
from careteam.web.login import actor

blp = api_blueprint("api_questions", __name__, "Questions for the team.")


class QuestionQuery(ListArgs):
    status = fields.Str(load_default="open", validate=validate.OneOf(questions.STATUSES))


class QuestionIn(InputSchema):
    text = fields.Str(required=True, validate=validate.Length(max=questions.MAX_TEXT_LENGTH))


class AnswerIn(InputSchema):
    answer = fields.Str(load_default="", validate=validate.Length(max=questions.MAX_ANSWER_LENGTH))


class ReopenIn(InputSchema):
    pass


class ReplyIn(InputSchema):
    text = fields.Str(required=True, validate=validate.Length(max=questions.MAX_TEXT_LENGTH))


class ReplyOut(Schema):
    id = fields.Int()
    question_id = fields.Int()
    author_id = fields.Int()
    author_name = fields.Str(attribute="author.name")
    author_role = fields.Str()
    text = fields.Str()
    is_answer = fields.Bool(metadata={"description": "The reply that marked the question answered."})
    created_at = fields.DateTime()


class LatestReplyOut(Schema):
    author_id = fields.Int()
    author_name = fields.Str(attribute="author.name")
    author_role = fields.Str()
    text = fields.Str()
    created_at = fields.DateTime()


class QuestionOut(Schema):
    id = fields.Int()
    text = fields.Str()
    asked_by_id = fields.Int()
    asked_by_name = fields.Str(attribute="asked_by.name")
    asked_by_role = fields.Str()
    created_at = fields.DateTime()
    checkin_id = fields.Int(allow_none=True)
    answered = fields.Function(lambda q: q.answered_at is not None)
    answered_at = fields.DateTime(allow_none=True)
    answered_by_id = fields.Int(allow_none=True)
    answered_by_name = fields.Function(lambda q: q.answered_by.name if q.answered_by else None)
    answer = fields.Str()
    latest_reply = fields.Nested(LatestReplyOut, allow_none=True, metadata={
        "description": "In the dashboard and the summary: the newest reply under the open question."})


class QuestionListOut(QuestionOut):
    replies = fields.Int(attribute="unread.replies", metadata={"description": "Replies under the question."})
    unread_replies = fields.Int(attribute="unread.unread", metadata={
        "description": "Replies by others the caller has not read (reading the replies reads them)."})
    new = fields.Bool(attribute="unread.new", metadata={
        "description": "Open, asked by someone else, and the caller has never opened it."})


@blp.route("/<int:patient_id>/questions")
class Questions(MethodView):
    @blp.arguments(QuestionQuery, location="query")
    @blp.response(200, QuestionListOut(many=True))
    def get(self, args, patient_id: int):
        """Open questions oldest first, then answered ones (status=all), most recently answered first;
        each with its replies and what is unread for the caller."""
        user = actor()
        reader_id = user.id
        patient, found = questions.list_questions(user, patient_id, args["status"])
        unread = question_replies.unread_for(reader_id, patient.id)
        return page_of([Extended(q, unread=unread.get(q.id, Unread())) for q in found], args)

    @blp.arguments(QuestionIn)
    @blp.response(201, QuestionOut)
    def post(self, data, patient_id: int):
        """Ask a question for the next appointment (the patient or a clinician on the team)."""
        return questions.ask(actor(), patient_id, data["text"])


@blp.route("/<int:patient_id>/questions/<int:question_id>/answer")
class Answer(MethodView):
    @blp.arguments(AnswerIn)
    @blp.response(200, QuestionOut)
    def post(self, data, patient_id: int, question_id: int):
        """Mark answered (the care team), with an optional answer, which is also added to the replies
        and tells the patient. 403 for the patient, who replies instead; 409 with `current` when the
        question is already answered."""
        return questions.answer(actor(), patient_id, question_id, data["answer"])


@blp.route("/<int:patient_id>/questions/<int:question_id>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReopenIn)
    @blp.response(200, QuestionOut)
    def post(self, _data, patient_id: int, question_id: int):
        """Open an answered question again (the team, or the patient who asked it); its answer is
        cleared, its answer reply stays. 409 when it is already open."""
        return questions.reopen(actor(), patient_id, question_id)


@blp.route("/<int:patient_id>/questions/<int:question_id>/replies")
class Replies(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, ReplyOut(many=True))
    def get(self, args, patient_id: int, question_id: int):
        """The conversation under a question, oldest first. Reading it marks it read for the caller
        (whoever may write on the record; an emergency access only reads)."""
        return page_of(question_replies.open_conversation(actor(), patient_id, question_id)[2], args)

    @blp.arguments(ReplyIn)
    @blp.response(201, ReplyOut)
    @blp.alt_response(409, description="The question is answered: reopen it first, or ask a new one.")
    def post(self, data, patient_id: int, question_id: int):
        """Reply under an open question (the patient or a clinician on the team). The other side is
        told in the app, without the text."""
        return question_replies.reply(actor(), patient_id, question_id, data["text"])
