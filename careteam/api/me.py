"""The caller's own account and personal API tokens."""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import ListArgs, page_of
from careteam.api.schemas import Extended, InputSchema, UserOut
from careteam.domain import limits
from careteam.services import api_tokens, patients
from careteam.web.login import actor

blp = api_blueprint("api_me", __name__, "The signed-in user and their API tokens.")


class MeOut(UserOut):
    patient_id = fields.Int(allow_none=True, metadata={"description": "The caller's own record, for patients."})


class TokenIn(InputSchema):
    name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    expires_in_days = fields.Int(load_default=None, validate=validate.Range(*limits.TOKEN_DAYS_LIMITS), metadata={
        "description": "Lifetime in days: default CARETEAM_API_TOKEN_DAYS (90), at most CARETEAM_API_TOKEN_MAX_DAYS."})


class TokenOut(Schema):
    id = fields.Int()
    name = fields.Str()
    display_prefix = fields.Str()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)
    expires_at = fields.Function(lambda token: api_tokens.expiry(token).isoformat())
    revoked_at = fields.DateTime(allow_none=True)
    ended_because = fields.Function(lambda token: api_tokens.ended_because(token), allow_none=True,
                                    metadata={"description": "Why it no longer works, or null."})


class TokenCreatedOut(TokenOut):
    token = fields.Str(metadata={"description": "Shown this once; only a digest is kept."})


@blp.route("")
class Me(MethodView):
    @blp.response(200, MeOut)
    def get(self):
        user = actor()
        record = patients.own_record(user)
        return Extended(user, patient_id=record.id if record else None)


@blp.route("/tokens")
class Tokens(MethodView):
    @blp.arguments(ListArgs, location="query")
    @blp.response(200, TokenOut(many=True))
    def get(self, paging):
        return page_of(api_tokens.list_tokens(actor()), paging)

    @blp.arguments(TokenIn)
    @blp.response(201, TokenCreatedOut)
    def post(self, data):
        token, plaintext = api_tokens.create_token(actor(), data["name"], data["expires_in_days"])
        return Extended(token, token=plaintext)


@blp.route("/tokens/<int:token_id>")
class TokenItem(MethodView):
    @blp.response(204)
    def delete(self, token_id: int):
        api_tokens.revoke_token(actor(), token_id)
