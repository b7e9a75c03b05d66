"""Two identical check-in submissions at the same moment, on PostgreSQL: one row, no error.

Runs outside the per-test rollback, on a dedicated app with its own engine and a fresh patient
and physician. What it creates is deleted afterwards, except the accounts and the record: the
audit trail (append-only) keeps pointing at them.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from careteam import create_app
from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import (
    AlertEscalation,
    CareTeamMember,
    EffectRating,
    Intervention,
    Notification,
    RecordEvent,
    RedFlagAlert,
    WeeklyCheckin,
)
from careteam.services import checkins
from careteam.services.checkins import rows as checkin_rows
from tests import factories
from tests.conftest import make_config
from tests.support import checkins as build

pytestmark = [pytest.mark.postgres_only, pytest.mark.no_rollback]


@pytest.fixture
def race_app(app, database_url):
    """A second app on the same database (the session's `app` made the schema), with its own engine."""
    race = create_app(make_config(database_url))
    yield race
    with race.app_context():
        db.engine.dispose()


@pytest.fixture
def cast(race_app):
    with race_app.app_context():
        physician = factories.user(Role.PHYSICIAN)
        record = factories.patient((physician,))
        heat = build.intervention(record.id, physician.id, "Heat pack")
        ids = {"patient_id": record.id, "patient_user": record.user, "intervention_id": heat}
        db.session.refresh(record.user)
        db.session.expunge_all()
    yield ids
    with race_app.app_context():
        checkin_ids = select(WeeklyCheckin.id).where(WeeklyCheckin.patient_id == ids["patient_id"])
        alert_ids = select(RedFlagAlert.id).where(RedFlagAlert.patient_id == ids["patient_id"])
        for statement in (
            delete(AlertEscalation).where(AlertEscalation.alert_id.in_(alert_ids)),
            delete(Notification).where(Notification.patient_id == ids["patient_id"]),
            delete(RedFlagAlert).where(RedFlagAlert.patient_id == ids["patient_id"]),
            delete(EffectRating).where(EffectRating.checkin_id.in_(checkin_ids)),
            delete(WeeklyCheckin).where(WeeklyCheckin.patient_id == ids["patient_id"]),
            delete(Intervention).where(Intervention.patient_id == ids["patient_id"]),
            delete(RecordEvent).where(RecordEvent.patient_id == ids["patient_id"]),
            delete(CareTeamMember).where(CareTeamMember.patient_id == ids["patient_id"]),
        ):
            db.session.execute(statement)
        db.session.commit()


def test_two_identical_submissions_at_once_leave_one_checkin(race_app, cast, monkeypatch):
    week = checkins.current_week()
    url = f"/patients/{cast['patient_id']}/check-ins/{week.isoformat()}"
    # No question for the team: its audit events would outlive the test (the trail is append-only).
    data = build.form(red_flags=["saddle_numbness"],
                      **{f"rating_{cast['intervention_id']}": "1", f"days_used_{cast['intervention_id']}": "4"})
    clients = [race_app.test_client() for _ in range(2)]
    for client in clients:
        factories.sign_in_session(client, cast["patient_user"])

    # Both requests find no check-in for the week before either inserts: the unique constraint decides.
    both_looked = threading.Barrier(2, timeout=10)
    find = checkin_rows.find

    def find_then_wait(patient_id: int, week_start: date, *, lock: bool = False):
        found = find(patient_id, week_start, lock=lock)
        if lock and found is None:
            both_looked.wait()
        return found

    monkeypatch.setattr(checkin_rows, "find", find_then_wait)
    start = threading.Barrier(2, timeout=10)
    statuses: list[int] = []

    def submit(client):
        start.wait()
        statuses.append(client.post(url, data=data).status_code)

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [302, 302]
    with race_app.app_context():
        [checkin] = db.session.scalars(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == cast["patient_id"]))
        assert (checkin.week_start, checkin.red_flags) == (week, ["saddle_numbness"])
        assert [(r.intervention_id, r.rating, r.days_used) for r in checkin.effect_ratings] == [
            (cast["intervention_id"], 1, 4)]
        alerts = db.session.scalar(select(func.count()).select_from(RedFlagAlert)
                                   .where(RedFlagAlert.patient_id == cast["patient_id"]))
    assert alerts == 1
