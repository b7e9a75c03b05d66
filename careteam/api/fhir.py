"""The record as a FHIR R4 Bundle (docs/fhir.md): `application/fhir+json`, or
`application/json` for a client that asks only for that."""

from __future__ import annotations

import orjson
from flask import Response, request
from flask.views import MethodView

from careteam.api import api_blueprint
from careteam.fhir import patient_bundle
from careteam.web.login import actor

blp = api_blueprint("api_fhir", __name__, "The record as a FHIR R4 Bundle.")

FHIR_JSON = "application/fhir+json"
MEDIA_TYPES = (FHIR_JSON, "application/json")
BUNDLE_SCHEMA = {
    "type": "object",
    "description": "A FHIR R4 Bundle of type `collection` (see docs/fhir.md for what maps to what).",
    "required": ["resourceType", "type", "entry"],
    "properties": {
        "resourceType": {"type": "string", "enum": ["Bundle"]},
        "id": {"type": "string"},
        "type": {"type": "string", "enum": ["collection"]},
        "timestamp": {"type": "string", "format": "date-time"},
        "entry": {"type": "array", "items": {
            "type": "object", "required": ["fullUrl", "resource"],
            "properties": {"fullUrl": {"type": "string"},
                           "resource": {"type": "object", "required": ["resourceType", "id"]}}}},
    },
}


@blp.route("/<int:patient_id>/fhir")
class FhirBundle(MethodView):
    @blp.response(200, description=(
        "Everything the caller may read of the record as a FHIR R4 Bundle (type `collection`), with the "
        "summary's visibility rules: a psychologists-only note reaches only psychologists, the patient's own "
        "bundle leaves out clinicians-only notes. Ids are stable (`Goal/goal-12`), every reference resolves "
        "inside the bundle, times are UTC with an offset. Audited as an export."))
    @blp.doc(responses={"200": {"content": {media: {"schema": BUNDLE_SCHEMA} for media in MEDIA_TYPES}}})
    def get(self, patient_id: int):
        """The record as a FHIR R4 Bundle, with the caller's visibility (audited as an export)."""
        bundle = patient_bundle(actor(), patient_id)
        media = request.accept_mimetypes.best_match(MEDIA_TYPES, default=FHIR_JSON)
        response = Response(orjson.dumps(bundle), mimetype=media)
        response.headers["Content-Disposition"] = f'inline; filename="record-{patient_id}.fhir.json"'
        return response
