"""The patient's measures as plain data: one row per instrument with its series, latest score and
band, and the change since the first answer. Read by the Measures tab, the dashboard, the
summary page, its JSON and the PDF (the caller has authorized reading questionnaires).

PEG comes from the weekly check-ins (nobody answers it twice), PSFS from the functional goals'
scores (their mean on each day scored), the others from questionnaire responses. Three lean
column-level queries whatever the number of instruments.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from careteam import queries
from careteam.domain import scoring
from careteam.domain.instruments import Instrument
from careteam.domain.vocabulary import GoalStatus
from careteam.models import FunctionalGoal, GoalScore, QuestionnaireResponse, WeeklyCheckin
from careteam.queries import PATIENT_ID
from careteam.services.instruments import catalogue

PSFS = {
    "instrument": "psfs", "short_title": "PSFS", "title": "Patient-Specific Functional Scale (mean of the goals)",
    "version": "goals", "score_range": [0, 10], "higher_is_worse": False,
    "meaningful_change": {"points": 2, "source": "Stratford P, Gill C, Westaway M, Binkley J. Assessing disability "
                          "and change on individual patients: a report of a patient specific measure. "
                          "Physiother Can 1995;47(4):258-263."},
}


def _row(meta: dict, points: list[dict], threshold: float | None, higher_is_worse: bool) -> dict:
    scored = [p for p in points if p["score"] is not None]
    first, latest = (scored[0], scored[-1]) if scored else (None, None)
    change = scoring.change_since_first(None, first and first["score"], latest and latest["score"],
                                        threshold, higher_is_worse)
    return {
        **meta,
        "latest": latest,
        "first": first,
        "change": None if change is None or len(scored) < 2 else change.points,
        "better": None if change is None or len(scored) < 2 else change.better,
        "meaningful": None if change is None or len(scored) < 2 else change.meaningful,
        "points": points,
    }


def _meta(found: Instrument, source: str) -> dict:
    low, high = found.score_range
    return {"instrument": found.id, "short_title": found.short_title, "title": found.title,
            "version": found.version, "score_range": [low, high], "higher_is_worse": found.higher_is_worse,
            "meaningful_change": ({"points": found.meaningful_change.points, "source": found.meaningful_change.source}
                                  if found.meaningful_change else None),
            "source": source}


def _in(day: date, period: tuple[date, date] | None) -> bool:
    return period is None or period[0] <= day <= period[1]


PEG_WEEKS = (select(WeeklyCheckin.week_start, WeeklyCheckin.pain_average, WeeklyCheckin.enjoyment_interference,
                    WeeklyCheckin.activity_interference)
             .where(WeeklyCheckin.patient_id == PATIENT_ID).order_by(WeeklyCheckin.week_start))
PSFS_DAYS = (select(GoalScore.scored_on, func.avg(GoalScore.score))
             .join(FunctionalGoal, FunctionalGoal.id == GoalScore.goal_id)
             .where(FunctionalGoal.patient_id == PATIENT_ID, FunctionalGoal.status != GoalStatus.DROPPED.value)
             .group_by(GoalScore.scored_on).order_by(GoalScore.scored_on))
RESPONSES = (select(QuestionnaireResponse.instrument_id, QuestionnaireResponse.answered_on, QuestionnaireResponse.score,
                    QuestionnaireResponse.band, QuestionnaireResponse.flags, QuestionnaireResponse.id)
             .where(QuestionnaireResponse.patient_id == PATIENT_ID)
             .order_by(QuestionnaireResponse.answered_on, QuestionnaireResponse.id))


def measures_overview(patient_id: int, period: tuple[date, date] | None = None) -> list[dict]:
    """Every measure with at least one score (in `period`, a (start, end) pair, when given),
    PEG and PSFS first, then the questionnaires by name. Points are oldest first."""
    instruments = catalogue()
    rows: list[dict] = []
    peg = instruments.get("peg")
    if peg is not None:
        checkins = queries.rows(PEG_WEEKS, patient_id=patient_id)
        points, results = [], {}  # weeks repeat the same answers: score each combination once
        for week, pain, enjoyment, activity in checkins:
            if _in(week, period):
                answers = (pain, enjoyment, activity)
                if answers not in results:
                    results[answers] = scoring.score(peg, dict(zip(("pain", "enjoyment", "activity"), answers)))
                result = results[answers]
                points.append({"on": week, "score": result.score, "band": result.band, "flags": []})
        if points:
            rows.append(_row(_meta(peg, "weekly check-in"), points, None, True))
    goal_days = queries.rows(PSFS_DAYS, patient_id=patient_id)
    psfs_points = [{"on": day, "score": round(float(mean), 1), "band": None, "flags": []}
                   for day, mean in goal_days if _in(day, period)]
    if psfs_points:
        rows.append(_row({**PSFS, "source": "functional goals"}, psfs_points, PSFS["meaningful_change"]["points"],
                         False))
    responses = queries.rows(RESPONSES, patient_id=patient_id)
    by_instrument: dict[str, list[dict]] = {}
    for instrument_id, day, score, band, flags, response_id in responses:
        if _in(day, period):
            by_instrument.setdefault(instrument_id, []).append(
                {"on": day, "score": score, "band": band, "flags": list(flags or []), "response_id": response_id})
    for found in instruments:
        points = by_instrument.get(found.id)
        if points and not found.answered_in:
            threshold = found.meaningful_change.points if found.meaningful_change else None
            rows.append(_row(_meta(found, "questionnaire"), points, threshold, found.higher_is_worse))
    return rows
