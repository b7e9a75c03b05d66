"""The clinician's "My patients" list: who needs attention, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from careteam.domain.trends import COMPARE_TO_WEEKS, TrendResult, checkin_overdue, pain_trend
from careteam.extensions import db
from careteam.models import Patient, User, WeeklyCheckin
from careteam.services import clock
from careteam.services import questionnaires
from careteam.services.alerts import open_alert_counts
from careteam.services import audit
from careteam.services.patients import visible_patient_rows

SORTS = ("name", "last_checkin", "alerts", "trend")


@dataclass(frozen=True)
class PatientRow:
    patient: Patient
    last_checkin_on: date | None
    open_alerts: int
    trend: TrendResult
    overdue: bool
    overdue_questionnaires: int = 0


def _last_checkins(patient_ids: list[int]) -> dict[int, date]:
    rows = db.session.execute(
        select(WeeklyCheckin.patient_id, func.max(WeeklyCheckin.submitted_at))
        .where(WeeklyCheckin.patient_id.in_(patient_ids))
        .group_by(WeeklyCheckin.patient_id)
    )
    zone = clock.zone()
    return {patient_id: submitted.astimezone(zone).date() for patient_id, submitted in rows if submitted}


def _recent_pain(patient_ids: list[int], today: date) -> dict[int, dict[date, int]]:
    """Weekly pain averages recent enough to judge the latest trend of each patient."""
    since = today - timedelta(weeks=COMPARE_TO_WEEKS + 3)
    pain: dict[int, dict[date, int]] = {pid: {} for pid in patient_ids}
    rows = db.session.execute(
        select(WeeklyCheckin.patient_id, WeeklyCheckin.week_start, WeeklyCheckin.pain_average)
        .where(WeeklyCheckin.patient_id.in_(patient_ids), WeeklyCheckin.week_start >= since)
    )
    for patient_id, week_start, value in rows:
        pain[patient_id][week_start] = value
    return pain


def _sort_key(sort: str):
    if sort == "last_checkin":  # longest without a check-in first
        return lambda r: (r.last_checkin_on is not None, r.last_checkin_on or date.min, r.patient.name)
    if sort == "alerts":
        return lambda r: (-r.open_alerts, r.patient.name)
    if sort == "trend":  # biggest rise in pain first; unknown trends last
        return lambda r: (r.trend.change is None, -(r.trend.change or 0), r.patient.name)
    return lambda r: r.patient.name.lower()


def my_patients(actor: User, sort: str = "name") -> list[PatientRow]:
    sort = sort if sort in SORTS else "name"
    patients = visible_patient_rows(actor)
    audit.record_list(actor, "my_patients", len(patients), sort=sort)
    ids = [p.id for p in patients]
    if not ids:
        return []
    today = clock.today()
    last = _last_checkins(ids)
    pain = _recent_pain(ids, today)
    alerts = open_alert_counts(ids)
    overdue_questionnaires = questionnaires.overdue_counts(ids, today)
    rows = [
        PatientRow(
            patient=p,
            last_checkin_on=last.get(p.id),
            open_alerts=alerts.get(p.id, 0),
            trend=pain_trend(pain[p.id]),
            overdue=checkin_overdue(last.get(p.id), today),
            overdue_questionnaires=overdue_questionnaires.get(p.id, 0),
        )
        for p in patients
    ]
    return sorted(rows, key=_sort_key(sort))
