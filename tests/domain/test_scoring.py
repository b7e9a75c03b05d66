"""Scoring table tests: published worked examples, every band boundary, missing-item rules, flags,
change since the first answer, and due dates. The definitions are the shipped files."""

from __future__ import annotations

from datetime import date

import pytest

from careteam.domain import scoring
from careteam.domain.instruments import parse_instrument
from careteam.services.instruments import load_catalogue

CATALOGUE = load_catalogue(None)
PHQ9, GAD7, PEG, STARTBACK = (CATALOGUE.get(i) for i in ("phq9", "gad7", "peg", "startback"))


def answers(instrument, values):
    return {item.link_id: value for item, value in zip(instrument.items, values, strict=True)}


def spread(total: int, items: int, top: int, last_zero: bool = False) -> list[int]:
    """Item values (0..top) that add up to `total`; the last item kept 0 when asked."""
    slots = items - 1 if last_zero else items
    values = [min(top, max(0, total - top * i)) for i in range(slots)]
    return values + ([0] if last_zero else [])


# --- published worked examples (issue 11) -----------------------------------------------------

def test_phq9_worked_example_is_9_mild_with_the_item_9_flag():
    result = scoring.score(PHQ9, answers(PHQ9, [1, 2, 1, 2, 1, 1, 0, 0, 1]))
    assert (result.score, result.band, result.flags) == (9, "mild", ["self_harm_thoughts"])
    assert scoring.safety_flags(PHQ9, result.flags) == ["self_harm_thoughts"]


def test_gad7_worked_example_is_7_mild():
    result = scoring.score(GAD7, answers(GAD7, [2, 1, 2, 1, 0, 1, 0]))
    assert (result.score, result.band, result.flags) == (7, "mild", [])


def test_peg_worked_example_is_the_mean_to_one_decimal():
    assert scoring.score(PEG, answers(PEG, [6, 7, 4])).score == 5.7
    assert scoring.score(PEG, answers(PEG, [0, 0, 0])).score == 0
    assert scoring.score(PEG, answers(PEG, [10, 10, 10])).score == 10
    assert scoring.score(PEG, answers(PEG, [5, 5, 6])).score == 5.3  # 16/3 = 5.33


# --- every band boundary ------------------------------------------------------------------------

@pytest.mark.parametrize("total,band", [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "moderately severe"), (19, "moderately severe"), (20, "severe"), (27, "severe"),
])
def test_phq9_bands(total, band):
    values = spread(total, 9, 3, last_zero=total <= 24)
    result = scoring.score(PHQ9, answers(PHQ9, values))
    assert (result.score, result.band) == (total, band)


@pytest.mark.parametrize("total,band", [
    (0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"), (10, "moderate"), (14, "moderate"),
    (15, "severe"), (21, "severe"),
])
def test_gad7_bands(total, band):
    result = scoring.score(GAD7, answers(GAD7, spread(total, 7, 3)))
    assert (result.score, result.band) == (total, band)


def test_phq9_item_9_flag_whatever_the_total():
    minimal = scoring.score(PHQ9, answers(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1]))
    assert (minimal.score, minimal.band, minimal.flags) == (1, "minimal", ["self_harm_thoughts"])
    severe_without = scoring.score(PHQ9, answers(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0]))
    assert (severe_without.score, severe_without.band, severe_without.flags) == (24, "severe", [])


# STarT Back: items 1-8 agree = 1; item 9 counts 1 for "very much" (3) or "extremely" (4).
# Psychosocial subscore = items 5-9. Low: total <= 3; medium: total >= 4 and subscore <= 3; high: subscore >= 4.
@pytest.mark.parametrize("values,total,sub,band", [
    ([0, 0, 0, 0, 0, 0, 0, 0, 0], 0, 0, "low risk"),
    ([1, 1, 1, 0, 0, 0, 0, 0, 2], 3, 0, "low risk"),          # total 3: still low ("moderately" counts 0)
    ([0, 0, 0, 0, 1, 1, 1, 0, 0], 3, 3, "low risk"),          # total 3 with subscore 3
    ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, 0, "medium risk"),       # total 4: medium
    ([1, 0, 0, 0, 1, 1, 1, 0, 0], 4, 3, "medium risk"),       # subscore 3: not yet high
    ([1, 1, 1, 1, 1, 1, 1, 0, 1], 7, 3, "medium risk"),       # item 9 "slightly" counts 0
    ([0, 0, 0, 0, 1, 1, 1, 1, 0], 4, 4, "high risk"),         # subscore 4: high
    ([0, 0, 0, 0, 1, 1, 1, 0, 3], 4, 4, "high risk"),         # "very much" counts 1
    ([0, 0, 0, 0, 0, 1, 1, 1, 4], 4, 4, "high risk"),         # "extremely" counts 1
    ([1, 1, 1, 1, 1, 1, 1, 1, 4], 9, 5, "high risk"),
])
def test_startback_boundaries(values, total, sub, band):
    result = scoring.score(STARTBACK, answers(STARTBACK, values))
    assert (result.score, result.subscores["psychosocial"], result.band) == (total, sub, band)


