"""Forms of the exposure hierarchy: an item, an attempt, a clinician's mastery mark."""

from __future__ import annotations

from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField, ValidationError
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from careteam.domain import exposure as rules
from careteam.services import clock
from careteam.web.forms import Form, options

_SCALE = [InputRequired("Enter a number from 0 to 100."), NumberRange(0, 100, "Use a number from 0 to 100.")]
_SCALE_INPUT = {"min": 0, "max": 100, "inputmode": "numeric"}


def _scale(label: str, description: str = "", required: bool = True) -> IntegerField:
    validators = _SCALE if required else [Optional(), NumberRange(0, 100, "Use a number from 0 to 100.")]
    return IntegerField(label, description=description, validators=validators, render_kw=_SCALE_INPUT)


class ExposureItemForm(Form):
    description = TextAreaField("Feared or avoided activity", validators=[
        DataRequired("Describe the activity."), Length(max=rules.DESCRIPTION_MAX)],
        description='For example "Lift a full laundry basket from the floor".')
    fear_rating = _scale("Fear rating", "0 = no fear at all, 100 = the most fear imaginable.")
    predicted_consequence = TextAreaField("Predicted consequence", validators=[
        Optional(), Length(max=rules.TEXT_MAX)], description="What the person expects will happen.")
    expectancy = _scale("Expectancy", "How sure the person is that it will happen, 0–100.")


class EditExposureItemForm(ExposureItemForm):
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    reason = StringField("Reason for the change", validators=[Optional(), Length(max=rules.REASON_MAX)])

    def rebase(self, version: int) -> None:
        """After a conflict: the next save builds on the version the person has now seen."""
        self.version.data, self.version.raw_data = version, [str(version)]


def _not_after_today(_form, field) -> None:
    """The domain's date rule checked with the other fields, not in a second round after them."""
    problem = rules.attempt_problems(attempted_on=field.data, today=clock.today(), present="", expectancy_before=0,
                                     what_happened="", feared_outcome_occurred=False, expectancy_after=0,
                                     fear_after=None, learned="").get("attempted_on")
    if problem:
        raise ValidationError(problem)


class AttemptForm(Form):
    attempted_on = DateField("Date", validators=[DataRequired("Enter the date of the attempt."), _not_after_today])
    present = StringField("Who was there", validators=[Optional(), Length(max=rules.PRESENT_MAX)],
                          description='For example "alone" or "with Priya (physiotherapist)".')
    expectancy_before = _scale("Before: how likely did the feared outcome seem? (0–100)")
    what_happened = TextAreaField("What happened", validators=[Optional(), Length(max=rules.TEXT_MAX)])
    feared_outcome_occurred = RadioField(
        "Did the feared outcome happen?", choices=options([("no", "No"), ("yes", "Yes")]),
        validators=[InputRequired("Say whether the feared outcome happened.")])
    expectancy_after = _scale("After: how likely does it seem now? (0–100)")
    fear_after = _scale("Fear afterwards (0–100)", required=False)
    learned = TextAreaField("What did you learn?", validators=[Optional(), Length(max=rules.TEXT_MAX)])

    def service_values(self) -> dict:
        return {
            "attempted_on": self.attempted_on.data,
            "present": self.present.data or "",
            "expectancy_before": self.expectancy_before.data,
            "what_happened": self.what_happened.data or "",
            "feared_outcome_occurred": self.feared_outcome_occurred.data == "yes",
            "expectancy_after": self.expectancy_after.data,
            "fear_after": self.fear_after.data,
            "learned": self.learned.data or "",
        }


class MasteryForm(Form):
    reason = StringField("Reason", validators=[Optional(), Length(max=rules.REASON_MAX)],
                         description="Why the item counts as mastered (required to mark it).")
