"""Forms for functional goals: add, edit (with the version it is based on), status, a score."""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from careteam.domain.goals import STATUS_LABELS
from careteam.services.goals import ACTIVITY_MAX, REASON_MAX
from careteam.web.forms import Form, options

SCORE_HINT = "0 = unable to do it, 10 = able to do it as well as before the pain."


def _score_field(label: str, description: str = SCORE_HINT) -> IntegerField:
    return IntegerField(label, description=description,
                        validators=[InputRequired("Give a score from 0 to 10."),
                                    NumberRange(0, 10, "Give a score from 0 to 10.")])


class GoalForm(Form):
    activity = TextAreaField("Activity, in the person's own words",
                             validators=[DataRequired("Describe the activity."), Length(max=ACTIVITY_MAX)],
                             description="For example: sit through a 2-hour meeting; carry my grandson upstairs.")
    baseline_score = _score_field("Baseline ability (0–10)")
    target_score = _score_field("Target ability (0–10)", "The score that would mean the goal is reached.")
    target_date = DateField("Target date", validators=[Optional()])

    def values(self) -> dict:
        return {name: getattr(self, name).data
                for name in ("activity", "baseline_score", "target_score", "target_date")}


class Versioned:
    """A form that carries the version of the goal it was based on."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def rebase(self, version: int) -> None:
        """After a conflict: keep the person's input, and base the next save on the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


class EditGoalForm(Versioned, GoalForm):
    reason = StringField("Reason for the change", validators=[Optional(), Length(max=REASON_MAX)],
                         description="Optional. Shown in the record's timeline.")


class GoalStatusForm(Versioned, Form):
    status = SelectField("New status", choices=options((s.value, label) for s, label in STATUS_LABELS.items()))
    reason = StringField("Reason", validators=[Optional(), Length(max=REASON_MAX)],
                         description="Optional. Shown in the record's timeline.")


class GoalScoreForm(Form):
    score = _score_field("Ability today (0–10)", description="")
    scored_on = DateField("Date", validators=[Optional()], description="Leave empty for today.")
