"""The OpenAPI document tells the truth about status codes: each operation, called anonymously,
with a session but no CSRF token, and with a sample request per role, answers only statuses it
documents (issue 15). No `default` response hides the rest."""

from __future__ import annotations

import re

import pytest

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def operations(spec):
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def concrete(path: str, patient_id: int) -> str:
    path = path.replace("{patient_id}", str(patient_id))
    return re.sub(r"\{[a-z_]+\}", lambda m: "2026-11-30" if m.group(0) in ("{week}", "{week_start}", "{day}")
                  else "999999" if m.group(0).endswith("_id}") else "x", path)


def call(client, method: str, url: str, **kwargs):
    return client.open(url, method=method.upper(), **kwargs)


def test_no_operation_documents_a_default_response(spec):
    assert [(p, m) for p, m, op in operations(spec) if "default" in op["responses"]] == []


def test_a_body_is_required_exactly_when_its_schema_requires_a_field(spec):
    schemas = spec["components"]["schemas"]
    for path, method, op in operations(spec):
        if "requestBody" in op:
            schema = schemas[op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]]
            assert op["requestBody"]["required"] is bool(schema.get("required")), (method, path)


def test_without_credentials_every_operation_is_401_before_csrf(app, spec, clinic, csrf_on):
    client = app.test_client()
    for path, method, op in operations(spec):
        kwargs = {"json": {}} if "requestBody" in op else {}
        response = call(client, method, concrete(path, clinic.record_a.id), **kwargs)
        assert response.status_code == 401, (method, path, response.status_code)
        assert "401" in op["responses"], (method, path)
        assert list(response.get_json()) == ["errors"]


def test_a_session_write_without_its_csrf_token_is_a_documented_400(spec, clinic, login_as, csrf_on):
    client = login_as(clinic.physician)
    for path, method, op in operations(spec):
        if method == "get":
            continue
        kwargs = {"json": {}} if "requestBody" in op else {}
        response = call(client, method, concrete(path, clinic.record_a.id), **kwargs)
        assert response.status_code == 400, (method, path, response.status_code)
        assert "400" in op["responses"], (method, path)


@pytest.mark.parametrize("who", ["patient_a", "physician", "physio", "psych", "admin", "outside_physician"])
def test_a_sample_request_answers_a_documented_status(spec, clinic, api, who):
    client = getattr(api, who)
    undocumented = []
    for path, method, op in operations(spec):
        if path.endswith("/me/tokens/{token_id}"):
            continue  # revoking a token the sample cannot name; covered in test_api
        kwargs = {"json": {}} if "requestBody" in op else {}
        response = getattr(client, method)(concrete(path, clinic.record_a.id), **kwargs)
        if str(response.status_code) not in op["responses"] or response.status_code >= 500:
            undocumented.append((method, path, response.status_code))
    assert undocumented == []


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
