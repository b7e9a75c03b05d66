"""Clinical notes: JSON API under /api/v1/patients/<patient_id>/.

Append-only: notes have no PUT, PATCH or DELETE (405); a correction is POSTed as an addendum,
and the author voids a note written in error with POST .../void and a reason (the note stays).
"""

from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from careteam.api import api_blueprint
from careteam.api.paging import with_next_link
from careteam.api.schemas import Extended, InputSchema, PageArgs
from careteam.domain.limits import LIST_LIMIT_MAX
from careteam.domain.vocabulary import NoteVisibility, values
from careteam.services import notes
from careteam.web.login import actor

blp = api_blueprint("api_notes", __name__, "Clinical notes.")

VISIBILITY = validate.OneOf(values(NoteVisibility))


class NoteQuery(PageArgs):
    limit = fields.Int(load_default=notes.PER_PAGE, metadata={
        "description": f"Notes per page (default {notes.PER_PAGE}, at most {LIST_LIMIT_MAX})."})
    q = fields.Str(load_default="", validate=validate.Length(max=notes.MAX_QUERY_LENGTH),
                   metadata={"description": "Text the note or one of its corrections contains, in any letter case."})
    visibility = fields.Str(load_default="", validate=validate.OneOf(["", *values(NoteVisibility)]))


class NoteIn(InputSchema):
    visibility = fields.Str(required=True, validate=VISIBILITY,
                            metadata={"description": "Who may read it; writers may use only the visibilities "
                                                     "their discipline may write (else 403)."})
    body = fields.Str(required=True, validate=validate.Length(max=notes.MAX_BODY_LENGTH))


class AddendumIn(InputSchema):
    body = fields.Str(required=True, validate=validate.Length(max=notes.MAX_BODY_LENGTH))


class VoidIn(InputSchema):
    reason = fields.Str(required=True, validate=validate.Length(min=1, max=notes.MAX_VOID_REASON_LENGTH))


class NoteOut(Schema):
    id = fields.Int()
    visibility = fields.Str(validate=VISIBILITY)
    body = fields.Str()
    author_id = fields.Int()
    author_name = fields.Str(attribute="author.name")
    author_role = fields.Str()
    created_at = fields.DateTime()
    addendum_to_id = fields.Int(allow_none=True, metadata={"description": "The note this one corrects."})
    voided_at = fields.DateTime(allow_none=True, metadata={"description": "Set when the author voided the note."})
    voided_by_name = fields.Str(attribute="voided_by.name", allow_none=True)
    void_reason = fields.Str(allow_none=True)


class NoteThreadOut(NoteOut):
    addenda = fields.List(fields.Nested(NoteOut), metadata={"description": "Corrections, oldest first."})


def _thread(thread: notes.NoteThread) -> Extended:
    return Extended(thread.note, addenda=thread.addenda)


class NoteCountsOut(Schema):
    team_and_patient = fields.Int()
    clinicians = fields.Int()
    psychologists = fields.Int()


class NotePage(Schema):
    items = fields.List(fields.Nested(NoteThreadOut))
    page = fields.Int()
    has_next = fields.Bool()
    counts = fields.Nested(NoteCountsOut, metadata={"description": "Notes per visibility the caller may read."})


@blp.route("/<int:patient_id>/notes")
class Notes(MethodView):
    @blp.arguments(NoteQuery, location="query")
    @blp.response(200, NotePage)
    def get(self, args, patient_id: int):
        """Notes the caller may read, newest first, each with its corrections."""
        _, listing = notes.list_notes(actor(), patient_id, args["q"], args["visibility"], args["page"],
                                      per_page=args["limit"])
        threads = listing.threads
        body = {"items": [_thread(t) for t in threads.items], "page": threads.number,
                "has_next": threads.has_next, "counts": listing.counts}
        return with_next_link(threads, body)

    @blp.arguments(NoteIn)
    @blp.response(201, NoteOut)
    def post(self, data, patient_id: int):
        """Write a note. Notes cannot be changed afterwards; correct them with an addendum."""
        return notes.write_note(actor(), patient_id, data["visibility"], data["body"])


@blp.route("/<int:patient_id>/notes/counts")
class NoteCounts(MethodView):
    @blp.response(200, NoteCountsOut)
    def get(self, patient_id: int):
        """How many notes of each visibility the caller may read (hidden ones are not counted)."""
        return notes.note_counts(actor(), patient_id)


@blp.route("/<int:patient_id>/notes/<int:note_id>")
class NoteItem(MethodView):
    @blp.response(200, NoteThreadOut)
    def get(self, patient_id: int, note_id: int):
        """One note with its corrections; 404 when it is hidden from the caller or missing."""
        return _thread(notes.get_note(actor(), patient_id, note_id)[1])


@blp.route("/<int:patient_id>/notes/<int:note_id>/addenda")
class Addenda(MethodView):
    @blp.arguments(AddendumIn)
    @blp.response(201, NoteOut)
    def post(self, data, patient_id: int, note_id: int):
        """Add a correction under a note; it gets the note's visibility."""
        return notes.add_addendum(actor(), patient_id, note_id, data["body"])


@blp.route("/<int:patient_id>/notes/<int:note_id>/void")
class VoidNote(MethodView):
    @blp.arguments(VoidIn)
    @blp.response(200, NoteOut)
    def post(self, data, patient_id: int, note_id: int):
        """Void a note written in error (its author only; 403 otherwise). The note is kept, marked void."""
        return notes.void_note(actor(), patient_id, note_id, data["reason"])
