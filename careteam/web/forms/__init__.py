"""WTForms classes: field types and ranges. Rules that need the database live in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from careteam.services.errors import InvalidInput


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


def show_service_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's field messages on the form's fields; the rest above the form."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
