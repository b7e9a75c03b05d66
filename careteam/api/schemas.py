"""Marshmallow schemas shared by several API blueprints. Input schemas reject unknown fields
and never accept a patient id, an author, the actor's role or a timestamp."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from careteam.api.fields import bound
from careteam.domain.limits import LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX
from careteam.domain.policy import Role


class Extended:
    """An object seen with a few more attributes, for output schemas that add fields."""

    def __init__(self, obj, **extra):
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name):
        return getattr(self._obj, name)


class InputSchema(Schema):
    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name, field_obj):
        bound(field_name, field_obj)  # ids, numbers, dates and text get their domain bounds


class PageArgs(InputSchema):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=100_000))
    limit = fields.Int(load_default=LIST_LIMIT_DEFAULT, metadata={
        "description": f"Rows per page (default {LIST_LIMIT_DEFAULT}, at most {LIST_LIMIT_MAX})."})


class UserOut(Schema):
    id = fields.Int()
    email = fields.Email()
    name = fields.Str()
    role = fields.Str(validate=validate.OneOf([r.value for r in Role]))
    active = fields.Bool()


class PatientOut(Schema):
    id = fields.Int()
    name = fields.Str()
    date_of_birth = fields.Date(allow_none=True)


class TeamMemberOut(Schema):
    clinician_id = fields.Int()
    name = fields.Str(attribute="clinician.name")
    email = fields.Email(attribute="clinician.email")
    discipline = fields.Str()
    added_at = fields.DateTime()


class PatientOverviewOut(PatientOut):
    team = fields.List(fields.Nested(TeamMemberOut))


class WeekPointOut(Schema):
    week_start = fields.Date(metadata={"description": "Monday of the ISO week."})
    pain_average = fields.Int(allow_none=True)
    pain_worst = fields.Int(allow_none=True)
    peg = fields.Float(allow_none=True, metadata={"description": "Mean of pain, enjoyment and activity interference."})
    sleep_quality = fields.Int(allow_none=True)
    sleep_hours = fields.Float(allow_none=True)
    stress = fields.Int(allow_none=True)
    mood = fields.Int(allow_none=True)
    flare_days = fields.Int(allow_none=True)
    red_flags = fields.List(fields.Str())
    helped_most = fields.Str(metadata={
        "description": "The patient's own words: what helped most that week; empty if none."})
    did_not_help = fields.Str(metadata={"description": "The patient's own words: what did not help; empty if none."})
