"""What every part of the graded-activity service shares: the record part and object types it
audits, and how a stale or overtaken change to a versioned plan becomes Conflict."""

from __future__ import annotations

from sqlalchemy.orm.exc import StaleDataError

from careteam.domain.policy import Part
from careteam.extensions import db
from careteam.models import GradedActivityPlan
from careteam.services import clock
from careteam.services.activity_progress import current_values, load_plan, progress_of
from careteam.services.errors import Conflict

PART = Part.GRADED_ACTIVITY
PLAN, LOG, DECISION = "graded_activity_plan", "activity_log", "quota_decision"


def _conflict(patient_id: int, plan_id: int, message: str | None = None) -> Conflict:
    db.session.rollback()
    return Conflict(message, current=current_values(progress_of(load_plan(patient_id, plan_id), clock.today())))


def _check_version(plan: GradedActivityPlan, version: int) -> None:
    if version != plan.version:
        raise _conflict(plan.patient_id, plan.id)


def _commit(plan: GradedActivityPlan) -> None:
    """Commit a change to a versioned plan; a lost race becomes a Conflict."""
    patient_id, plan_id = plan.patient_id, plan.id
    try:
        db.session.commit()
    except StaleDataError:
        raise _conflict(patient_id, plan_id) from None