# --- missing items --------------------------------------------------------------------------------

def test_phq9_with_an_item_missing_has_no_total_and_no_band_but_keeps_its_flag():
    values = answers(PHQ9, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    values["3"] = None
    result = scoring.score(PHQ9, values)
    assert (result.score, result.band, result.missing, result.flags) == (None, None, ["3"], ["self_harm_thoughts"])


def test_startback_missing_psychosocial_item_leaves_subscore_and_band_empty():
    values = answers(STARTBACK, [1, 1, 1, 1, 1, 0, 0, 0, 0])
    del values["7"]
    result = scoring.score(STARTBACK, values)
    assert (result.score, result.subscores["psychosocial"], result.band) == (None, None, None)


def _clinic_instrument(method: str, max_missing: int) -> object:
    return parse_instrument({
        "id": "demo", "version": "1", "title": "A clinic scale", "short_title": "DEMO", "recall_period": "Today",
        "reference": "A reference", "licence": "Held by the clinic",
        "options": [{"value": v, "text": str(v)} for v in range(6)],
        "items": [{"linkId": str(i), "text": f"Item {i}"} for i in range(1, 11)],
        "scoring": {"method": method, "max_missing": max_missing, "decimals": 1,
                    "bands": [{"label": "low", "when": {"score": [0, 20]}}, {"label": "high", "when": {"score": [20.1, 100]}}]},
    }, "demo.json")


@pytest.mark.parametrize("method,given,expected", [
    ("percent", [5] * 10, 100.0),
    ("percent", [5] * 9 + [None], 100.0),          # ODI-style: % of the answered items' maximum
    ("percent", [1] * 9 + [None], 20.0),
    ("percent", [1] * 8 + [None, None], None),     # two missing: the instrument allows one
    ("sum", [2] * 9 + [None], 20.0),               # a sum prorated over the answered items
    ("sum", [2] * 10, 20.0),
    ("mean", [1, 2] * 4 + [3, None], 1.7),
])
def test_clinic_instrument_methods_and_missing_items(method, given, expected):
    instrument = _clinic_instrument(method, 1)
    result = scoring.score(instrument, {str(i): v for i, v in enumerate(given, start=1)})
    assert result.score == expected


def test_band_limits_apply_to_the_rounded_score():
    instrument = _clinic_instrument("percent", 1)
    at_limit = scoring.score(instrument, {str(i): 1 for i in range(1, 11)})
    above = scoring.score(instrument, {**{str(i): 1 for i in range(1, 10)}, "10": 2})
    assert (at_limit.score, at_limit.band, above.score, above.band) == (20.0, "low", 22.0, "high")


# --- answers that cannot be scored ---------------------------------------------------------------

@pytest.mark.parametrize("given,problem", [
    ([{"linkId": "1", "value": 4}], "answers.0"),
    ([{"linkId": "1", "value": True}], "answers.0"),
    ([{"linkId": "10", "value": 1}], "answers.0"),
    ([{"linkId": "1", "value": 1}, {"linkId": "1", "value": 2}], "answers.1"),
    ([], "answers"),
])
def test_answer_problems(given, problem):
    assert problem in scoring.answer_problems(PHQ9, given)


def test_valid_answers_have_no_problems():
    assert scoring.answer_problems(PHQ9, [{"linkId": str(i), "value": 0} for i in range(1, 10)]) == {}


# --- change since the first answer ----------------------------------------------------------------

@pytest.mark.parametrize("first,latest,points,meaningful,better", [
    (15, 10, -5, True, True),     # PHQ-9: 5 points is the cited threshold
    (15, 11, -4, False, True),
    (8, 13, 5, True, False),
])
def test_phq9_change_is_meaningful_from_its_cited_threshold(first, latest, points, meaningful, better):
    change = scoring.change_since_first(PHQ9, first, latest)
    assert (change.points, change.meaningful, change.better) == (points, meaningful, better)


def test_no_meaningful_claim_without_a_cited_threshold():
    assert scoring.change_since_first(GAD7, 15, 3).meaningful is None
    assert scoring.change_since_first(GAD7, None, 3) is None


# --- due dates ------------------------------------------------------------------------------------

START = date(2026, 1, 5)


@pytest.mark.parametrize("today,every,last,ended,state", [
    (date(2026, 1, 4), 4, None, None, None),               # before the start
    (date(2026, 1, 5), 4, None, None, "due"),
    (date(2026, 1, 12), 4, None, None, "due"),             # 7 days: still due
    (date(2026, 1, 13), 4, None, None, "overdue"),
    (date(2026, 1, 20), 4, date(2026, 1, 6), None, None),  # answered this round
    (date(2026, 2, 2), 4, date(2026, 1, 6), None, "due"),  # the next round, 4 weeks on
    (date(2026, 6, 1), None, date(2026, 1, 6), None, None),  # once, answered
    (date(2026, 6, 1), None, None, None, "overdue"),
    (date(2026, 2, 2), 4, None, date(2026, 2, 1), None),   # ended
])
def test_due_state(today, every, last, ended, state):
    assert scoring.due_state(today, START, every, last, ended) == state
