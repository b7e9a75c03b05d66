"""Clinical notes: append-only, each with a visibility the policy judges everywhere.

Every query of notes filters by the reader's visibilities in SQL (`readable_note_visibilities`),
so a note hidden from someone is never loaded on their behalf. Nothing is edited or deleted:
a correction is an addendum, a new note with the visibility of the note it corrects. A note
written in error (wrong patient, wrong visibility) is voided by its author, with a reason: it
stays, struck through, with who voided it and why; the handover summary leaves it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased, joinedload

from careteam.domain.policy import NOTE_PARTS, Action, Part, readable_note_visibilities
from careteam.domain.vocabulary import VISIBILITY_LABELS, NoteVisibility
from careteam.extensions import db
from careteam.models import Note, Patient, User
from careteam.queries import PATIENT_ID, Person, rows
from careteam.services import access, audit, clock, timeline
from careteam.services.access import authorize
from careteam.services.errors import Forbidden, InvalidInput, NotFound
from careteam.services.pagination import Page, page_number

MAX_BODY_LENGTH = 20_000
MAX_VOID_REASON_LENGTH = 500
MAX_QUERY_LENGTH = 200
PER_PAGE = 20
OBJECT_TYPE = "note"


@dataclass
class NoteThread:
    """A note and the corrections (addenda) made to it, oldest correction first."""

    note: Note
    addenda: list[Note] = field(default_factory=list)


@dataclass
class NoteListing:
    threads: Page[NoteThread]
    counts: dict[str, int]  # notes per visibility the reader may see, addenda not counted


def visibility_label(visibility: str) -> str:
    return VISIBILITY_LABELS[NoteVisibility(visibility)]


def change_summary(author: User, visibility: str, *, is_addendum: bool) -> str:
    """The timeline's words for a new note: author and audience, never the text."""
    what = "Correction (addendum)" if is_addendum else "Note"
    return f"{what} by {author.name} ({visibility_label(visibility).lower()})"


def writable_visibilities(actor: User, patient_id: int) -> list[str]:
    """For offering choices in a form; write_note enforces."""
    return [v for v, part in NOTE_PARTS.items() if access.may(actor, patient_id, part, Action.WRITE)]


def _authorize_reader(actor: User, patient_id: int) -> tuple[Patient, list[str]]:
    """The patient and the visibilities the actor may read. Outsiders and admins get 404."""
    patient = authorize(actor, patient_id, Part.RECORD, Action.READ, object_type=OBJECT_TYPE)
    return patient, readable_note_visibilities(actor.role_enum, access.relation_to(actor, patient.id))


def _checked_body(body: str | None) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput({"body": "Write the note."})
    if len(body) > MAX_BODY_LENGTH:
        raise InvalidInput({"body": f"Keep the note under {MAX_BODY_LENGTH:,} characters ({len(body):,} now)."})
    return body


def _deny_as_missing(actor: User, patient_id: int, note_id: int) -> NotFound:
    """A hidden note gets the answer of a note that does not exist; the attempt is audited."""
    audit.record_denial("read", actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=note_id)
    return NotFound()


def _readable_note(actor: User, patient_id: int, note_id: int, visibilities: list[str]) -> Note:
    note = db.session.scalar(
        select(Note)
        .where(Note.id == note_id, Note.patient_id == patient_id, Note.visibility.in_(visibilities))
        .options(joinedload(Note.author), joinedload(Note.voided_by))
    )
    if note is None:
        raise _deny_as_missing(actor, patient_id, note_id)
    return note


def _persist(actor: User, patient_id: int, visibility: str, body: str, addendum_to_id: int | None) -> Note:
    note = Note(patient_id=patient_id, author_id=actor.id, author_role=actor.role, visibility=visibility,
                body=body, addendum_to_id=addendum_to_id)
    db.session.add(note)
    db.session.flush()
    audit.record("create", actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=note.id)
    timeline.record_change(actor, patient_id, NOTE_PARTS[visibility], OBJECT_TYPE, note.id,
                           summary=change_summary(actor, visibility, is_addendum=addendum_to_id is not None))
    db.session.commit()
    return note


def write_note(actor: User, patient_id: int, visibility: str, body: str) -> Note:
    part = NOTE_PARTS.get(visibility)
    if part is None:
        _authorize_reader(actor, patient_id)  # outsiders learn nothing, not even about their input
        raise InvalidInput({"visibility": "Choose who may read this note."})
    patient = authorize(actor, patient_id, part, Action.WRITE, object_type=OBJECT_TYPE)
    return _persist(actor, patient.id, visibility, _checked_body(body), addendum_to_id=None)


def add_addendum(actor: User, patient_id: int, note_id: int, body: str) -> Note:
    """A correction to a note the actor may read, readable by exactly the same people."""
    patient, visibilities = _authorize_reader(actor, patient_id)
    original = _readable_note(actor, patient.id, note_id, visibilities)
    authorize(actor, patient.id, NOTE_PARTS[original.visibility], Action.WRITE, object_type=OBJECT_TYPE,
              object_id=original.id)
    root_id = original.addendum_to_id or original.id  # corrections of corrections join the same thread
    return _persist(actor, patient.id, original.visibility, _checked_body(body), addendum_to_id=root_id)


