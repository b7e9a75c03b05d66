"""WTForms classes: field types and ranges. Rules that need the database live in services."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, FloatField, IntegerField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from careteam.domain import limits
from careteam.services import clock
from careteam.services.errors import InvalidInput


def refuse_control_characters(_form, field) -> None:
    if isinstance(field.data, str) and limits.has_control_characters(field.data):
        raise ValidationError(limits.CONTROL_MESSAGE)


def within_date_window(_form, field) -> None:
    if isinstance(field.data, date):
        problem = limits.date_problem(field.name, field.data, clock.today())
        if problem:
            raise ValidationError(problem)


def domain_bounds(name: str, field) -> list:
    """The validators careteam.domain.limits gives a field of this name and type."""
    if isinstance(field, StringField):
        return [refuse_control_characters]
    if isinstance(field, (IntegerField, DecimalField, FloatField)):
        if limits.is_id_name(name):
            return [NumberRange(limits.ID_MIN, limits.ID_MAX, "No such item.")]
        if (name in limits.NUMBER_LIMITS and name not in limits.CHECKED_BY_DOSING
                and not any(isinstance(v, NumberRange) for v in field.validators)):
            low, high = limits.NUMBER_LIMITS[name]
            return [NumberRange(low, high)]
    if isinstance(field, DateField):
        return [within_date_window]
    return []


class Form(FlaskForm):
    """The base of every form. Its CSRF token field renders without an element id: a page often
    holds several forms, ids must be unique, and a hidden field needs no label."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "csrf_token" in self._fields:
            self.csrf_token.id = False  # WTForms leaves out an attribute whose value is False

    def validate(self, extra_validators=None) -> bool:
        """Every field also gets its domain bounds (careteam.domain.limits): no text with control
        characters, no number or date outside its range, on every form of the app."""
        extra = {name: list(chain) for name, chain in (extra_validators or {}).items()}
        for name, field in self._fields.items():
            extra.setdefault(name, []).extend(domain_bounds(name, field))
        return super().validate(extra)


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


def readable_data(form: FlaskForm, names) -> dict:
    """The fields' values where the form read them without fault; None where it did not."""
    return {name: None if form[name].errors else form[name].data for name in names}


def show_rule_problems(form: FlaskForm, problems: dict) -> None:
    """After a form failed its own checks: the service's rules on what it could read, for the
    fields with no message yet, so that every problem shows in one round (never the form's
    first and the rules' after the next submit)."""
    show_service_errors(form, InvalidInput({
        name: message for name, message in problems.items()
        if not (name in form._fields and form[name].errors)}))


def distinct_ids(form: FlaskForm, prefix: str) -> FlaskForm:
    """Element ids of their own for a form that shares its page with another form with the same
    field names: a label must point at its own field. Names, and so the posted data, stay."""
    for field in form:
        field.id = f"{prefix}-{field.name}"
    return form


def options(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
