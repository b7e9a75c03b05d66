"""Two physiotherapists change the same dose at the same moment: exactly one wins (PostgreSQL).

Each client runs in its own thread against its own app (own engine, own connections). Both read
the version, wait for each other, then post a change based on it. A barrier inside the flush
holds each request until both are past the service's version check, so the race is decided by
the database itself (UPDATE … WHERE version = 1 finds no row for the loser), not by timing.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete, func, select, update

from careteam import create_app
from careteam.domain.policy import Role
from careteam.extensions import db
from careteam.models import ApiToken, CareTeamMember, ExerciseDose, ExercisePrescription, RecordEvent, User
from tests import factories
from tests.conftest import make_config
from tests.support.exercises import add_prescription
from tests.support.race import two_clients_at_once

DOSE = {"sets": 3, "reps": 12, "sessions_per_week": 4, "reason": "Progressing"}


@pytest.fixture
def race_setup(database_url):
    """Two physiotherapists on one patient's team and one prescription, committed for real."""
    app = create_app(make_config(database_url))
    with app.app_context():
        physios = [factories.user(Role.PHYSIOTHERAPIST, name=f"Race Physio {n}") for n in (1, 2)]
        patient = factories.patient(tuple(physios), name="Race Patient")
        db.session.commit()
        prescription_id = add_prescription(patient.id, physios[0])
        tokens = [factories.api_token_for(p) for p in physios]
        ids = {"patient": patient.id, "users": [p.id for p in physios] + [patient.user_id]}
    yield app, ids["patient"], prescription_id, tokens
    with app.app_context():  # audit rows stay (append-only); everything else goes or is switched off
        db.session.execute(delete(RecordEvent).where(RecordEvent.patient_id == ids["patient"]))
        db.session.execute(delete(ExerciseDose).where(ExerciseDose.prescription_id == prescription_id))
        db.session.execute(delete(ExercisePrescription).where(ExercisePrescription.id == prescription_id))
        db.session.execute(delete(CareTeamMember).where(CareTeamMember.patient_id == ids["patient"]))
        db.session.execute(delete(ApiToken).where(ApiToken.user_id.in_(ids["users"])))
        db.session.execute(update(User).where(User.id.in_(ids["users"])).values(active=False))
        db.session.commit()
        db.engine.dispose()


@pytest.mark.postgres_only
@pytest.mark.no_rollback
def test_two_concurrent_dose_changes_end_with_exactly_one_winner(database_url, race_setup):
    setup_app, patient_id, prescription_id, tokens = race_setup
    url = f"/api/v1/patients/{patient_id}/exercises/{prescription_id}"
    both_read = threading.Barrier(2, timeout=20)

    def change_the_dose(client, n: int):
        version = client.get(url).get_json()["version"]
        both_read.wait()
        return client.post(f"{url}/doses", json={"based_on_version": version, **DOSE, "reps": 12 + n})

    results = two_clients_at_once(database_url, tokens, ExerciseDose, change_the_dose)
    statuses = sorted(status for status, _ in results.values())
    assert statuses == [201, 409], results
    winner = next(body for status, body in results.values() if status == 201)
    loser = next(body for status, body in results.values() if status == 409)
    assert loser["current"]["version"] == 2
    assert loser["current"]["current_dose"]["id"] == winner["id"]  # the loser is shown the winner's dose
    with setup_app.app_context():
        numbers = db.session.scalars(select(ExerciseDose.number).where(ExerciseDose.prescription_id == prescription_id)
                                     .order_by(ExerciseDose.number)).all()
        assert numbers == [1, 2]
        assert db.session.get(ExercisePrescription, prescription_id).version == 2
        assert db.session.scalar(select(func.count()).select_from(RecordEvent)
                                 .where(RecordEvent.patient_id == patient_id)) == 1