def void_note(actor: User, patient_id: int, note_id: int, reason: str | None) -> Note:
    """Strike a note through, keeping it. Only its author may (the person who knows it was
    written in error), and only while still allowed to write notes of that visibility."""
    patient, visibilities = _authorize_reader(actor, patient_id)
    note = _readable_note(actor, patient.id, note_id, visibilities)
    authorize(actor, patient.id, NOTE_PARTS[note.visibility], Action.WRITE, object_type=OBJECT_TYPE,
              object_id=note.id)
    if note.author_id != actor.id:
        audit.record_denial("void", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE,
                            object_id=note.id, detail="not the author")
        raise Forbidden("Only the author of a note can void it; add a correction instead.")
    reason = (reason or "").strip()
    if note.voided_at is not None:
        raise InvalidInput({"reason": "This note has already been voided."})
    if not reason:
        raise InvalidInput({"reason": "Say why the note is void (e.g. written in the wrong record)."})
    if len(reason) > MAX_VOID_REASON_LENGTH:
        raise InvalidInput({"reason": f"Keep the reason under {MAX_VOID_REASON_LENGTH} characters."})
    note.voided_at, note.voided_by_id, note.void_reason = clock.now(), actor.id, reason
    audit.record("void", actor=actor, patient_id=patient.id, object_type=OBJECT_TYPE, object_id=note.id)
    timeline.record_change(actor, patient.id, NOTE_PARTS[note.visibility], OBJECT_TYPE, note.id,
                           summary=f"Note voided by {actor.name}", reason=reason,
                           changes={"voided": (False, True)})
    db.session.commit()
    return note


def _checked_filter(visibility: str | None, readable: list[str]) -> list[str]:
    """The visibilities to list: all readable ones, or the one asked for if it is readable."""
    if not visibility:
        return readable
    if visibility not in NOTE_PARTS:
        raise InvalidInput({"visibility": "Choose one of the note visibilities."})
    return [visibility] if visibility in readable else []


def _search_condition(q: str, visibilities: list[str]):
    """Notes whose body, or one of whose addenda's bodies, contains q in any letter case."""
    if len(q) > MAX_QUERY_LENGTH:
        raise InvalidInput({"q": f"Search for at most {MAX_QUERY_LENGTH} characters."})
    addendum = aliased(Note)
    matching_addendum = exists().where(
        addendum.addendum_to_id == Note.id,
        addendum.visibility.in_(visibilities),
        addendum.body.icontains(q, autoescape=True),
    )
    return or_(Note.body.icontains(q, autoescape=True), matching_addendum)


def _roots(patient_id: int, visibilities: list[str]) -> Select[tuple[Note]]:
    return (
        select(Note)
        .where(Note.patient_id == patient_id, Note.addendum_to_id.is_(None), Note.visibility.in_(visibilities))
        .options(joinedload(Note.author), joinedload(Note.voided_by))
        .order_by(Note.created_at.desc(), Note.id.desc())
    )


def _threads(roots: list[Note], visibilities: list[str]) -> list[NoteThread]:
    """The notes with their addenda, in one query for all of them."""
    threads = {note.id: NoteThread(note) for note in roots}
    if threads:
        addenda = db.session.scalars(
            select(Note)
            .where(Note.addendum_to_id.in_(list(threads)), Note.visibility.in_(visibilities))
            .options(joinedload(Note.author), joinedload(Note.voided_by))
            .order_by(Note.created_at, Note.id)
        )
        for addendum in addenda:
            threads[addendum.addendum_to_id].addenda.append(addendum)
    return list(threads.values())


def _counts(patient_id: int, visibilities: list[str]) -> dict[str, int]:
    rows = db.session.execute(
        select(Note.visibility, func.count())
        .where(Note.patient_id == patient_id, Note.addendum_to_id.is_(None), Note.visibility.in_(visibilities))
        .group_by(Note.visibility)
    ).all()
    found = dict(rows)
    return {v: found.get(v, 0) for v in visibilities}


def _audit_read(actor: User, patient_id: int, object_id: int | None = None, detail: str | None = None) -> None:
    """Record a read once it is known to be allowed, and commit before loading what is shown:
    a commit expires loaded objects, and reloading them one by one would cost a query each."""
    audit.record("read", actor=actor, patient_id=patient_id, object_type=OBJECT_TYPE, object_id=object_id,
                 detail=detail)
    db.session.commit()


