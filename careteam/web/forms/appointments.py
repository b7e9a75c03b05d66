from __future__ import annotations

from wtforms import DateField, SelectField, TimeField
from wtforms.validators import DataRequired, Optional

from careteam.domain.vocabulary import APPOINTMENT_KIND_LABELS
from careteam.web.forms import Form, options


class AppointmentForm(Form):
    day = DateField("Date", validators=[DataRequired("Choose the date.")])
    at = TimeField("Time", validators=[DataRequired("Choose the time.")])
    clinician_id = SelectField("With", coerce=int, validators=[Optional()])  # default: the one recording it
    kind = SelectField("Kind", choices=options((k.value, label) for k, label in APPOINTMENT_KIND_LABELS.items()))


class PeriodForm(Form):
    """The handover summary's period; a GET form."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[])
    end = DateField("To", validators=[])
