"""The compiled dump (careteam/api/fast_dump.py) gives what marshmallow's dump gives, field kind by
field kind; every API test checks it too (VERIFY_FAST_DUMP)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from flask import Flask
from marshmallow import Schema, fields, post_dump

from careteam.api.fast_dump import FastDump


class Author(Schema):
    id = fields.Int()
    name = fields.Str()


class Everything(Schema):
    text = fields.Str()
    number = fields.Int()
    ratio = fields.Float()
    flag = fields.Bool()
    day = fields.Date()
    moment = fields.DateTime()
    raw = fields.Raw()
    renamed = fields.Str(data_key="shown_as")
    author_name = fields.Str(attribute="author.name")
    fallback = fields.Str(dump_default="none given")
    computed = fields.Function(lambda obj: f"#{getattr(obj, 'number', None)}")
    author = fields.Nested(Author, allow_none=True)
    authors = fields.List(fields.Nested(Author))
    tags = fields.List(fields.Str())


class Tree(Schema):
    name = fields.Str()
    children = fields.List(fields.Nested(lambda: Tree()))


class Hooked(Schema):
    name = fields.Str()

    @post_dump
    def shout(self, data, **_):
        return {**data, "name": data["name"].upper()}


@dataclass
class Thing:
    text: str | None
    number: int
    ratio: float | None
    flag: bool
    day: date | None
    moment: datetime | None
    raw: object
    renamed: str
    author: SimpleNamespace | None
    authors: list
    tags: list | None


AUTHOR = SimpleNamespace(id=3, name="Dr. Ann")
FULL = Thing("hello", 7, 0.5, True, date(2026, 3, 9), datetime(2026, 3, 9, 8, 30, tzinfo=timezone.utc),
             {"any": [1, 2]}, "x", AUTHOR, [AUTHOR, AUTHOR], ["a", "b"])
EMPTY = Thing(None, 0, None, False, None, None, None, "", None, [], None)


@pytest.mark.parametrize("schema, obj", [
    (Everything(), FULL),
    (Everything(), EMPTY),  # None everywhere a field allows it; the dotted attribute under None
    (Everything(), {"text": "from a mapping", "number": 2}),  # keys missing from a dict are left out
    (Everything(only=("text", "author")), FULL),
    (Everything(many=True), [FULL, EMPTY]),
    (Tree(), {"name": "root", "children": [{"name": "leaf", "children": []}]}),  # nested in itself
    (Hooked(), {"name": "quiet"}),  # dump hooks: marshmallow's own dump
])
def test_the_compiled_dump_equals_marshmallows(schema, obj):
    with Flask(__name__).app_context():
        assert FastDump(schema)(obj) == Schema.dump(schema, obj)
