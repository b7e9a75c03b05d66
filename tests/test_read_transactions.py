"""A successful read ends its last transaction with COMMIT (careteam/database.py): psycopg forgets
its prepared statements on every ROLLBACK, which left PostgreSQL planning each statement of every
read afresh. Anything else still ends as before."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session


@pytest.fixture
def endings():
    seen: list[str] = []

    def committed(_session):
        seen.append("commit")

    def rolled_back(_session):
        seen.append("rollback")

    event.listen(Session, "after_commit", committed)
    event.listen(Session, "after_rollback", rolled_back)
    yield seen
    event.remove(Session, "after_commit", committed)
    event.remove(Session, "after_rollback", rolled_back)


@pytest.mark.parametrize("path", ["/api/v1/patients/{id}/dashboard", "/api/v1/patients/{id}/checkins"])
def test_a_successful_read_ends_with_commit_and_never_rolls_back(api, clinic, endings, path):
    response = api.physio.get(path.format(id=clinic.record_a.id))
    assert response.status_code == 200
    assert endings and endings[-1] == "commit" and "rollback" not in endings, endings
    assert endings.count("commit") >= 2  # the audit event's, then the read's own


def test_a_refused_read_still_ends_with_rollback(api, clinic, endings):
    assert api.outside_physician.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").status_code == 404
    assert "rollback" in endings  # its work is thrown away; the denial is written on its own


def test_a_read_with_a_change_left_in_its_session_keeps_nothing(app, api, clinic, endings, monkeypatch):
    """A page that changed an object without committing it (a bug) must not save it by this path."""
    from careteam.extensions import db
    from careteam.models import User
    from careteam.services import patients

    real_overview = patients.overview

    def overview_that_touches_the_user(actor, patient_id):
        answer = real_overview(actor, patient_id)  # audited and committed
        actor.name = "Changed by a read"  # after the last commit: only the end of the request decides
        return answer

    monkeypatch.setattr(patients, "overview", overview_that_touches_the_user)
    assert api.physio.get(f"/api/v1/patients/{clinic.record_a.id}").status_code == 200
    with app.app_context():
        assert db.session.get(User, clinic.physio.id).name != "Changed by a read"
