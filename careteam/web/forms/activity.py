"""Forms for graded-activity plans: the plan, baseline and quota sessions, the next-day answer,
accepting or overriding the suggested quota."""

from __future__ import annotations

from wtforms import DateField, FloatField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from careteam.domain.graded_activity import MAX_AMOUNT, MODE_HINTS, MODE_LABELS, UNIT_WORDS
from careteam.domain.vocabulary import IncrementEvery, NextDayResponse
from careteam.web.forms import Form, options

AMOUNT = NumberRange(1, MAX_AMOUNT, "Enter a whole number above zero.")
FLARE = "flare"  # the fourth next-day button: worse, with a flare


class PlanForm(Form):
    activity = StringField("Activity", validators=[DataRequired("Name the activity."), Length(max=200)],
                           description="For example: walking, sitting at a desk, climbing stairs.")
    unit = SelectField("Measured in", choices=options((u.value, many) for u, (_one, many) in UNIT_WORDS.items()))
    mode = SelectField("Progression", choices=options(
        (m.value, f"{label}: {MODE_HINTS[m]}") for m, label in MODE_LABELS.items()))
    start_percent = IntegerField("Start quota, as % of the baseline mean", default=80,
                                 validators=[InputRequired("Enter a percentage."),
                                             NumberRange(50, 100, "Start between 50 %% and 100 %% of the baseline.")],
                                 description="Usually 70–80 %: the start is set below what the person already manages.")
    increment = IntegerField("Increase by (in that unit)", validators=[InputRequired("Enter the increment."), AMOUNT])
    increment_every = SelectField("Increase every", choices=options(
        [(IncrementEvery.SESSION.value, "session"), (IncrementEvery.WEEK.value, "week")]))
    goal_value = IntegerField("Goal (in that unit)", validators=[InputRequired("Enter the goal."), AMOUNT])
    goal_date = DateField("Goal date", validators=[Optional()])

    def values(self) -> dict:
        return {
            "activity": self.activity.data or "", "unit": self.unit.data, "mode": self.mode.data,
            "start_fraction": self.start_percent.data / 100, "increment": self.increment.data,
            "increment_every": self.increment_every.data, "goal_value": self.goal_value.data,
            "goal_date": self.goal_date.data,
        }


class Versioned:
    """A form that carries the version of the plan it was based on."""

    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def rebase(self, version: int) -> None:
        """After a conflict: keep the person's input, and base the next save on the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


class EditPlanForm(Versioned, PlanForm):
    pass


class SessionForm(Form):
    """A baseline or quota session: the day and what was done."""

    performed_on = DateField("Day", validators=[InputRequired("Enter the day.")])
    done = FloatField("Done", validators=[InputRequired("Enter what you did, in numbers."),
                                          NumberRange(0, MAX_AMOUNT, "Enter zero or more.")])


class StartForm(Versioned, Form):
    started_on = DateField("Start date", validators=[InputRequired("Enter the start date.")])


class NextDayForm(Form):
    """Rendered as big buttons that each submit one answer."""

    response = SelectField(choices=options(
        [(r.value, r.value) for r in NextDayResponse] + [(FLARE, FLARE)]))

    def answer(self) -> tuple[str, bool]:
        """(response, flare): the flare button answers "worse, with a flare"."""
        if self.response.data == FLARE:
            return NextDayResponse.WORSE.value, True
        return self.response.data, False


class AcceptForm(Versioned, Form):
    quota = FloatField(widget=HiddenInput(), validators=[InputRequired()])


class OverrideForm(Versioned, Form):
    quota = IntegerField("Quota instead", validators=[InputRequired("Enter the quota."), AMOUNT])
    reason = TextAreaField("Reason", validators=[DataRequired("Say why you chose a different quota."),
                                                 Length(max=2000)],
                           description="Shown on the record's timeline.")


class EndPlanForm(Versioned, Form):
    ended_on = DateField("End date", validators=[InputRequired("Enter the end date.")])
