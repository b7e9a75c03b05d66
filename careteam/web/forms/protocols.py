"""Forms for protocol templates: apply one to a patient, save a patient's plan as one."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from careteam.domain import dosing
from careteam.domain import graded_activity as activity_rules
from careteam.domain.protocols import DESCRIPTION_LENGTH, NAME_LENGTH
from careteam.domain.vocabulary import TIER_LABELS, Tier
from careteam.services.protocols import REASON_LENGTH, Selection
from careteam.web.forms import Form, options

NO_PLAN = 0


class ApplyTemplateForm(Form):
    reason = StringField(
        "Reason", validators=[Optional(), Length(max=REASON_LENGTH)],
        description="Optional. The record's timeline shows it with the change.")
    again = BooleanField("Yes, apply it again: add its items a second time")


class SaveTemplateForm(Form):
    name = StringField("Template name", validators=[DataRequired("Give the template a name."), Length(max=NAME_LENGTH)],
                       description="Every clinician in the clinic sees it: no patient names.")
    description = TextAreaField("What it is for", validators=[Optional(), Length(max=DESCRIPTION_LENGTH)],
                                description="Optional. Who it suits and how to use it; no patient details.")
    # The service checks that every id is the patient's: the choices are only for showing.
    intervention_ids = SelectMultipleField("Interventions", coerce=int, validate_choice=False)
    prescription_ids = SelectMultipleField("Exercises, with their current doses", coerce=int,
                                           validate_choice=False)
    activity_plan_id = RadioField("Graded-activity plan, its settings only", coerce=int, default=NO_PLAN,
                                  validate_choice=False)

    def offer(self, interventions, prescriptions, plans) -> None:
        """The patient's current plan as the choices, each with what of it would be saved."""
        self.intervention_ids.choices = options((i.id, f"{i.name} · {TIER_LABELS[Tier(i.tier)]}")
                                                for i in interventions)
        self.prescription_ids.choices = options(
            (p.id, f"{p.name} · {dosing.describe(dosing.dose_of(p.current_dose))}") for p in prescriptions)
        self.activity_plan_id.choices = options([(NO_PLAN, "None"), *(
            (p.id, f"{p.activity} · goal {activity_rules.amount(p.goal_value, p.unit)}") for p in plans)])

    def selection(self) -> Selection:
        plan = self.activity_plan_id.data
        return Selection(list(self.intervention_ids.data or []), list(self.prescription_ids.data or []),
                         None if plan == NO_PLAN else plan)
