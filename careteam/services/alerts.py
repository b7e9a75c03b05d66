"""Red-flag alerts: a check-in raises one, it stays open until a physician on the team acknowledges it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from careteam.domain.checkins import ordered_flags
from careteam.domain.policy import Action, Part
from careteam.domain.vocabulary import RED_FLAG_LABELS
from careteam.extensions import db
from careteam.models import Patient, RedFlagAlert, User, WeeklyCheckin
from careteam.services import audit, clock, escalation, timeline
from careteam.services.access import authorize
from careteam.services.errors import InvalidInput, NotFound

OPEN = "open"
ALL = "all"
RED_FLAG = "red_flag"
QUESTIONNAIRE_SAFETY = "questionnaire_safety"
# Who acknowledges which kind of alert: the policy's part for it.
ALERT_PARTS = {RED_FLAG: Part.ALERTS, QUESTIONNAIRE_SAFETY: Part.SAFETY_ALERTS}
NOTE_MAX = 1000


def flag_labels(codes: Iterable[str]) -> list[str]:
    return [RED_FLAG_LABELS[flag] for flag in ordered_flags(codes)]


def alert_labels(alert: RedFlagAlert) -> list[str]:
    """The words for an alert's flags, whichever kind it is."""
    if alert.kind == RED_FLAG:
        return flag_labels(alert.flags)
    from careteam.services.questionnaires import safety_flag_labels  # it raises these alerts

    labels = safety_flag_labels()
    return [labels.get(code, code) for code in alert.flags]


def raise_safety_alert(actor: User, patient_id: int, response_id: int, flags: list[str], summary: str) -> RedFlagAlert:
    """A questionnaire answer that needs the team now (e.g. PHQ-9 item 9 above 0), in the same queue
    as red flags, for the physician and the psychologist. Called inside the response's use case,
    which has authorized; the caller commits."""
    alert = RedFlagAlert(patient_id=patient_id, flags=list(flags), kind=QUESTIONNAIRE_SAFETY,
                         questionnaire_response_id=response_id)
    db.session.add(alert)
    db.session.flush()
    escalation.notify_physicians(alert)
    audit.record("create", actor=actor, patient_id=patient_id, object_type="red_flag_alert", object_id=alert.id)
    timeline.record_change(actor, patient_id, Part.ALERTS, "red_flag_alert", alert.id,
                           summary="Safety alert raised: " + summary)
    return alert


def raise_alert(patient: Patient, checkin: WeeklyCheckin, flags: Iterable[str]) -> RedFlagAlert:
    """One alert for the newly ticked flags of a check-in, for every physician on the team.

    Called inside the check-in's use case, which has authorized the patient; the caller commits.
    """
    codes = [flag.value for flag in ordered_flags(flags)]
    alert = RedFlagAlert(patient_id=patient.id, checkin_id=checkin.id, flags=codes)
    db.session.add(alert)
    db.session.flush()
    raised_by = checkin.submitted_by
    escalation.notify_physicians(alert)
    # No flag codes in the trail: the admin reads it and must see no clinical content.
    audit.record("create", actor=raised_by, patient_id=patient.id, object_type="red_flag_alert",
                 object_id=alert.id)
    timeline.record_change(raised_by, patient.id, Part.ALERTS, "red_flag_alert", alert.id,
                           summary="Red-flag alert raised: " + "; ".join(flag_labels(codes)))
    return alert


def list_alerts(actor: User, patient_id: int, status: str = ALL) -> tuple[Patient, list[RedFlagAlert]]:
    """Open alerts first (newest first), then acknowledged ones (latest acknowledged first)."""
    patient = authorize(actor, patient_id, Part.ALERTS, Action.READ, object_type="red_flag_alert")
    audit.record("read", actor=actor, patient_id=patient.id, object_type="red_flag_alert")
    db.session.commit()  # before loading: a commit would expire what is shown
    stmt = (
        select(RedFlagAlert)
        .where(RedFlagAlert.patient_id == patient.id)
        .options(selectinload(RedFlagAlert.acknowledged_by), selectinload(RedFlagAlert.checkin),
                 selectinload(RedFlagAlert.escalations))
        .order_by(RedFlagAlert.acknowledged_at.is_not(None), RedFlagAlert.acknowledged_at.desc(),
                  RedFlagAlert.raised_at.desc(), RedFlagAlert.id.desc())
    )
    if status == OPEN:
        stmt = stmt.where(RedFlagAlert.acknowledged_at.is_(None))
    return patient, list(db.session.scalars(stmt))


def open_alerts(actor: User, patient_id: int) -> list[RedFlagAlert]:
    """The patient's open alerts, newest first (audited read), e.g. for the dashboard."""
    return list_alerts(actor, patient_id, OPEN)[1]


def acknowledge(actor: User, patient_id: int, alert_id: int, note: str = "") -> RedFlagAlert:
    """A clinician who may acknowledge this kind of alert does so with a short note of what was
    done; who, when and the note are kept. A second acknowledgement (or a colleague's at the same
    moment) changes nothing."""
    # The kind decides who may acknowledge; looked up within this patient only, so that the answer
    # (403 or 404) says nothing about another patient's alert.
    kind = db.session.scalar(select(RedFlagAlert.kind).where(RedFlagAlert.id == alert_id,
                                                             RedFlagAlert.patient_id == patient_id))
    patient = authorize(actor, patient_id, ALERT_PARTS.get(kind, Part.ALERTS), Action.WRITE,
                        object_type="red_flag_alert", object_id=alert_id)
    alert = db.session.get(RedFlagAlert, alert_id)
    if alert is None or alert.patient_id != patient.id:
        raise NotFound()
    note = (note or "").strip()
    if alert.acknowledged_at is None and not note:
        raise InvalidInput({"note": ["Say briefly what was done, e.g. \"Called the patient, advised emergency department\"."]})
    if len(note) > NOTE_MAX:
        raise InvalidInput({"note": [f"At most {NOTE_MAX} characters."]})
    changed = db.session.execute(
        update(RedFlagAlert)
        .where(RedFlagAlert.id == alert.id, RedFlagAlert.acknowledged_at.is_(None))
        .values(acknowledged_at=clock.now(), acknowledged_by_id=actor.id, acknowledgement_note=note)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        audit.record("acknowledge", actor=actor, patient_id=patient.id, object_type="red_flag_alert",
                     object_id=alert.id)
        timeline.record_change(actor, patient.id, Part.ALERTS, "red_flag_alert", alert.id,
                               summary="Red-flag alert acknowledged: " + "; ".join(flag_labels(alert.flags))
                               if alert.kind == RED_FLAG else "Safety alert acknowledged",
                               changes={"acknowledged": (False, True)})  # the note's text stays out
    db.session.commit()
    db.session.refresh(alert)
    return alert


def open_alert_counts(patient_ids: Iterable[int]) -> dict[int, int]:
    """Open alerts per patient, in one query, for lists the caller has already filtered by access.
    Every id asked for is in the answer (0 when none is open)."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(RedFlagAlert.patient_id, func.count())
        .where(RedFlagAlert.patient_id.in_(ids), RedFlagAlert.acknowledged_at.is_(None))
        .group_by(RedFlagAlert.patient_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({patient_id: count for patient_id, count in rows})
    return counts
