"""The what-helped ledger: every intervention with its ratings, verdict, trend and pain with/without.

`build_ledger` is for callers that have authorized already (the dashboard, the handover
summary); `get_ledger` authorizes and audits. Either way it is two queries, whatever the
number of interventions or weeks: the interventions, then every check-in week of the patient
with its pain and effect ratings.

Order of the rows: `makes_worse` first (worst mean first), so that no one who shows the list
as it comes can bury them; then `helps` (best mean first), `mixed`, `does_not_help` (each
best mean first) and `too_early`; ties by name. Pages show the `makes_worse` rows still in use
in a separate warning block at the top (`split_harmful`) and the rest below, helps first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select

from careteam.domain.policy import Action, Part
from careteam.domain.verdicts import (
    Trend,
    WeekUse,
    WithWithout,
    active_in_week,
    in_use_on,
    trend,
    verdict,
    week_use,
    with_without,
)
from careteam.domain.vocabulary import Verdict
from careteam.extensions import db
from careteam.models import EffectRating, Intervention, Patient, User, WeeklyCheckin
from careteam.queries import PATIENT_ID, rows
from careteam.services import audit, clock
from careteam.services.access import authorize

VERDICT_ORDER = {
    Verdict.MAKES_WORSE: 0,
    Verdict.HELPS: 1,
    Verdict.MIXED: 2,
    Verdict.DOES_NOT_HELP: 3,
    Verdict.TOO_EARLY: 4,
}


@dataclass(frozen=True)
class WeeklyRating:
    week_start: date  # the Monday of the check-in's ISO week
    rating: int  # -2 made it much worse ... +2 helped a lot
    days_used: int | None


@dataclass(frozen=True)
class LedgerRow:
    intervention_id: int
    name: str
    tier: str  # vocabulary.Tier value
    kind: str  # vocabulary.InterventionKind value
    introduced_by: str  # vocabulary.IntroducedBy value
    details: str
    started_on: date | None
    stopped_on: date | None
    active: bool  # in use today
    weeks_rated: int
    mean_rating: float | None  # rounded to 2 decimals; None before the first rating
    last_rating: int | None
    trend: Trend | None  # None with fewer than 6 rated weeks
    verdict: Verdict
    with_without: WithWithout | None  # None without 3 weeks used and 3 not used
    ratings: tuple[WeeklyRating, ...]  # oldest first

    @property
    def stopped(self) -> bool:
        return self.stopped_on is not None and not self.active

    @property
    def needs_review(self) -> bool:
        """Seems to make things worse and is still in use: a stopped one needs no review."""
        return self.verdict == Verdict.MAKES_WORSE and not self.stopped


@dataclass(frozen=True)
class _Week:
    week_start: date
    pain_average: int
    ratings: dict[int, tuple[int, int | None]]  # intervention id -> (rating, days used)


INTERVENTIONS = (select(Intervention.id, Intervention.name, Intervention.tier, Intervention.kind,
                        Intervention.introduced_by, Intervention.details, Intervention.started_on,
                        Intervention.stopped_on)
                 .where(Intervention.patient_id == PATIENT_ID))
WEEKS = (select(WeeklyCheckin.id, WeeklyCheckin.week_start, WeeklyCheckin.pain_average,
                EffectRating.intervention_id, EffectRating.rating, EffectRating.days_used)
         .outerjoin(EffectRating, EffectRating.checkin_id == WeeklyCheckin.id)
         .where(WeeklyCheckin.patient_id == PATIENT_ID, WeeklyCheckin.week_start <= bindparam("today"))
         .order_by(WeeklyCheckin.week_start, WeeklyCheckin.id))


def _weeks(patient_id: int, today: date) -> list[_Week]:
    """Every check-in week up to today with its pain and its effect ratings: one query."""
    weeks: dict[int, _Week] = {}
    for checkin_id, week_start, pain, intervention_id, rating, days_used in rows(WEEKS, patient_id=patient_id,
                                                                                  today=today):
        week = weeks.setdefault(checkin_id, _Week(week_start, pain, {}))
        if intervention_id is not None:
            week.ratings[intervention_id] = (rating, days_used)
    return list(weeks.values())


def _row(intervention, weeks: Iterable[_Week], today: date) -> LedgerRow:
    ratings: list[WeeklyRating] = []
    pain_by_use: dict[WeekUse, list[int]] = defaultdict(list)
    for week in weeks:
        rated = week.ratings.get(intervention.id)
        if rated is not None:
            ratings.append(WeeklyRating(week.week_start, *rated))
        active = active_in_week(intervention.started_on, intervention.stopped_on, week.week_start)
        use = week_use(active, rated is not None, rated[1] if rated else None)
        if use is not None:
            pain_by_use[use].append(week.pain_average)
    values = [r.rating for r in ratings]
    return LedgerRow(
        intervention_id=intervention.id,
        name=intervention.name,
        tier=intervention.tier,
        kind=intervention.kind,
        introduced_by=intervention.introduced_by,
        details=intervention.details,
        started_on=intervention.started_on,
        stopped_on=intervention.stopped_on,
        active=in_use_on(today, intervention.started_on, intervention.stopped_on),
        weeks_rated=len(values),
        mean_rating=round(sum(values) / len(values), 2) if values else None,
        last_rating=values[-1] if values else None,
        trend=trend(values),
        verdict=verdict(values),
        with_without=with_without(pain_by_use[WeekUse.USED], pain_by_use[WeekUse.NOT_USED]),
        ratings=tuple(ratings),
    )


def _sort_key(row: LedgerRow) -> tuple:
    mean = row.mean_rating if row.mean_rating is not None else 0.0
    worst_or_best_first = mean if row.verdict == Verdict.MAKES_WORSE else -mean
    return VERDICT_ORDER[row.verdict], row.mean_rating is None, worst_or_best_first, row.name.lower()


def build_ledger(patient_id: int, today: date) -> list[LedgerRow]:
    """The ledger of one patient, in the order of the module doc. No authorization: callers
    authorize first. Two queries, however many interventions and weeks."""
    interventions = rows(INTERVENTIONS, patient_id=patient_id)
    if not interventions:
        return []
    weeks = _weeks(patient_id, today)
    return sorted((_row(i, weeks, today) for i in interventions), key=_sort_key)


def row_for(intervention: Intervention, today: date) -> LedgerRow:
    """The ledger row of one intervention (for its own page). One query."""
    return _row(intervention, _weeks(intervention.patient_id, today), today)


def split_harmful(rows: Iterable[LedgerRow]) -> tuple[list[LedgerRow], list[LedgerRow]]:
    """(rows that seem to make things worse and are still in use, all the others), each in
    ledger order. A stopped one stays in the list with its verdict, outside the warning."""
    rows = list(rows)
    return [r for r in rows if r.needs_review], [r for r in rows if not r.needs_review]


def get_ledger(actor: User, patient_id: int) -> tuple[Patient, list[LedgerRow]]:
    """The patient and their ledger, for whoever may read interventions (audited)."""
    patient = authorize(actor, patient_id, Part.INTERVENTIONS, Action.READ, object_type="ledger")
    rows = build_ledger(patient.id, clock.today())
    audit.record("read", actor=actor, patient_id=patient.id, object_type="ledger")
    db.session.commit()
    return patient, rows
