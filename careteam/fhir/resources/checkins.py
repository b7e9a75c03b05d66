"""Weekly check-ins as QuestionnaireResponse (careteam's own Questionnaire), and the survey
Observations derived from them: pain (LOINC 72514-3), the PEG (LOINC 91148-7 with its items as
members), sleep, stress, mood, flare days and effect ratings (careteam's code system)."""

from __future__ import annotations

from datetime import timedelta
from typing import Iterator

from careteam.domain.policy import Part
from careteam.domain.vocabulary import RED_FLAG_LABELS
from careteam.fhir import codes
from careteam.fhir.refs import day, drop_empty, instant, number, patient_ref, ref, rid
from careteam.fhir.resources.people import who
from careteam.fhir.source import Checkin, RecordData

SCALE = "{score}"


def _answer_item(link_id: str, text: str, answer: dict) -> dict:
    return {"linkId": link_id, "text": text, "answer": [answer]}


def _items(checkin: Checkin, names: dict[int, str], interventions_shown: bool) -> list[dict]:
    items = [
        _answer_item("pain-average", "Average pain in the past week (0-10)", {"valueInteger": checkin.pain_average}),
        _answer_item("pain-worst", "Worst pain in the past week (0-10)", {"valueInteger": checkin.pain_worst}),
        _answer_item("peg-enjoyment", "Pain interfered with enjoyment of life (0-10)",
                     {"valueInteger": checkin.enjoyment_interference}),
        _answer_item("peg-activity", "Pain interfered with general activity (0-10)",
                     {"valueInteger": checkin.activity_interference}),
    ]
    optional = (("sleep-hours", "Sleep per night (hours)", "valueDecimal", checkin.sleep_hours),
                ("sleep-quality", "Sleep quality (0-10)", "valueInteger", checkin.sleep_quality),
                ("stress", "Stress (0-10)", "valueInteger", checkin.stress),
                ("mood", "Mood (0-10)", "valueInteger", checkin.mood))
    items += [_answer_item(link, text, {kind: number(value) if kind == "valueDecimal" else value})
              for link, text, kind, value in optional if value is not None]
    items.append(_answer_item("flare-days", "Flare days in the past week", {"valueInteger": checkin.flare_days}))
    if checkin.red_flags:
        items.append({"linkId": "red-flags", "text": "Red-flag symptoms",
                      "answer": [{"valueCoding": codes.coding(codes.RED_FLAG, flag, RED_FLAG_LABELS.get(flag))}
                                 for flag in checkin.red_flags]})
    for link, text, value in (("helped-most", "What helped most", checkin.helped_most),
                              ("did-not-help", "What did not help", checkin.did_not_help)):
        if value:
            items.append(_answer_item(link, text, {"valueString": value}))
    for rating in checkin.effect_ratings:
        parts = [_answer_item("effect-rating.intervention", "Intervention",
                              {"valueReference": ref("Procedure", "intervention", rating.intervention_id,
                                                     names.get(rating.intervention_id))}
                              if interventions_shown else {"valueString": names.get(rating.intervention_id, "")}),
                 _answer_item("effect-rating.rating", "Effect (-2 much worse ... +2 helped a lot)",
                              {"valueInteger": rating.rating})]
        if rating.days_used is not None:
            parts.append(_answer_item("effect-rating.days-used", "Days used", {"valueInteger": rating.days_used}))
        items.append({"linkId": "effect-rating", "text": "Effect of an intervention", "item": parts})
    return items


def _common(data: RecordData, checkin: Checkin) -> dict:
    """What every Observation of one check-in shares, made once per check-in."""
    return {
        "status": "final", "category": codes.SURVEY, "subject": patient_ref(data.patient.id),
        "effectivePeriod": {"start": day(checkin.week_start), "end": day(checkin.week_start + timedelta(days=6))},
        "issued": instant(checkin.submitted_at), "performer": [who(data, checkin.submitted_by_id)],
        "derivedFrom": [ref("QuestionnaireResponse", "checkin", checkin.id)],
    }


