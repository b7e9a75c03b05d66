"""WTForms classes: field types and ranges. Rules that need the database live in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from careteam.services.errors import InvalidInput


class Form(FlaskForm):
    """The base of every form. Its CSRF token field renders without an element id: a page often
    holds several forms, ids must be unique, and a hidden field needs no label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "csrf_token" in self._fields:
            self.csrf_token.id = False  # WTForms leaves out an attribute whose value is False


class ActionForm(Form):
    """A button that changes something: only the CSRF token."""


def show_service_errors(form: FlaskForm, error: InvalidInput) -> None:
    """Put a service's field messages on the form's fields; the rest above the form."""
    for name, messages in error.errors.items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
        else:
            form.form_errors.extend(messages)


def distinct_ids(form: FlaskForm, prefix: str) -> FlaskForm:
    """Element ids of their own for a form that shares its page with another form with the same
    field names: a label must point at its own field. Names, and so the posted data, stay."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
    return form


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
