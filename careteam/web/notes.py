"""Clinical notes: pages. Append-only: there is no edit or delete route, by design; the
author may void a note written in error (it stays, struck through)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import login_required

from careteam.domain.policy import Part
from careteam.services import notes
from careteam.services.errors import Forbidden, InvalidInput
from careteam.web.forms import distinct_ids, options, show_service_errors
from careteam.web.forms.notes import AddendumForm, NoteForm, NoteSearchForm, VoidNoteForm
from careteam.web.login import actor
from careteam.web.templating import RecordTab, add_record_tab

bp = Blueprint("notes", __name__)
add_record_tab(RecordTab("notes.index", "Notes", Part.NOTES_TEAM_AND_PATIENT, order=90))

DEFAULT_VISIBILITY = "clinicians"


def _labelled(visibilities: list[str]) -> list[tuple[str, str]]:
    return [(v, notes.visibility_label(v)) for v in visibilities]


def _note_form(writable: list[str], form: NoteForm | None = None) -> NoteForm:
    if form is None:
        default = DEFAULT_VISIBILITY if DEFAULT_VISIBILITY in writable else writable[0]
        form = NoteForm(formdata=None, visibility=default)
    form.visibility.choices = options(_labelled(writable))
    return form


def _search_args() -> dict[str, str]:
    return {k: request.args[k] for k in ("q", "visibility") if request.args.get(k)}


def _list_page(patient_id: int, note_form: NoteForm | None = None, status: int = 200):
    user = actor()
    search = distinct_ids(NoteSearchForm(request.args), "search")
    try:
        patient, listing = notes.list_notes(user, patient_id, request.args.get("q"),
                                            request.args.get("visibility"), request.args.get("page", 1, type=int))
    except InvalidInput as error:
        show_service_errors(search, error)
        patient, listing = notes.list_notes(user, patient_id)
        status = 422
    search.set_visibilities(_labelled(list(listing.counts)))
    writable = notes.writable_visibilities(user, patient_id)
    return render_template(
        "notes/index.html",
        patient=patient,
        listing=listing,
        search=search,
        searching=bool(_search_args()),
        search_args=_search_args(),
        note_form=_note_form(writable, note_form) if writable else None,
        writable=writable,
        label=notes.visibility_label,
    ), status


@bp.route("/patients/<int:patient_id>/notes")
@login_required
def index(patient_id: int):
    return _list_page(patient_id)


@bp.route("/patients/<int:patient_id>/notes", methods=["POST"])
@login_required
def create(patient_id: int):
    form = NoteForm()
    form.visibility.validate_choice = False  # the service judges who may write which visibility
    if form.validate_on_submit():
        try:
            note = notes.write_note(actor(), patient_id, form.visibility.data, form.body.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash(f"Note saved ({notes.visibility_label(note.visibility).lower()}).", "success")
            return redirect(url_for("notes.index", patient_id=patient_id))
    return _list_page(patient_id, form, status=422)


def _detail_page(patient_id: int, note_id: int, form: AddendumForm | None = None, status: int = 200,
                 void_form: VoidNoteForm | None = None):
    user = actor()
    patient, thread = notes.get_note(user, patient_id, note_id)
    may_correct = thread.note.visibility in notes.writable_visibilities(user, patient_id)
    may_void = may_correct and thread.note.author_id == user.id and thread.note.voided_at is None
    return render_template(
        "notes/detail.html",
        patient=patient,
        thread=thread,
        form=(form or AddendumForm(formdata=None)) if may_correct else None,
        # A refused attempt keeps its form, so that its message shows even on a voided note.
        void_form=void_form if void_form and void_form.errors else VoidNoteForm(formdata=None) if may_void else None,
        label=notes.visibility_label,
    ), status


@bp.route("/patients/<int:patient_id>/notes/<int:note_id>")
@login_required
def detail(patient_id: int, note_id: int):
    return _detail_page(patient_id, note_id)


@bp.route("/patients/<int:patient_id>/notes/<int:note_id>/addenda", methods=["POST"])
@login_required
def add_addendum(patient_id: int, note_id: int):
    form = AddendumForm()
    if form.validate_on_submit():
        try:
            addendum = notes.add_addendum(actor(), patient_id, note_id, form.body.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        else:
            flash("Correction added under the note.", "success")
            return redirect(url_for("notes.detail", patient_id=patient_id, note_id=addendum.addendum_to_id))
    return _detail_page(patient_id, note_id, form, status=422)


@bp.route("/patients/<int:patient_id>/notes/<int:note_id>/void", methods=["POST"])
@login_required
def void(patient_id: int, note_id: int):
    form = VoidNoteForm()
    if form.validate_on_submit():
        try:
            note = notes.void_note(actor(), patient_id, note_id, form.reason.data)
        except InvalidInput as error:
            show_service_errors(form, error)
        except Forbidden as error:
            flash(error.message, "error")
            return _detail_page(patient_id, note_id, status=403)
        else:
            flash("Note voided. It stays in the record, struck through.", "success")
            return redirect(url_for("notes.detail", patient_id=patient_id, note_id=note.id))
    return _detail_page(patient_id, note_id, status=422, void_form=form)
