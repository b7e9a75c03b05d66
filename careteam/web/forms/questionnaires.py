"""Forms for questionnaires: assigning one. (The answers page posts one radio group per item.)"""

from __future__ import annotations

from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import DataRequired, NumberRange, Optional

from careteam.web.forms import Form


class AssignForm(Form):
    instrument = SelectField("Questionnaire", validators=[DataRequired("Choose a questionnaire.")])
    starts_on = DateField("From", validators=[Optional()], description="Empty: today.")
    every_weeks = IntegerField("Repeat every … weeks", validators=[Optional(), NumberRange(1, 52, "From 1 to 52 weeks.")],
                               description="Empty: once (for example STarT Back at intake).")
