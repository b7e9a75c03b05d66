"""Every API input field carries its domain bounds, and they are in the OpenAPI document."""

from __future__ import annotations

from marshmallow import fields, validate

from marshmallow.exceptions import ValidationError
from careteam.api.schemas import InputSchema


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def input_fields(app):
    for schema_class in set(_all_subclasses(InputSchema)):
        for name, field in schema_class().fields.items():
            yield f"{schema_class.__name__}.{name}", (field.inner if isinstance(field, fields.List) else field)


def test_every_number_and_date_has_a_range_and_every_text_refuses_control_characters(app):
    unbounded = []
    for where, field in input_fields(app):
        if isinstance(field, (fields.Number, fields.Date, fields.DateTime)):
            if not any(isinstance(v, validate.Range) for v in field.validators):
                unbounded.append(where)
        elif isinstance(field, fields.String):
            try:
                field.deserialize("a\x00b")
            except ValidationError:
                continue
            unbounded.append(where)
    assert unbounded == []


def test_ranges_are_written_in_the_openapi_document(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert schemas["GoalIn"]["properties"]["baseline_score"]["maximum"] == 10
    assert schemas["TeamMemberIn"]["properties"]["clinician_id"]["maximum"] == 2**31 - 1
    assert schemas["TeamMemberIn"]["properties"]["clinician_id"]["minimum"] == 1
    assert schemas["ExposureItemIn"]["properties"]["fear_rating"]["maximum"] == 100
    assert schemas["DoseIn"]["properties"]["sets"]["maximum"] == 20
    assert schemas["GoalIn"]["properties"]["target_date"]["x-minimum"] == "2000-01-01"
