"""JSON responses encoded with orjson: several times faster than the standard library for the
large read responses (dashboard, summary). Types orjson does not know fall back to Flask's."""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Response, current_app
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS


def _fallback(obj: Any) -> Any:
    return DefaultJSONProvider.default(obj)


def encode(obj: Any) -> bytes:
    try:
        return orjson.dumps(obj, default=_fallback, option=_OPTIONS)
    except TypeError:
        # orjson holds integers to 64 bits; an error message may echo a bigger one the client sent.
        return json.dumps(obj, default=_fallback, ensure_ascii=False).encode()


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: Any, **kwargs: Any) -> str:
        return encode(obj).decode()

    def response(self, *args: Any, **kwargs: Any) -> Response:
        return self._app.response_class(encode(self._prepare_response_obj(args, kwargs)), mimetype=self.mimetype)


def json_response(data: Any, status: int = 200) -> Response:
    """A response from plain data (dicts, lists, strings, numbers, dates), skipping any schema dump."""
    return current_app.response_class(encode(data), status=status, mimetype="application/json")
