"""The weekly check-in form. Its rows for interventions and goals depend on the week, so the
form class is built per request; ranges are checked again by the service.

Sessions done are not asked: they come from the exercise log when a check-in is read. With a
recent earlier check-in, "Same as last week" boxes (sleep, stress and mood; what was tried;
goals) fill every question of their section left unanswered with last week's answer, with or
without JavaScript. Red flags are never carried over."""

from __future__ import annotations

from wtforms import BooleanField, FloatField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from careteam.domain.checkins import (
    TEXT_LIMIT,
    CheckinValues,
    GoalEntry,
    RatingEntry,
    carried_over,
    checkin_problems,
    days_used_key,
    goal_score_key,
    rating_key,
)
from careteam.domain.vocabulary import EFFECT_LABELS, RED_FLAG_LABELS
from careteam.services.checkins import CheckinContext
from careteam.web.forms import Form, options

REQUIRED_SCALE = "Please choose a number from 0 to 10."
SCALE_FIELDS = ("pain_average", "pain_worst", "enjoyment_interference", "activity_interference",
                "sleep_quality", "stress", "mood")
TEXT_FIELDS = ("helped_most", "did_not_help", "question")
SHORT_EFFECT_WORDS = {-2: "much worse", -1: "worse", 0: "no change", 1: "helped", 2: "helped a lot"}
NOT_USED = "none"  # "Did not use it": an answer, unlike a rating left unanswered (None)
WELLBEING_FIELDS = ("sleep_hours", "sleep_quality", "stress", "mood")
SAME_AS_LAST_WEEK = "Same as last week"


def optional_int(value) -> int | None:
    if value is None or value == "":
        return None
    return int(value)


def effect_value(value) -> int | str | None:
    """A rating −2 … +2, NOT_USED, or None (unanswered)."""
    if value == NOT_USED:
        return NOT_USED
    return optional_int(value)


def signed(n: int) -> str:
    """−2, −1, 0, +1, +2 with a true minus sign."""
    return f"{n:+d}".replace("-", "\u2212") if n else "0"


def number_pairs(low: int, high: int) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(low, high + 1)]


def numbers(low: int, high: int):
    return options(number_pairs(low, high))


def scale(label: str, required: bool = False) -> RadioField:
    validators = [InputRequired(REQUIRED_SCALE)] if required else [Optional()]
    return RadioField(label, choices=numbers(0, 10), coerce=optional_int, validate_choice=False,
                      validators=validators, invalid_value_message="Choose a number from 0 to 10.")


class HoursField(FloatField):
    """Hours as typed on a phone: "6.5" or "6,5"."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(valuelist[0].strip().replace(",", "."))
            except ValueError as error:
                self.data = None
                raise ValueError("Enter hours as a number, for example 6.5.") from error
        else:
            self.data = None


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CheckinForm(Form):
    pain_average = scale("What number best describes your pain on average this week?", required=True)
    pain_worst = scale("Your worst pain this week?", required=True)
    enjoyment_interference = scale("How much did pain interfere with your enjoyment of life?", required=True)
    activity_interference = scale("How much did pain interfere with your general activity?", required=True)
    sleep_hours = HoursField("Hours of sleep on a usual night", validators=[Optional()],
                             description="For example 7 or 6.5.")
    sleep_quality = scale("How well did you sleep?")
    stress = scale("How stressed did you feel?")
    mood = scale("How was your mood?")
    flare_days = RadioField("On how many days did you have a flare-up?", choices=numbers(0, 7),
                            coerce=optional_int, validate_choice=False,
                            validators=[InputRequired("Choose from 0 to 7 days.")])
    red_flags = CheckboxesField("Tick any of these you noticed this week",
                                choices=options((flag.value, label) for flag, label in RED_FLAG_LABELS.items()),
                                validate_choice=False)
    helped_most = TextAreaField("What helped most this week?", validators=[Length(max=TEXT_LIMIT)])
    did_not_help = TextAreaField("What did not help, or made things worse?", validators=[Length(max=TEXT_LIMIT)])
    question = TextAreaField("Questions for your care team", validators=[Length(max=TEXT_LIMIT)],
                             description="They go on the list for your next appointment.")
    same_wellbeing = BooleanField(SAME_AS_LAST_WEEK)
    same_ratings = BooleanField(SAME_AS_LAST_WEEK)
    same_goals = BooleanField(SAME_AS_LAST_WEEK)

    # The ids of the week's rows, set by checkin_form().
    intervention_ids: list[int] = []
    goal_ids: list[int] = []

    def sections(self) -> dict[str, list[str]]:
        """The fields each "same as last week" box answers for."""
        return {
            "same_wellbeing": list(WELLBEING_FIELDS),
            "same_ratings": [rating_key(i) for i in self.intervention_ids],
            "same_goals": [goal_score_key(i) for i in self.goal_ids],
        }

    def fill_from_previous(self, previous: dict) -> None:
        """Each ticked box: its section's unanswered questions take last week's answer. A rating
        carries its days used with it; "did not use it" is an answer and stays."""
        for box, names in self.sections().items():
            if not self[box].data:
                continue
            answered = {name: self[name].data for name in names}
            for name, value in carried_over(answered, {n: previous.get(n) for n in names}).items():
                self[name].data = value
                if name.startswith("rating_"):
                    days = self["days_used_" + name.removeprefix("rating_")]
                    if days.data is None:
                        days.data = previous.get(days.name)

    def validate(self, extra_validators=None) -> bool:
        """Field types first, then the check-in's own rules, so that every message shows at once."""
        valid = super().validate(extra_validators)
        for name, message in checkin_problems(self.values()).items():
            field = self._fields.get(name)
            if field is None:
                self.form_errors.append(message)
            elif not field.errors:
                field.errors.append(message)
            valid = False
        return valid

    def values(self) -> CheckinValues:
        ratings = []
        for i in self.intervention_ids:
            rating, days = self[rating_key(i)].data, self[days_used_key(i)].data
            rating = None if rating == NOT_USED else rating
            if rating is not None or days is not None:
                ratings.append(RatingEntry(i, rating, days))
        scores = [GoalEntry(i, self[goal_score_key(i)].data) for i in self.goal_ids
                  if self[goal_score_key(i)].data is not None]
        return CheckinValues(
            **{name: self[name].data for name in SCALE_FIELDS},
            sleep_hours=self.sleep_hours.data,
            flare_days=self.flare_days.data,
            red_flags=list(self.red_flags.data or []),
            ratings=ratings,
            exercise_counts=None,  # counted from the exercise log, never asked
            goal_scores=scores,
            **{name: (self[name].data or "").strip() for name in TEXT_FIELDS},
        )


