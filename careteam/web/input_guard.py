"""Text in a URL (query string or path) with control characters is refused before any view runs.

Forms and API bodies refuse them field by field (careteam.web.forms.Form, api.fields); query
strings and path parts of every route are checked here, so a NUL never reaches a query
(PostgreSQL refuses it with an error) or a page.
"""

from __future__ import annotations

from flask import Flask, request

from careteam.domain.limits import CONTROL_MESSAGE, has_control_characters


def register_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_control_characters_in_urls():
        from careteam.web.errors import error_response

        for value in (request.view_args or {}).values():
            if isinstance(value, str) and has_control_characters(value):
                return error_response(404)
        bad = sorted({name for name, value in request.args.items(multi=True)
                      if has_control_characters(name) or has_control_characters(value)})
        if bad:
            names = [name if not has_control_characters(name) else "_" for name in bad]
            return error_response(422, CONTROL_MESSAGE, {name: [CONTROL_MESSAGE] for name in names})
        return None
