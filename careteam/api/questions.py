"""Questions for the team: JSON API under /api/v1/patients/<patient_id>/."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import InputSchema
from careteam.services import questions
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


@blp.route("/<int:patient_id>/questions")
class Questions(MethodView):
    @blp.arguments(QuestionQuery, location="query")
    @blp.response(200, QuestionOut(many=True))
    def get(self, args, patient_id: int):
        """Open questions oldest first, then answered ones (status=all), most recently answered first."""
        return page_of(questions.list_questions(actor(), patient_id, args["status"])[1], args)

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
        """Mark answered, with an optional answer. The patient may mark only their own questions;
        409 with `current` when the question is already answered."""
        return questions.answer(actor(), patient_id, question_id, data["answer"])


@blp.route("/<int:patient_id>/questions/<int:question_id>/reopen")
class Reopen(MethodView):
    @blp.arguments(ReopenIn)
    @blp.response(200, QuestionOut)
    def post(self, _data, patient_id: int, question_id: int):
        """Open an answered question again; its answer is cleared. 409 when it is already open."""
        return questions.reopen(actor(), patient_id, question_id)
