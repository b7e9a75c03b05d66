"""Interventions of the pain portfolio as Procedure, and each computed verdict as an
Observation whose focus is the intervention, derived from the effect-rating Observations."""

from __future__ import annotations

from typing import Iterator

from careteam.domain.policy import Part
from careteam.domain.vocabulary import KIND_LABELS, TIER_LABELS, VERDICT_LABELS
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, patient_ref, ref, rid
from careteam.fhir.resources.checkins import rating_ids
from careteam.fhir.source import RecordData


def resources(data: RecordData) -> Iterator[dict]:
    if not data.visibility.reads(Part.INTERVENTIONS):
        return
    ratings: dict[int, list[str]] = {}
    for checkin in data.checkins:
        for intervention_id, observation_id in rating_ids(checkin):
            ratings.setdefault(intervention_id, []).append(observation_id)
    for row in data.ledger:
        yield drop_empty({
            "resourceType": "Procedure", "id": rid("intervention", row.intervention_id),
            "status": "in-progress" if row.active else ("stopped" if row.stopped_on else "completed"),
            "category": codes.concept(codes.coding(codes.TIER, row.tier, TIER_LABELS.get(row.tier))),
            "code": codes.concept(codes.coding(codes.INTERVENTION_KIND, row.kind, KIND_LABELS.get(row.kind)),
                                  text=row.name),
            "subject": patient_ref(data.patient.id),
            "performedPeriod": drop_empty({"start": day(row.started_on), "end": day(row.stopped_on)}) or None,
            "note": [{"text": text} for text in (row.details, f"Introduced by: {row.introduced_by}.") if text],
        })
        mean = f"mean rating {row.mean_rating:+.2f} over {row.weeks_rated} rated weeks" \
            if row.mean_rating is not None else "not rated yet"
        yield drop_empty({
            "resourceType": "Observation", "id": rid("verdict", row.intervention_id), "status": "final",
            "category": codes.SURVEY, "code": codes.concept(codes.careteam("intervention-verdict")),
            "subject": patient_ref(data.patient.id), "focus": [ref("Procedure", "intervention", row.intervention_id)],
            "effectiveDateTime": instant(data.generated_at), "issued": instant(data.generated_at),
            "valueCodeableConcept": codes.concept(codes.coding(codes.VERDICT, row.verdict,
                                                               VERDICT_LABELS.get(row.verdict))),
            "note": [{"text": f"Computed by careteam from the weekly effect ratings: {mean}."}],
            "derivedFrom": [{"reference": f"Observation/{oid}"} for oid in ratings.get(row.intervention_id, [])],
        })
