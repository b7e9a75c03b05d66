"""Forms for interventions: add, edit (with the version it is based on), stop."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from careteam.domain.vocabulary import KIND_LABELS, TIER_LABELS
from careteam.services import clock
from careteam.services.interventions import DETAILS_MAX, NAME_MAX, REASON_MAX
from careteam.web.forms import Form, options

TIER_HINT = ("Immediate relief: for a bad moment (heat, breathing). Stabilizing habit: part of the "
             "daily routine (pacing, sleep). Long-term modifier: changes things over months "
             "(exercise programme, CBT, medication).")


def stop_date(form, field) -> None:
    """The service's stop-date rules, checked with the other fields (one round of messages)."""
    if field.data is None:
        return
    if field.data > clock.today():
        raise ValidationError("The stop date cannot be in the future.")
    started = getattr(form, "started_on", None)
    if started is not None and started.data is not None and field.data < started.data:
        raise ValidationError("The stop date cannot be before the start date.")


class InterventionForm(Form):
    name = StringField("Name", validators=[DataRequired("Give it a name."), Length(max=NAME_MAX)])
    tier = SelectField("Portfolio tier", description=TIER_HINT,
                       choices=options((t.value, label) for t, label in TIER_LABELS.items()))
    kind = SelectField("Kind", choices=options((k.value, label) for k, label in KIND_LABELS.items()))
    details = TextAreaField("Dose or details", validators=[Optional(), Length(max=DETAILS_MAX)],
                            description="For example: 15 minutes, evenings; or 75 mg twice a day.")
    started_on = DateField("Started", validators=[Optional()])

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in ("name", "tier", "kind", "details", "started_on")}


class EditInterventionForm(InterventionForm):
    stopped_on = DateField("Stopped", validators=[Optional(), stop_date],
                           description="Leave empty while it is still in use.")
    reason = StringField("Reason for the change", validators=[Optional(), Length(max=REASON_MAX)],
                         description="Optional. Shown in the record's timeline.")
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def values(self) -> dict:
        return {**super().values(), "stopped_on": self.stopped_on.data}

    def rebase(self, version: int) -> None:
        """After a conflict: keep the person's input, and base the next save on the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


class StopInterventionForm(Form):
    stopped_on = DateField("Stopped on", validators=[DataRequired("Give the date it was stopped."), stop_date])
    reason = StringField("Why was it stopped?",
                         validators=[DataRequired("Say why it was stopped."), Length(max=REASON_MAX)])
