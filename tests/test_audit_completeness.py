"""Every refusal leaves a denial (a swapped nested id included), every list view and export
one event, a request ending in 500 an error event, a failed sign-in the identifier tried."""

from __future__ import annotations

import uuid

import pytest
from flask import Blueprint
from sqlalchemy import select

from careteam import create_app
from careteam.extensions import db
from careteam.models import AuditEvent
from tests.conftest import make_config
from tests.support import ledger as build
from tests.test_access_walk import routes, url_for_rule
from tests.test_summary_pdf import download


def events(app, **where) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent).filter_by(**where).order_by(AuditEvent.id)))


def test_every_refused_nested_route_leaves_a_denial(app, clinic, api, login_as):
    """Team members, on their own patient's record, with an object id that is not there."""
    checked = 0
    for who in ("physician", "physio", "psych", "patient_a"):
        client = login_as(getattr(clinic, who))
        for rule, method in routes(app):
            nested = [a for a in rule.arguments if a.endswith("_id") and a != "patient_id"]
            if "patient_id" not in rule.arguments or not nested:
                continue
            request_id = uuid.uuid4().hex
            url = url_for_rule(rule, clinic.record_a.id)
            is_api = rule.rule.startswith("/api/")
            headers = {"X-Request-ID": request_id, "Accept": "application/json"}
            if is_api:
                response = getattr(api.as_(who), method.lower())(
                    url, headers=headers, **({"json": {}} if method in {"POST", "PUT", "PATCH"} else {}))
            else:
                response = client.open(url, method=method, headers=headers)
            if response.status_code in (403, 404):
                checked += 1
                denied = events(app, request_id=request_id, outcome="denied")
                assert denied, (who, method, rule.rule, response.status_code)
    assert checked > 40


def test_a_goal_of_another_patient_is_404_and_a_denial_that_names_it(app, clinic, api):
    with app.app_context():
        b_goal = build.goal(clinic.record_b.id, clinic.physio.id).id
        db.session.commit()
    url = f"/api/v1/patients/{clinic.record_a.id}/goals/{b_goal}"
    assert api.physio.get(url, headers={"X-Request-ID": "swapped-goal-1"}).status_code == 404
    assert api.physio.patch(url, json={"version": 1, "target_score": 9},
                            headers={"X-Request-ID": "swapped-goal-2"}).status_code == 404
    for request_id, action in (("swapped-goal-1", "read"), ("swapped-goal-2", "write")):
        (denied,) = events(app, request_id=request_id)
        assert (denied.outcome, denied.action, denied.patient_id, denied.object_type, denied.object_id) == (
            "denied", action, clinic.record_a.id, "goal", str(b_goal))


def test_list_views_write_one_event_each_with_filter_and_count(app, clinic, login_as, api):
    client = login_as(clinic.physician)
    assert client.get("/patients?sort=alerts").status_code == 200
    assert client.get("/appointments/upcoming").status_code == 200
    assert api.physician.get("/api/v1/patients").status_code == 200
    assert api.physician.get("/api/v1/appointments/upcoming").status_code == 200
    lists = [(e.object_type, e.user_id, e.detail) for e in events(app, action="list")]
    assert lists[0] == ("my_patients", clinic.physician.id, "count=1 sort=alerts")
    assert lists[1][0] == "upcoming_appointments" and lists[1][2].startswith("count=0 start=")
    assert lists[2] == ("patients", clinic.physician.id, "count=1")
    assert lists[3][0] == "upcoming_appointments" and len(lists) == 4


def test_an_export_names_the_patient_and_the_period(app, clinic, login_as):
    assert download(login_as(clinic.physician), clinic.record_a.id, "?start=2026-01-05&end=2026-03-01").status_code == 200
    (export,) = events(app, action="export")
    assert (export.patient_id, export.object_type, export.object_id) == (clinic.record_a.id, "summary_pdf",
                                                                           str(clinic.record_a.id))
    assert export.detail == "period=2026-01-05..2026-03-01"


@pytest.mark.parametrize("typed, kept", [
    ("Nobody@Example.org", "unknown account: nobody@example.org"),
    ("correct horse battery", "unknown account: (not an e-mail address)"),
])
def test_a_failed_sign_in_keeps_the_identifier_tried_never_a_password(app, client, typed, kept):
    client.post("/login", data={"email": typed, "password": "hunter2-secret-pw"})
    (failed,) = events(app, action="sign_in")
    assert failed.outcome == "failure" and failed.detail == kept
    assert "hunter2" not in str([getattr(failed, c.key) for c in AuditEvent.__table__.columns])


def test_a_wrong_password_keeps_the_account_and_the_identifier(app, clinic, client):
    client.post("/login", data={"email": clinic.physio.email, "password": "not the password at all"})
    (failed,) = events(app, action="sign_in")
    assert failed.user_id == clinic.physio.id and failed.detail == f"bad password: {clinic.physio.email}"


@pytest.fixture
def failing_app(app, database_url):
    """A second app with a route that fails, on the test's own (rolled-back) connection."""
    with app.app_context():
        connection = db.engines[None]
    failing = create_app(make_config(database_url, PROPAGATE_EXCEPTIONS=False))
    with failing.app_context():
        engine = db.engines[None]
        db.engines[None] = connection
    bp = Blueprint("fail", __name__)

    @bp.route("/patients/<int:patient_id>/_fail/<int:thing_id>", methods=["GET", "POST"])
    def fail(patient_id: int, thing_id: int):
        from careteam.models import User

        db.session.add(User(email="half-written@example.org", name="Half", role="patient"))
        db.session.flush()
        raise RuntimeError("boom")

    failing.register_blueprint(bp)
    yield failing
    with failing.app_context():
        db.engines[None] = engine
        engine.dispose()


def test_a_request_ending_in_500_leaves_an_error_event_and_nothing_else(failing_app, clinic):
    from careteam.models import User

    client = failing_app.test_client()
    response = client.post(f"/patients/{clinic.record_a.id}/_fail/7", headers={"X-Request-ID": "boom-request-0001"})
    assert response.status_code == 500
    (error,) = events(failing_app, request_id="boom-request-0001")
    assert (error.outcome, error.action, error.object_type, error.object_id, error.detail) == (
        "error", "write", "thing", "7", "RuntimeError")
    with failing_app.app_context():
        assert db.session.scalar(select(User).where(User.email == "half-written@example.org")) is None


def test_the_error_event_failing_does_not_fail_the_error_page(failing_app, clinic, monkeypatch):
    def broken_commit(*_args, **_kwargs):
        raise RuntimeError("audit storage is down")

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = failing_app.test_client().get(f"/patients/{clinic.record_a.id}/_fail/7")
    assert response.status_code == 500 and b"Something went wrong" in response.data
