from __future__ import annotations

from wtforms import DateField, EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from careteam.domain.policy import Role
from careteam.web.forms import Form, options

ROLE_LABELS = {
    Role.PATIENT: "Patient",
    Role.PHYSICIAN: "Physician",
    Role.PHYSIOTHERAPIST: "Physiotherapist",
    Role.PSYCHOLOGIST: "Psychologist",
    Role.ADMIN: "Clinic admin",
}


class AccountForm(Form):
    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    role = SelectField("Role", choices=options((r.value, label) for r, label in ROLE_LABELS.items()))


class AccountEditForm(Form):
    """Only shapes here; the service checks the values (all at once, with the role rules)."""

    name = StringField("Full name", validators=[Length(max=200)])
    email = EmailField("E-mail", validators=[Length(max=254)])
    role = SelectField("Role", choices=options((r.value, label) for r, label in ROLE_LABELS.items()))


class PatientRecordForm(Form):
    date_of_birth = DateField("Date of birth", validators=[Optional()])


class AddTeamMemberForm(Form):
    clinician_id = SelectField("Clinician", coerce=int, validators=[DataRequired("Choose a clinician.")])


class AuditFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    user_email = StringField("User e-mail contains", validators=[Optional(), Length(max=254)])
    patient_id = StringField("Patient id", validators=[Optional(), Length(max=12),
                                                       Regexp(r"^\s*\d+\s*$", message="A patient id is a number.")])
    action = SelectField("Action", choices=options([("", "Any")]), default="", validate_choice=False)
    outcome = SelectField("Outcome", default="", choices=options([("", "Any"), ("success", "success"),
                                                                  ("failure", "failure"), ("denied", "denied")]))
    since = DateField("From", validators=[Optional()])
    until = DateField("To", validators=[Optional()])
