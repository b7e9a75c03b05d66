from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField, StringField, TimeField, ValidationError
from wtforms.validators import DataRequired, Length, Optional

from careteam.domain import appointments as rules
from careteam.domain.vocabulary import APPOINTMENT_KIND_LABELS
from careteam.web.forms import Form, options


def video_link(_form, field) -> None:
    problem = rules.video_link_problem(field.data.strip()) if field.data and field.data.strip() else None
    if problem:
        raise ValidationError(problem)


class AppointmentForm(Form):
    day = DateField("Date", validators=[DataRequired("Choose the date.")])
    at = TimeField("Time", validators=[DataRequired("Choose the time.")])
    duration_minutes = IntegerField(
        "Length (minutes)", default=rules.DEFAULT_DURATION, validators=[Optional()],
        description=f"{rules.DURATION_MIN} to {rules.DURATION_MAX}; empty means {rules.DEFAULT_DURATION}.")
    clinician_id = SelectField("With", coerce=int, validators=[Optional()])  # default: the one recording it
    kind = SelectField("Kind", choices=options((k.value, label) for k, label in APPOINTMENT_KIND_LABELS.items()))
    place = StringField("Place", description="A room or an address. Leave empty for a call.",
                        validators=[Length(max=rules.PLACE_MAX)])
    video_url = StringField("Video link (optional)",
                            description="The https:// link of the video call, if there is one.",
                            validators=[Length(max=rules.VIDEO_URL_MAX), video_link])


class PeriodForm(Form):
    """The handover summary's period; a GET form."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[])
    end = DateField("To", validators=[])