def list_notes(actor: User, patient_id: int, q: str | None = None, visibility: str | None = None,
               page: int = 1, per_page: int = PER_PAGE) -> tuple[Patient, NoteListing]:
    """Newest notes first with their addenda, and how many notes of each readable visibility exist."""
    patient, readable = _authorize_reader(actor, patient_id)
    shown = _checked_filter(visibility, readable)
    stmt = _roots(patient.id, shown)
    if q and q.strip():
        stmt = stmt.where(_search_condition(q.strip(), shown))
    counts = _counts(patient.id, readable)
    _audit_read(actor, patient.id)
    page = page_number(page)
    rows = list(db.session.scalars(stmt.limit(per_page + 1).offset((page - 1) * per_page)))
    threads = Page(_threads(rows[:per_page], shown), page, per_page, len(rows) > per_page)
    return patient, NoteListing(threads, counts)


def note_counts(actor: User, patient_id: int) -> dict[str, int]:
    """How many notes of each visibility the actor may read; hidden ones are not counted."""
    patient, readable = _authorize_reader(actor, patient_id)
    counts = _counts(patient.id, readable)
    _audit_read(actor, patient.id, detail="counts")
    return counts


def get_note(actor: User, patient_id: int, note_id: int) -> tuple[Patient, NoteThread]:
    """One note with its addenda (none when the note is itself an addendum).

    A note hidden from the actor, or of another patient, is answered like a missing one: 404.
    """
    patient, readable = _authorize_reader(actor, patient_id)
    _readable_note(actor, patient.id, note_id, readable)  # refused before the read is audited
    _audit_read(actor, patient.id, object_id=note_id)
    note = _readable_note(actor, patient_id, note_id, readable)  # fresh after the commit
    return patient, _threads([note], readable)[0] if note.addendum_to_id is None else NoteThread(note)


@dataclass(frozen=True)
class NoteRow:
    """A note as the record view, the handover and the FHIR export read it: plain data."""

    id: int
    patient_id: int
    visibility: str
    body: str
    author_id: int
    author: Person
    author_role: str
    created_at: datetime
    addendum_to_id: int | None
    voided_at: datetime | None
    voided_by: Person | None
    void_reason: str | None


_voider = aliased(User)
_NOTE_COLUMNS = (Note.id, Note.patient_id, Note.visibility, Note.body, Note.author_id, User.name.label("author_name"),
                 Note.author_role, Note.created_at, Note.addendum_to_id, Note.voided_at, Note.voided_by_id,
                 _voider.name.label("voider_name"), Note.void_reason)
_READABLE = Note.visibility.in_(bindparam("visibilities", expanding=True))
_NOTE_ROWS = (select(*_NOTE_COLUMNS).join(User, User.id == Note.author_id)
              .outerjoin(_voider, _voider.id == Note.voided_by_id))
_ROOT_ROWS = (_NOTE_ROWS.where(Note.patient_id == PATIENT_ID, Note.addendum_to_id.is_(None), _READABLE, Note.voided_at.is_(None))
              .order_by(Note.created_at.desc(), Note.id.desc()))
_later_addendum = aliased(Note)
_CORRECTED_SINCE = exists().where(_later_addendum.addendum_to_id == Note.id,
                                  _later_addendum.created_at >= bindparam("since"))
# Prebuilt, with and without `since` (the handover's period); the limit is a parameter.
RECENT_ROOTS = _ROOT_ROWS.limit(bindparam("limit"))
RECENT_ROOTS_SINCE = (_ROOT_ROWS.where(or_(Note.created_at >= bindparam("since"), _CORRECTED_SINCE))
                      .limit(bindparam("limit")))
ADDENDA = (_NOTE_ROWS.where(Note.addendum_to_id.in_(bindparam("root_ids", expanding=True)), _READABLE)
           .order_by(Note.created_at, Note.id))


def _note_row(r) -> NoteRow:
    return NoteRow(r.id, r.patient_id, r.visibility, r.body, r.author_id, Person(r.author_id, r.author_name),
                   r.author_role, r.created_at, r.addendum_to_id, r.voided_at,
                   Person(r.voided_by_id, r.voider_name) if r.voided_by_id else None, r.void_reason)


def recent_notes(patient_id: int, visibilities: list[str], limit: int,
                 since: datetime | None = None) -> list[NoteThread]:
    """Internal loader for the dashboard, the handover summary and the FHIR export: plain rows in
    two prebuilt statements; voided notes are left out.

    The caller has authorized the viewer and passes `readable_note_visibilities(role, relation)`;
    it audits its own read. Newest notes first; with `since`, the notes written or corrected since.
    """
    unknown = set(visibilities) - set(NOTE_PARTS)
    if unknown:
        raise ValueError(f"unknown note visibilities: {sorted(unknown)}")
    params = {"patient_id": patient_id, "visibilities": visibilities, "limit": limit}
    roots = rows(RECENT_ROOTS, **params) if since is None else rows(RECENT_ROOTS_SINCE, since=since, **params)
    threads = {r.id: NoteThread(_note_row(r)) for r in roots}
    if threads:
        for r in rows(ADDENDA, root_ids=list(threads), visibilities=visibilities):
            threads[r.addendum_to_id].addenda.append(_note_row(r))
    return list(threads.values())
