from __future__ import annotations

from wtforms import EmailField, IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from careteam.domain.passwords import MAX_LENGTH, MIN_LENGTH
from careteam.web.forms import Form

_password_hint = (f"At least {MIN_LENGTH} characters. A few unrelated words make a strong password; "
                  "common passwords and your e-mail or name are refused.")


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=4 * MAX_LENGTH)])


class SetPasswordForm(Form):
    password = PasswordField("New password", description=_password_hint,
                             validators=[DataRequired(), Length(max=4 * MAX_LENGTH)])
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", "The two passwords differ.")])


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", description=_password_hint,
                                 validators=[DataRequired(), Length(max=4 * MAX_LENGTH)])
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "The two passwords differ.")])


class ApiTokenForm(Form):
    name = StringField("Token name", description="What will use it, e.g. \"clinic reporting script\".",
                       validators=[DataRequired(), Length(max=100)])
    expires_in_days = IntegerField("Expires after (days)", validators=[Optional()])


class SecondFactorForm(Form):
    code = StringField("Code", description="The 6-digit code from your authenticator app, or a recovery code.",
                       validators=[DataRequired(), Length(max=40)])
