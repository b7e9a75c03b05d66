"""Forms for notes and for questions to the team."""

from __future__ import annotations

from wtforms import SearchField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from careteam.services.notes import MAX_BODY_LENGTH, MAX_QUERY_LENGTH, MAX_VOID_REASON_LENGTH
from careteam.domain.questions import MAX_ANSWER_LENGTH
from careteam.web.forms import Form, options


class NoteForm(Form):
    # Choices are the visibilities the writer may use; the view sets them.
    visibility = SelectField("Who may read this note")
    body = TextAreaField("Note", validators=[DataRequired("Write the note."), Length(max=MAX_BODY_LENGTH)])


class AddendumForm(Form):
    body = TextAreaField(
        "Correction",
        description="The note itself stays as it was; the correction is shown under it, to the same readers.",
        validators=[DataRequired("Write the correction."), Length(max=MAX_BODY_LENGTH)],
    )


class VoidNoteForm(Form):
    reason = TextAreaField(
        "Why is this note void?",
        description="The note stays, struck through, with your name and this reason. It is left out of the handover summary.",
        validators=[DataRequired("Say why the note is void."), Length(max=MAX_VOID_REASON_LENGTH)],
    )


class NoteSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = SearchField("Search notes", validators=[Optional(), Length(max=MAX_QUERY_LENGTH)])
    visibility = SelectField("Show", default="", validate_choice=False)

    def set_visibilities(self, labelled: list[tuple[str, str]]) -> None:
        self.visibility.choices = options([("", "All notes I may read")] + labelled)


class QuestionForm(Form):
    # The length is the service's to judge, so the message says how long it may be.
    text = TextAreaField(
        "Your question",
        description="It stays on the list until the care team marks it answered. You and the team can reply under it.",
        validators=[DataRequired("Write the question.")],
    )


class ReplyForm(Form):
    """One box for both buttons: "Send reply" (text required) and, for the team, "Mark answered"
    (the text, if any, is the answer). The services judge emptiness and length."""

    text = TextAreaField("Your reply", validators=[Optional(), Length(max=MAX_ANSWER_LENGTH)])