def _form_class(context: CheckinContext) -> type[CheckinForm]:
    """CheckinForm with one rating, days-used, sessions or score field per row of the week."""
    rows = context.rows
    fields = {
        "intervention_ids": [r.intervention.id for r in rows.interventions],
        "goal_ids": [r.goal.id for r in rows.goals],
    }
    effect = options([(NOT_USED, "Did not use it")] + [(n, signed(n)) for n in EFFECT_LABELS])
    for row in rows.interventions:
        i = row.intervention.id
        fields[rating_key(i)] = RadioField(f"How did {row.intervention.name} work for you?", choices=effect,
                                           coerce=effect_value, validate_choice=False,
                                           invalid_value_message="Choose how it worked.")
        fields[days_used_key(i)] = SelectField("Days used", choices=options([("", "—"), *number_pairs(0, 7)]),
                                               coerce=optional_int, validate_choice=False,
                                               invalid_value_message="Choose from 0 to 7 days.")
    for row in rows.goals:
        fields[goal_score_key(row.goal.id)] = scale(row.goal.activity)
    return type("WeekCheckinForm", (CheckinForm,), fields)


def _saved_or_default(context: CheckinContext) -> dict:
    """What the form shows before the patient changes anything: the saved check-in, or good defaults."""
    checkin = context.checkin
    data: dict = {}
    if checkin is not None:
        data.update({name: getattr(checkin, name) for name in (*SCALE_FIELDS, "sleep_hours", "flare_days",
                                                                "red_flags", "helped_most", "did_not_help")})
    else:
        data["flare_days"] = context.recorded_flare_days
    open_question = context.question if context.question and context.question.answered_at is None else None
    data["question"] = open_question.text if open_question else ""
    for row in context.rows.interventions:  # a saved week answered every row: unrated is "did not use it"
        unrated = NOT_USED if checkin is not None else None
        data[rating_key(row.intervention.id)] = unrated if row.rating is None else row.rating
        data[days_used_key(row.intervention.id)] = row.days_used
    for row in context.rows.goals:
        data[goal_score_key(row.goal.id)] = row.score
    return data


def previous_answers(context: CheckinContext) -> dict:
    """Last week's answers by field name, for "same as last week" (no red flags, no free text)."""
    previous = context.previous
    if previous is None:
        return {}
    answers = {name: getattr(previous.checkin, name) for name in WELLBEING_FIELDS}
    for intervention_id in (r.intervention.id for r in context.rows.interventions):
        rating, days = previous.ratings.get(intervention_id, (NOT_USED, None))
        answers[rating_key(intervention_id)] = rating
        answers[days_used_key(intervention_id)] = days
    for goal_id in (r.goal.id for r in context.rows.goals):
        answers[goal_score_key(goal_id)] = previous.goal_scores.get(goal_id)
    return answers


def checkin_form(context: CheckinContext, submitted: bool) -> CheckinForm:
    """The form of the context's week: bound to the request when submitted (with "same as last
    week" applied), else filled from the record."""
    form_class = _form_class(context)
    if submitted:
        form = form_class()
        if context.previous is not None:
            form.fill_from_previous(previous_answers(context))
        return form
    return form_class(formdata=None, data=_saved_or_default(context))
