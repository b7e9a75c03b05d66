"""The `int` URL converter of this app: ids only, within the range of an id column.

Every route says `<int:..._id>`; this converter replaces Werkzeug's for the whole app, so an id
of 0 or beyond 2^31-1 matches no route and answers 404 before any query is made.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from careteam.domain.limits import ID_MAX, ID_MIN


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = ID_MIN, max: int | None = ID_MAX,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_converters(app: Flask) -> None:
    """Must run before any blueprint is registered: rules bind their converter when added."""
    app.url_map.converters["int"] = IdConverter
