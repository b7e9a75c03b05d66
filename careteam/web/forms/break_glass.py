from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from careteam.services.break_glass import MAX_REASON_LENGTH
from careteam.web.forms import Form


class EmergencyAccessForm(Form):
    # The service judges both fields (required, minimum length) so the page and any caller agree.
    identifier = StringField(
        "Record number or the patient's e-mail address", validators=[Length(max=254)],
        description="Exactly as on the record or the account: there is no search and no list.")
    reason = TextAreaField(
        "Reason for emergency access", validators=[Length(max=MAX_REASON_LENGTH)],
        description="Required. The patient and the care team's physician will read it.")
