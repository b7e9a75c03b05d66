"""The bounds of careteam.domain.limits, attached to API input fields (and so documented).

InputSchema.on_bind_field calls `bound` for every field it binds: ids, numbers and dates get
their range from the table, every string refuses control characters. One place, every schema.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone

from marshmallow import ValidationError, fields, validate

from careteam.domain import limits
from careteam.services import clock

ID_MESSAGE = f"Not an id: ids are whole numbers from {limits.ID_MIN} to {limits.ID_MAX}."


class Id(fields.Integer):
    """A row id: a whole number within the range of an id column, checked before any query."""

    def __init__(self, **kwargs):
        kwargs.setdefault("strict", True)
        super().__init__(**kwargs)
        self.validators.append(validate.Range(limits.ID_MIN, limits.ID_MAX, error=ID_MESSAGE))


class DateWindow(validate.Range):
    """A date from the earliest a record can hold to a few years ahead of today (read at each
    call, so a long-running process keeps the window current)."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(None, None)
        if name != "date_of_birth":  # documented as a pattern: JSON Schema has no date minimum
            self.regex = re.compile(limits.CENTURY_DATE_PATTERN)

    @property
    def min(self) -> date:  # noqa: A003
        return limits.date_bounds(self.name, clock.today())[0]

    @min.setter
    def min(self, _value) -> None:
        pass

    @property
    def max(self) -> date:  # noqa: A003
        return limits.date_bounds(self.name, clock.today())[1]

    @max.setter
    def max(self, _value) -> None:
        pass

    def __call__(self, value: date) -> date:
        problem = limits.date_problem(self.name, value, clock.today())
        if problem:
            raise ValidationError(problem)
        return value


class DateTimeWindow(DateWindow):
    """The same window for a moment in time (UTC midnights at either end)."""

    def __init__(self, name: str):
        super().__init__(name)
        self.regex = re.compile(limits.CENTURY_DATE_PATTERN[:-len("-[0-9]{2}-[0-9]{2}$")] + "-")

    @property
    def min(self) -> datetime:  # noqa: A003
        return datetime.combine(super().min, time.min, tzinfo=timezone.utc)

    @min.setter
    def min(self, _value) -> None:
        pass

    @property
    def max(self) -> datetime:  # noqa: A003
        return datetime.combine(super().max, time.max, tzinfo=timezone.utc)

    @max.setter
    def max(self, _value) -> None:
        pass

    def __call__(self, value: datetime) -> datetime:
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        if not self.min <= moment <= self.max:
            raise ValidationError(f"Enter a time from {self.min.date().isoformat()} to {self.max.date().isoformat()}.")
        return value


class Text(validate.Regexp):
    """No control characters (and, for required text, not blank). The pattern is written in
    the OpenAPI document; the check itself is a linear scan, never a backtracking regex."""

    def __init__(self, nonblank: bool = False):
        self.nonblank = nonblank
        super().__init__(limits.NONBLANK_TEXT_PATTERN if nonblank else limits.TEXT_PATTERN)

    def __call__(self, value: str) -> str:
        if isinstance(value, str):
            if limits.has_control_characters(value):
                raise ValidationError(limits.CONTROL_MESSAGE)
            if self.nonblank and not value.strip():
                raise ValidationError(limits.NONBLANK_MESSAGE)
        return value


def no_control_characters(value: str) -> str:
    return Text()(value)


def _is_text_checked(field: fields.Field) -> bool:
    return any(isinstance(v, Text) for v in field.validators)


def _required_text(field: fields.Field) -> bool:
    return any(isinstance(v, validate.Length) and (v.min or 0) >= 1 for v in field.validators)


def _has_range(field: fields.Field) -> bool:
    return any(isinstance(v, validate.Range) for v in field.validators)


def _json_booleans_only(field: fields.Boolean) -> None:
    """0 and 1 equal False and True, so they pass a set of {False} and {True}: check the type."""
    deserialize = field._deserialize

    def strict(value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise field.make_error("invalid")
        return deserialize(value, attr, data, **kwargs)

    field._deserialize = strict


def bound(name: str, field: fields.Field) -> None:
    """Attach the domain bounds for a field called `name` (a list's items take its name)."""
    if isinstance(field, fields.List):
        bound(name, field.inner)
        return
    if isinstance(field, fields.String):
        if not _is_text_checked(field) and not any(isinstance(v, validate.OneOf) for v in field.validators):
            if field.required and not _required_text(field):
                field.validators.append(validate.Length(min=1))  # required text is never empty
            field.validators.append(Text(nonblank=_required_text(field)))
    elif isinstance(field, fields.Boolean):
        field.truthy, field.falsy = {True}, {False}  # JSON true/false only, not "yes"
        _json_booleans_only(field)
    elif isinstance(field, fields.Integer) and limits.is_id_name(name) and not isinstance(field, Id):
        field.validators.append(validate.Range(limits.ID_MIN, limits.ID_MAX, error=ID_MESSAGE))
    elif isinstance(field, fields.Number) and name in limits.NUMBER_LIMITS and not _has_range(field):
        field.validators.append(validate.Range(*limits.NUMBER_LIMITS[name]))
    elif isinstance(field, fields.DateTime) and not _has_range(field):
        field.validators.append(DateTimeWindow(name))
    elif isinstance(field, fields.Date) and not _has_range(field):
        field.validators.append(DateWindow(name))
