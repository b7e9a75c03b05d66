"""What every API operation can answer besides success, written into the OpenAPI document.

flask-smorest documents the success response, 422 for parsed arguments and the 409s a view
declares. The rest follows from how every request is handled (sign-in, CSRF, the record gate,
the limiter, the database), so it is added here to each operation after the blueprints are
registered, instead of a `default` response that hides them. The bodies are the real ones made
by careteam.web.errors.error_response: {"errors": {...}} and, for 409, also "current".
"""

from __future__ import annotations

from flask_smorest import Api
from marshmallow import Schema, fields

WRITE_METHODS = {"post", "put", "patch", "delete"}
METHODS = WRITE_METHODS | {"get"}


class ErrorOut(Schema):
    errors = fields.Dict(required=True, metadata={
        "description": 'Messages by field ("_" for the whole request): {"field": ["message", ...]}; '
                       "a nested input reports nested fields."})


class ConflictOut(ErrorOut):
    current = fields.Dict(allow_none=True, metadata={
        "description": "The record as it is now (with its version), to base the next change on."})


class ContractApi(Api):
    """No `default` response (each status is named), and the real error body as its schema."""

    ERROR_SCHEMA = ErrorOut
    DEFAULT_ERROR_RESPONSE_NAME = None


RESPONSES = {
    "400": "A malformed body, or a write with the session cookie but without its `X-CSRFToken` header.",
    "401": "No valid credentials: send `Authorization: Bearer ct_...` or sign in.",
    "403": "Signed in, but this role may not do this to this record.",
    "404": "No such item, or a patient the caller may not see.",
    "409": "Changed by someone else in the meantime; `current` holds it as it is now.",
    "413": "The body is larger than the server accepts.",
    "422": "Input refused; `errors` names each field.",
    "429": "Too many requests: wait `Retry-After` seconds.",
    "503": "The database is unavailable, or a render took too long: retry after `Retry-After` seconds.",
}


# Sent by gunicorn itself, before the app sees the request, so as its own HTML page.
SERVER_RESPONSES = {
    "414": "The URL is longer than the server reads (gunicorn's `limit_request_line`).",
}


def _statuses(path: str, method: str, operation: dict, path_level: dict) -> set[str]:
    has_path_ids = bool(path_level.get("parameters")) or any(p.get("in") == "path" for p in operation.get("parameters", []))
    has_query = any(p.get("in") == "query" for p in operation.get("parameters", []))
    has_body = "requestBody" in operation
    statuses = {"401", "414", "429", "503"}
    if not path.startswith("/api/v1/me"):
        statuses.add("403")
    if has_path_ids or has_body:
        statuses.add("404")
    if method in WRITE_METHODS:
        statuses |= {"400", "409", "422"}
    if has_body:
        statuses.add("413")
    if has_query:
        statuses.add("422")
    return statuses


def _body_has_required_fields(spec, body: dict) -> bool:
    """A body is required when its schema requires a field; else an empty body is a valid one."""
    schema = body.get("content", {}).get("application/json", {}).get("schema", {})
    ref = schema.get("$ref", "")
    if ref:
        schema = spec.components.schemas.get(ref.rsplit("/", 1)[-1], {})
    return bool(schema.get("required"))


def _document_next_link(responses: dict) -> None:
    """A paged list (careteam.api.paging) names its next page in a Link header."""
    from careteam.api.paging import LINK_HEADER  # paging imports the schemas, which import this package

    success = responses.get("200") or responses.get(200)
    if isinstance(success, dict):
        success.setdefault("headers", {}).update(LINK_HEADER)


def document_responses(api: Api) -> None:
    """Add each operation's error responses (shared components) to the OpenAPI document."""
    spec = api.spec
    spec.components.schema("ConflictOut", schema=ConflictOut)
    for status, description in RESPONSES.items():
        schema = "ConflictOut" if status == "409" else "ErrorOut"
        spec.components.response(f"E{status}", {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        })
    for status, description in SERVER_RESPONSES.items():
        spec.components.response(f"E{status}", {"description": description})
    for path, path_level in spec._paths.items():  # apispec keeps the paths here until to_dict()
        for method, operation in path_level.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            responses.pop("default", None)
            for status in _statuses(path, method, operation, path_level):
                existing = responses.get(status)
                if existing is None or (status == "409" and "content" not in existing):
                    responses[status] = {"$ref": f"#/components/responses/E{status}"}
                elif status == "409" and "description" in existing and "$ref" not in existing:
                    existing["content"] = {"application/json": {"schema": {"$ref": "#/components/schemas/ConflictOut"}}}
            if method == "get" and any(p.get("in") == "query" and p.get("name") == "limit"
                                       for p in operation.get("parameters", [])):
                _document_next_link(responses)
            if "requestBody" in operation:
                operation["requestBody"]["required"] = _body_has_required_fields(spec, operation["requestBody"])
