"""FHIR R4 resources from a RecordData, one module per area. Each `resources(data)` yields
JSON-ready dicts; `people.who(data, user_id)` names the patient or a Practitioner."""
