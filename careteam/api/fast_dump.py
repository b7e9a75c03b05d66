"""Read responses dumped by a plan compiled once per output schema, instead of marshmallow's
per-field machinery on every request (a fifth of the dashboard JSON's CPU was the dump).

The schemas stay the single truth: the plan is built from their fields, gives the same keys and
values, and leaves any field it has no fast path for to the field's own `_serialize`. A schema
with dump hooks keeps marshmallow's dump. With `VERIFY_FAST_DUMP` (the test suite sets it), every
dump is compared with marshmallow's and a difference is an error, so every API test checks it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app
from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP
from marshmallow.utils import get_value

Getter = Callable[[Any], Any]
Converter = Callable[[Any, Any], Any]  # (value, the object it was read from) -> output


def _getter(name: str, field: fields.Field) -> Getter:
    key = field.attribute or name
    default = field.dump_default

    if "." in key or default is not missing:
        def get_slowly(obj: Any) -> Any:
            value = get_value(obj, key, missing)
            if value is missing and default is not missing:
                return default() if callable(default) else default
            return value
        return get_slowly

    def get(obj: Any) -> Any:
        if type(obj) is dict:
            return obj.get(key, missing)
        if hasattr(obj, "__getitem__"):  # as marshmallow does: a mapping first, then an attribute
            return get_value(obj, key, missing)
        return getattr(obj, key, missing)
    return get


def _converter(name: str, field: fields.Field) -> Converter:
    kind = type(field)
    if kind is fields.Nested:
        nested = _plan(field.schema)
        if field.schema.many or field.many:
            return lambda value, obj: None if value is None else [nested(each) for each in value]
        return lambda value, obj: None if value is None else nested(value)
    if kind is fields.List:
        inner = _converter(name, field.inner)
        return lambda value, obj: None if value is None else [inner(each, obj) for each in value]
    if kind in (fields.Boolean, fields.Bool):
        serialize_bool = field._serialize
        return lambda value, obj: value if type(value) is bool else serialize_bool(value, name, obj)
    expression = _inline(field)
    if expression is not None:  # the same conversion the generated code writes inline
        return eval(compile(f"lambda v, obj: {expression}", "<convert>", "eval"))  # noqa: S307 - our own code
    serialize = field._serialize  # everything else, Function and Method fields included
    return lambda value, obj: serialize(value, name, obj)


def _inline(field: fields.Field) -> str | None:
    """The conversion of `v` as a Python expression, for the commonest fields; None: call the converter."""
    kind = type(field)
    if kind in (fields.String, fields.Str):
        return "None if v is None else str(v)"
    if kind in (fields.Integer, fields.Int) and not field.as_string and not field.strict:
        return "None if v is None else int(v)"
    if kind is fields.Float and not field.as_string:
        return "None if v is None else float(v)"
    if kind in (fields.DateTime, fields.Date) and (field.format or field.DEFAULT_FORMAT) in ("iso", "iso8601"):
        return "None if v is None else v.isoformat()"
    if kind is fields.Raw:
        return "v"
    return None


def _plan(schema: Schema) -> Callable[[Any], dict]:
    """A function dumping one object as `schema` would (ignoring its `many`), generated as straight-line
    code: one attribute read and one conversion per field, no call per field for the common ones."""
    if schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP] or type(schema) in _PLANNING:
        # hooks, or a schema nested in itself (a tree): marshmallow's own dump
        return lambda obj: Schema.dump(schema, obj, many=False)
    _PLANNING.add(type(schema))
    try:
        return _compiled(schema)
    finally:
        _PLANNING.discard(type(schema))


_PLANNING: set[type] = set()


def _compiled(schema: Schema) -> Callable[[Any], dict]:
    names: dict[str, Any] = {"MISSING": missing, "get_value": get_value}
    lines = ["def dump_one(obj):",
             "    out = {}",
             "    mapping = type(obj) is dict",
             # marshmallow reads a key first from anything with __getitem__, then the attribute
             "    keyed = not mapping and hasattr(obj, '__getitem__')"]
    for index, (name, field) in enumerate(schema.dump_fields.items()):
        key = field.data_key if field.data_key is not None else name
        names[f"convert{index}"] = _converter(name, field)
        expression = _inline(field) or f"convert{index}(v, obj)"
        if not field._CHECK_ATTRIBUTE:  # Function and Method fields read the whole object
            lines.append(f"    out[{key!r}] = convert{index}(None, obj)")
            continue
        attribute = field.attribute or name
        if "." in attribute or field.dump_default is not missing:
            names[f"get{index}"] = _getter(name, field)
            lines.append(f"    v = get{index}(obj)")
        else:
            lines.append(f"    v = obj.get({attribute!r}, MISSING) if mapping else (get_value(obj, {attribute!r}, MISSING)"
                         f" if keyed else getattr(obj, {attribute!r}, MISSING))")
        lines.append("    if v is not MISSING:")
        lines.append(f"        out[{key!r}] = {expression}")
    lines.append("    return out")
    exec(compile("\n".join(lines), f"<dump {type(schema).__name__}>", "exec"), names)  # noqa: S102 - our own code
    return names["dump_one"]


class FastDump:
    """Stands in for `schema.dump` on one output schema instance."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self.dump_one = _plan(schema)

    def __call__(self, obj: Any, *, many: bool | None = None) -> Any:
        many = self.schema.many if many is None else many
        dumped = [self.dump_one(each) for each in obj] if many else self.dump_one(obj)
        if current_app.config.get("VERIFY_FAST_DUMP"):
            expected = Schema.dump(self.schema, obj, many=many)
            if dumped != expected:
                raise AssertionError(f"fast dump of {type(self.schema).__name__} differs: {dumped!r} != {expected!r}")
        return dumped


def accelerated(schema: Any) -> Any:
    """The schema instance with a compiled dump (shadowing `Schema.dump` on this instance only)."""
    if isinstance(schema, Schema) and "dump" not in vars(schema):
        schema.dump = FastDump(schema)
    return schema
