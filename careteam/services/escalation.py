"""A red-flag alert's way to people: at once to the team's physicians; unacknowledged after
CARETEAM_ALERT_ESCALATE_MINUTES to the rest of the care team; after twice that to the clinic's
escalation address. Each step is a row (unique per alert and step), written with its
notifications in one transaction, so that two workers escalate an alert once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from careteam.domain import notifications as kinds
from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import AlertEscalation, CareTeamMember, RedFlagAlert, User
from careteam.services import outbox

log = logging.getLogger(__name__)

PHYSICIANS, REST_OF_TEAM, CLINIC = 1, 2, 3
STEP_LABELS = {
    PHYSICIANS: "Physicians on the care team notified",
    REST_OF_TEAM: "Not acknowledged in time: the rest of the care team notified",
    CLINIC: "Still not acknowledged: the clinic's escalation address notified",
}


def alert_link(alert: RedFlagAlert) -> str:
    return f"/patients/{alert.patient_id}/alerts#alert-{alert.id}"


# Who hears of an alert first, by its kind; the rest of the team hears when it escalates.
# A questionnaire safety flag (PHQ-9 item 9) goes to the physician and the psychologist.
FIRST_RESPONDERS = {
    "red_flag": (Role.PHYSICIAN.value,),
    "questionnaire_safety": (Role.PHYSICIAN.value, Role.PSYCHOLOGIST.value),
}


def _team(alert: RedFlagAlert, first_responders: bool) -> list[int]:
    disciplines = FIRST_RESPONDERS.get(alert.kind or "red_flag", FIRST_RESPONDERS["red_flag"])
    first = CareTeamMember.discipline.in_(disciplines)
    return list(db.session.scalars(
        select(CareTeamMember.clinician_id)
        .join(User, User.id == CareTeamMember.clinician_id)
        .where(CareTeamMember.patient_id == alert.patient_id, User.active.is_(True),
               first if first_responders else ~first)
        .order_by(CareTeamMember.clinician_id)
    ))


def notify_physicians(alert: RedFlagAlert) -> None:
    """Step 1, inside the raising use case's own transaction (the caller commits): the
    physicians, and for a questionnaire safety flag the psychologists too."""
    recipients = _team(alert, first_responders=True)
    for clinician_id in recipients:
        outbox.notify(clinician_id, kinds.RED_FLAG, alert_link(alert), dedupe_key=f"red_flag:{alert.id}:{clinician_id}")
    db.session.add(AlertEscalation(alert_id=alert.id, step=PHYSICIANS, at=alert.raised_at, recipients=len(recipients)))


def escalate_due(now: datetime) -> int:
    """Take every open alert whose next step is due one step further; returns steps taken."""
    minutes = current_app.config["CARETEAM_ALERT_ESCALATE_MINUTES"]
    taken = 0
    for step in (REST_OF_TEAM, CLINIC):
        due_before = now - timedelta(minutes=minutes * (step - 1))
        done = select(AlertEscalation.alert_id).where(AlertEscalation.step == step)
        alerts = list(db.session.scalars(
            select(RedFlagAlert).where(RedFlagAlert.acknowledged_at.is_(None), RedFlagAlert.raised_at <= due_before,
                                       RedFlagAlert.id.not_in(done)).order_by(RedFlagAlert.id)))
        db.session.commit()
        for alert in alerts:
            taken += _take_step(alert, step, now)
    return taken


def _take_step(alert: RedFlagAlert, step: int, now: datetime) -> int:
    try:
        db.session.add(AlertEscalation(alert_id=alert.id, step=step, at=now, recipients=0))
        db.session.flush()  # the unique step: a second worker stops here
    except IntegrityError:
        db.session.rollback()
        return 0
    row = db.session.scalar(select(AlertEscalation).where(AlertEscalation.alert_id == alert.id,
                                                          AlertEscalation.step == step))
    link = alert_link(alert)
    if step == REST_OF_TEAM:
        recipients = _team(alert, first_responders=False)
        for clinician_id in recipients:
            outbox.notify(clinician_id, kinds.ESCALATION, link, dedupe_key=f"escalation:{alert.id}:{clinician_id}")
        row.recipients = len(recipients)
    else:
        address = current_app.config["CARETEAM_ESCALATION_EMAIL"]
        if address:
            outbox.notify_address(address, kinds.ESCALATION, link, dedupe_key=f"escalation:{alert.id}:clinic")
        row.recipients = 1 if address else 0
    db.session.commit()
    log.info("alert %s escalated to step %s", alert.id, step)
    return 1