def _observation(common: dict, checkin: Checkin, key: str, code: list[dict], value: dict, **more) -> dict:
    found = {"resourceType": "Observation", "id": f"checkin-{checkin.id}-{key}", **common,
             "code": {"coding": code}, **value}
    found.update((k, v) for k, v in more.items() if v)
    return found


def _score(value: float | int) -> dict:
    return {"valueQuantity": {"value": number(value), "unit": "score", "system": codes.UCUM, "code": SCALE}}


def observations(data: RecordData, checkin: Checkin, interventions_shown: bool) -> Iterator[dict]:
    common = _common(data, checkin)
    yield _observation(common, checkin, "pain-average", [codes.loinc("72514-3"), codes.careteam("pain-average")],
                       {"valueInteger": checkin.pain_average})
    yield _observation(common, checkin, "pain-worst", [codes.careteam("pain-worst")],
                       {"valueInteger": checkin.pain_worst})
    yield _observation(common, checkin, "peg-enjoyment", [codes.careteam("peg-enjoyment")],
                       {"valueInteger": checkin.enjoyment_interference})
    yield _observation(common, checkin, "peg-activity", [codes.careteam("peg-activity")],
                       {"valueInteger": checkin.activity_interference})
    peg = round((checkin.pain_average + checkin.enjoyment_interference + checkin.activity_interference) / 3, 1)
    yield _observation(common, checkin, "peg", [codes.loinc("91148-7"), codes.careteam("peg-score")], _score(peg),
                       hasMember=[ref("Observation", f"checkin-{checkin.id}", k)
                                  for k in ("pain-average", "peg-enjoyment", "peg-activity")])
    if checkin.sleep_hours is not None:
        yield _observation(common, checkin, "sleep-hours", [codes.careteam("sleep-hours")],
                           {"valueQuantity": {"value": number(checkin.sleep_hours), "unit": "h",
                                              "system": codes.UCUM, "code": "h"}})
    for key, value in (("sleep-quality", checkin.sleep_quality), ("stress", checkin.stress), ("mood", checkin.mood)):
        if value is not None:
            yield _observation(common, checkin, key, [codes.careteam(key)], {"valueInteger": value})
    yield _observation(common, checkin, "flare-days", [codes.careteam("flare-days")],
                       {"valueQuantity": {"value": checkin.flare_days, "unit": "d", "system": codes.UCUM, "code": "d"}})
    for rating in checkin.effect_ratings:
        yield _observation(common, checkin, f"rating-{rating.id}", [codes.careteam("effect-rating")],
                           {"valueInteger": rating.rating},
                           focus=[ref("Procedure", "intervention", rating.intervention_id)] if interventions_shown else None,
                           component=[{"code": codes.concept(codes.careteam("days-used")),
                                       "valueInteger": rating.days_used}] if rating.days_used is not None else None)


def rating_ids(checkin: Checkin) -> list[tuple[int, str]]:
    """(intervention id, Observation id) of each effect rating of a check-in."""
    return [(r.intervention_id, rid(f"checkin-{checkin.id}", f"rating-{r.id}")) for r in checkin.effect_ratings]


def resources(data: RecordData) -> Iterator[dict]:
    if not data.visibility.reads(Part.CHECKINS):
        return
    interventions_shown = data.visibility.reads(Part.INTERVENTIONS)
    names = {row.intervention_id: row.name for row in data.ledger}
    for checkin in data.checkins:
        yield drop_empty({
            "resourceType": "QuestionnaireResponse", "id": rid("checkin", checkin.id),
            "questionnaire": codes.CHECKIN_QUESTIONNAIRE, "status": "completed",
            "subject": patient_ref(data.patient.id), "authored": instant(checkin.submitted_at),
            "author": who(data, checkin.submitted_by_id), "source": patient_ref(data.patient.id),
            "item": [{"linkId": "week", "text": "Week starting (Monday)",
                      "answer": [{"valueDate": day(checkin.week_start)}]}]
                    + _items(checkin, names, interventions_shown),
        })
        yield from observations(data, checkin, interventions_shown)
