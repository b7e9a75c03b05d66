"""The flare-up plan's edit form."""

from __future__ import annotations

from wtforms import IntegerField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from careteam.services.flare import REQUIRED_TEXT, TEXT_MAX
from careteam.web.forms import Form

_TEXT = [Optional(), Length(max=TEXT_MAX)]


def _required(name: str) -> list:
    return [DataRequired(REQUIRED_TEXT[name]), Length(max=TEXT_MAX)]


class FlarePlanForm(Form):
    based_on_version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    early_warning_signs = TextAreaField(
        "Early warning signs", validators=_TEXT,
        description="What tells the person a flare is starting: stiffness in the morning, poor sleep, …")
    tool_ids = SelectMultipleField("Immediate tools", coerce=int, validate_choice=False,
                                   description="From the person's active interventions; immediate relief first.")
    minimum_activity = TextAreaField(
        "Minimum non-negotiable activity", validators=_required("minimum_activity"),
        description="What they keep doing even on the worst day: scale down, never disappear.")
    return_to_plan = TextAreaField("How to return to the plan", validators=_TEXT,
                                   description="Steps back to the usual doses once the flare settles.")
    seek_help = TextAreaField("When to seek help", validators=_required("seek_help"), render_kw={"rows": 8},
                              description="Starts with the red flags; add anything specific to this person.")
    reason = TextAreaField("Reason for the change", validators=_TEXT,
                           description="Required when changing a plan; the team reads it in the history.")

    def rebase(self, version: int) -> None:
        """After a conflict: the next save builds on the version the person has now seen."""
        self.based_on_version.data, self.based_on_version.raw_data = version, [str(version)]

    def service_values(self) -> dict:
        return {name: getattr(self, name).data or "" for name in
                ("early_warning_signs", "minimum_activity", "return_to_plan", "seek_help", "reason")} | {
            "tool_ids": list(self.tool_ids.data or []),
        }
