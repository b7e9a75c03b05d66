"""Standard questionnaires (careteam/instruments) as QuestionnaireResponse, item by item, with
the total (and each subscale) as a survey Observation derived from it. PHQ-9, GAD-7 and the
PEG point at their LOINC panels; the others at careteam's own Questionnaire canonical."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, number, patient_ref, ref, rid
from careteam.fhir.resources.people import who
from careteam.fhir.source import RecordData
from careteam.models import QuestionnaireResponse
from careteam.services.instruments import instrument


def canonical(instrument_id: str, version: str) -> str:
    if instrument_id in codes.INSTRUMENT_LOINC:
        return f"{codes.LOINC_SYSTEM}/q/{codes.INSTRUMENT_LOINC[instrument_id][0]}"
    return f"{codes.CANONICAL}/Questionnaire/{instrument_id}|{version}"


def _total_code(response: QuestionnaireResponse, title: str) -> dict:
    loinc = codes.INSTRUMENT_LOINC.get(response.instrument_id)
    coded = [codes.loinc(loinc[1])] if loinc else []
    return codes.concept(*coded, codes.careteam("questionnaire-score"), text=f"{title} score")


def _observation(data: RecordData, response: QuestionnaireResponse, title: str) -> dict:
    score = {"valueQuantity": {"value": number(response.score), "unit": "score", "system": codes.UCUM,
                               "code": "{score}"}} if response.score is not None else {}
    return drop_empty({
        "resourceType": "Observation", "id": rid("questionnaire-score", response.id), "status": "final",
        "category": codes.SURVEY, "code": _total_code(response, title),
        "subject": patient_ref(data.patient.id), "effectiveDateTime": day(response.answered_on),
        "issued": instant(response.submitted_at), "performer": [who(data, response.entered_by_id)],
        **score,
        "dataAbsentReason": {"text": "Too many items unanswered to score"} if response.score is None else None,
        "interpretation": [{"text": response.band}] if response.band else None,
        "component": [{"code": codes.concept(codes.careteam("questionnaire-subscore"), text=str(name)),
                       "valueQuantity": {"value": number(value), "unit": "score", "system": codes.UCUM,
                                         "code": "{score}"}}
                      for name, value in sorted((response.subscores or {}).items()) if value is not None],
        "derivedFrom": [ref("QuestionnaireResponse", "questionnaire", response.id)],
    })


def resources(data: RecordData) -> Iterator[dict]:
    if not data.visibility.reads(Part.QUESTIONNAIRES):
        return
    for response in data.responses:
        definition = instrument(response.instrument_id)
        title = definition.short_title if definition else response.instrument_id
        texts = {i.link_id: i.text for i in definition.items} if definition else {}
        yield drop_empty({
            "resourceType": "QuestionnaireResponse", "id": rid("questionnaire", response.id),
            "questionnaire": canonical(response.instrument_id, response.instrument_version),
            "status": "completed", "subject": patient_ref(data.patient.id),
            "authored": instant(response.submitted_at), "author": who(data, response.entered_by_id),
            "source": patient_ref(data.patient.id),
            "item": [drop_empty({"linkId": a.link_id, "text": texts.get(a.link_id),
                                 "answer": [{"valueInteger": a.value}]})
                     for a in sorted(response.answers, key=lambda a: a.id)],
        })
        yield _observation(data, response, title)
