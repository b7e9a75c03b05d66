"""The notification settings form: reminders in the person's own time zone, the digest."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length

from careteam.domain.reminders import WEEKDAYS
from careteam.web.forms import Form, options


class NotificationSettingsForm(Form):
    timezone = StringField("Your time zone", validators=[Length(max=64)],
                           description="e.g. Europe/Berlin. Empty: the clinic's time zone.")
    checkin_enabled = BooleanField("Remind me of the weekly check-in (and once more two days later if it is still open)")
    checkin_weekday = SelectField("Day", choices=options(enumerate(WEEKDAYS)), coerce=int)
    checkin_time = StringField("Time", validators=[Length(max=5)], description="24-hour, e.g. 18:00")
    next_day_enabled = BooleanField("The morning after a logged session, ask me \"Back to your usual within 24 hours?\"")
    next_day_time = StringField("Morning time", validators=[Length(max=5)], description="24-hour, e.g. 08:00")
    appointment_enabled = BooleanField("Remind me of an appointment the evening before")
    questionnaire_enabled = BooleanField("Remind me when a questionnaire from my care team is due "
                                         "(at my check-in time, and once more three days later)")
    digest_enabled = BooleanField("Send me a morning digest: counts of what is new on my patients' records")
    digest_time = StringField("Digest time", validators=[Length(max=5)], description="24-hour, e.g. 07:00")
