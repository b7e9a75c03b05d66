"""Forms for exercise prescriptions, doses, sessions and next-day answers.

Fields parse types; the ranges are checked by the domain rules (through the service), and
shown here only as min/max hints for browsers and phone keyboards.
"""

from __future__ import annotations

from wtforms import DateField, FloatField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from careteam.domain.dosing import (
    BAND_LENGTH,
    DOSE_LIMITS,
    EQUIPMENT_LENGTH,
    NAME_LENGTH,
    SESSION_LIMITS,
    SIDE_LABELS,
)
from careteam.domain.vocabulary import NEXT_DAY_LABELS
from careteam.web.forms import Form, options

PAIN_CHOICES = [("", "Not noted")] + [
    (n, {0: "0 – no pain", 10: "10 – worst imaginable"}.get(n, str(n))) for n in range(11)
]


def _number(limits: dict[str, tuple[int, int]], name: str, **extra) -> dict:
    low, high = limits[name]
    return {"min": low, "max": high, "inputmode": "numeric", **extra}


def _optional_int(value):
    return None if value in ("", None) else int(value)


class VersionedForm(Form):
    """Carries the prescription version the change is based on."""

    based_on_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])

    def rebase(self, version: int) -> None:
        """After a conflict: keep the user's input, base the next submit on the new version."""
        self.based_on_version.raw_data = []
        self.based_on_version.data = version


class DoseForm(Form):
    sets = IntegerField("Sets", validators=[InputRequired("Enter the number of sets.")],
                        render_kw=_number(DOSE_LIMITS, "sets"))
    reps = IntegerField("Repetitions per set", validators=[InputRequired("Enter the repetitions per set.")],
                        render_kw=_number(DOSE_LIMITS, "reps"))
    hold_seconds = IntegerField("Hold (seconds)", validators=[Optional()], default=0,
                                render_kw=_number(DOSE_LIMITS, "hold_seconds"))
    load_kg = FloatField("Load (kg)", validators=[Optional()], description="Leave empty for body weight or a band.",
                         render_kw=_number(DOSE_LIMITS, "load_kg", step="any", inputmode="decimal"))
    load_band = StringField("Or a band", validators=[Optional(), Length(max=BAND_LENGTH)],
                            description="For example “red” or “green”; not together with kg.")
    rest_seconds = IntegerField("Rest between sets (seconds)", validators=[Optional()], default=0,
                                render_kw=_number(DOSE_LIMITS, "rest_seconds"))
    sessions_per_week = IntegerField("Sessions per week",
                                     validators=[InputRequired("Enter the sessions per week.")],
                                     render_kw=_number(DOSE_LIMITS, "sessions_per_week"))
    target_effort = IntegerField("Target effort (0–10)", validators=[Optional()],
                                 render_kw=_number(DOSE_LIMITS, "target_effort"))
    effective_from = DateField("Starts on", validators=[InputRequired("Enter the date the dose starts.")])
    reason = TextAreaField("Reason", validators=[InputRequired("Say why the dose is set or changed.")],
                           render_kw={"rows": 3})

    DOSE_NAMES = ("sets", "reps", "hold_seconds", "load_kg", "load_band", "rest_seconds", "sessions_per_week",
                  "target_effort", "effective_from")

    def dose_values(self) -> dict:
        return {name: getattr(self, name).data for name in self.DOSE_NAMES}


class DoseChangeForm(DoseForm, VersionedForm):
    pass


class DetailsForm(Form):
    name = StringField("Exercise", validators=[InputRequired("Name the exercise."), Length(max=NAME_LENGTH)])
    instructions = TextAreaField("Instructions", validators=[Optional()], render_kw={"rows": 4},
                                 description="How to do it, in words the patient understands.")
    side = SelectField("Side", choices=options((s.value, label) for s, label in SIDE_LABELS.items()))
    equipment = StringField("Equipment", validators=[Optional(), Length(max=EQUIPMENT_LENGTH)])

    DETAIL_NAMES = ("name", "instructions", "side", "equipment")

    def details(self) -> dict:
        return {name: getattr(self, name).data or "" for name in self.DETAIL_NAMES}


class NewExerciseForm(DetailsForm, DoseForm):
    pass


class EditDetailsForm(DetailsForm, VersionedForm):
    reason = StringField("Why (optional)", validators=[Optional(), Length(max=2000)])


class EndForm(VersionedForm):
    ended_on = DateField("Ended on", validators=[InputRequired("Enter the date the exercise ends.")])
    reason = TextAreaField("Reason", validators=[InputRequired("Say why the exercise ends.")],
                           render_kw={"rows": 2})


class LogSessionForm(Form):
    performed_on = DateField("Day", validators=[InputRequired("Enter the day you did it.")])
    sets_done = IntegerField("Sets done", validators=[InputRequired("Enter the sets you did.")],
                             render_kw=_number(SESSION_LIMITS, "sets_done"))
    reps_done = IntegerField("Repetitions per set", validators=[InputRequired("Enter the repetitions per set.")],
                             render_kw=_number(SESSION_LIMITS, "reps_done"))
    pain_before = SelectField("Pain before", choices=options(PAIN_CHOICES), coerce=_optional_int,
                              default="")
    pain_after = SelectField("Pain after", choices=options(PAIN_CHOICES), coerce=_optional_int,
                             default="")


class NextDayForm(Form):
    response = RadioField("Back to your usual level within 24 hours?",
                          choices=options((r.value, label) for r, label in NEXT_DAY_LABELS.items()),
                          validators=[InputRequired("Choose yes, not yet or worse.")])
