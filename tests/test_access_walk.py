"""Walks every rule of the URL map, for anonymous visitors and every role.

New routes are covered without touching this file: a route is either public (listed here),
or it requires sign-in; a route with a patient id refuses everyone not on that record with
404 and a denial in the audit trail; admins are refused clinical routes; nothing answers 500.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent
from tests.support.pages import without_request_id

PUBLIC_ENDPOINTS = {"auth.login", "auth.set_password", "home.healthz", "home.readyz", "home.favicon", "static",
                    "api-docs.openapi_json",
                    "notifications.unsubscribe"}
# Routes with an id that is not a patient's: each is checked against its owner by its service.
NON_PATIENT_IDS = {"user_id", "token_id", "notification_id", "bundle_id"}
# Patient-scoped routes an admin may use: care-team management and the access log.
ADMIN_PATIENT_ENDPOINTS = {
    "patients.team",
    "patients.add_team_member",
    "patients.remove_team_member",
    "patients.access_log",
    "api_patients.Team",
    "api_patients.TeamMember",
}
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych")


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def url_for_rule(rule, patient_id: int) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name].__class__.__name__
        if name == "patient_id":
            values[name] = patient_id
        elif converter in {"IdConverter"}:
            values[name] = 999_999
        else:
            values[name] = "x"
    return rule.build(values)[1]


def call(client, method: str, url: str, json: bool):
    headers = {"Accept": "application/json"} if json else {}
    kwargs = {"json": {}} if json and method in {"POST", "PUT", "PATCH"} else {}
    return client.open(url, method=method, headers=headers, **kwargs)


def test_every_route_is_public_or_needs_sign_in(app, clinic, client):
    checked = 0
    for rule, method in routes(app):
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        is_api = rule.rule.startswith("/api/")
        response = call(client, method, url_for_rule(rule, clinic.record_a.id), is_api)
        if is_api:
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            assert "errors" in response.get_json()
        else:
            assert response.status_code == 302, (method, rule.rule, response.status_code)
            assert "/login" in response.headers["Location"], (method, rule.rule)
        checked += 1
    assert checked > 20


def test_public_routes_answer_anonymous_visitors(app, clinic, client):
    for rule, method in routes(app):
        if rule.endpoint not in PUBLIC_ENDPOINTS or rule.endpoint == "static":
            continue
        response = call(client, method, url_for_rule(rule, clinic.record_a.id), False)
        assert response.status_code < 500 and response.status_code != 401, (method, rule.rule)
        assert "/login?" not in response.headers.get("Location", ""), (method, rule.rule)


def test_every_id_in_a_url_is_a_patient_id_or_an_owned_object(app):
    for rule, _method in routes(app):
        ids = {arg for arg in rule.arguments if arg.endswith("_id")}
        if ids and "patient_id" not in ids:
            assert ids <= NON_PATIENT_IDS, f"{rule.rule}: objects of a record belong under /patients/<patient_id>/"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_patient_scoped_routes_deny_outsiders_with_404_and_audit(app, clinic, login_as, outsider):
    client = login_as(getattr(clinic, outsider))
    outsider_id = getattr(clinic, outsider).id
    checked = 0
    for rule, method in routes(app):
        if "patient_id" not in rule.arguments:
            continue
        is_api = rule.rule.startswith("/api/")
        response = call(client, method, url_for_rule(rule, clinic.record_a.id), is_api)
        assert response.status_code == 404, (outsider, method, rule.rule, response.status_code)
        if is_api:
            assert response.get_json()["errors"]
        with app.app_context():
            denied = db.session.scalar(
                select(AuditEvent).where(
                    AuditEvent.user_id == outsider_id,
                    AuditEvent.patient_id == clinic.record_a.id,
                    AuditEvent.outcome == "denied",
                ).order_by(AuditEvent.id.desc())
            )
        assert denied is not None, (outsider, method, rule.rule)
        checked += 1
    assert checked >= 6


def test_unknown_patient_ids_look_exactly_like_forbidden_ones(app, clinic, login_as):
    client = login_as(clinic.outside_physician)
    hidden = client.get(f"/patients/{clinic.record_a.id}")
    missing = client.get("/patients/987654")
    assert hidden.status_code == missing.status_code == 404
    assert without_request_id(hidden) == without_request_id(missing)


def test_admins_see_no_clinical_routes(app, clinic, login_as):
    client = login_as(clinic.admin)
    for rule, method in routes(app):
        if "patient_id" not in rule.arguments or rule.endpoint in ADMIN_PATIENT_ENDPOINTS:
            continue
        response = call(client, method, url_for_rule(rule, clinic.record_a.id), rule.rule.startswith("/api/"))
        assert response.status_code == 404, (method, rule.rule, response.status_code)


@pytest.mark.parametrize(
    "who", ["admin", "physician", "physio", "psych", "patient_a", "outside_physician"]
)
def test_no_route_answers_500_to_anyone(app, clinic, login_as, who):
    client = login_as(getattr(clinic, who))
    for rule, method in routes(app):
        if rule.endpoint == "static" or rule.endpoint == "auth.logout":
            continue
        for json in (False, True):
            response = call(client, method, url_for_rule(rule, clinic.record_a.id), json)
            assert response.status_code < 500, (who, method, rule.rule, response.status_code)


# Break-glass: a clinician outside the team with an active emergency grant. Ending the grant is
# the one change such a clinician may make.
BREAK_GLASS_OWN_ENDPOINTS = {"break_glass.end"}
READ_METHODS = {"GET"}


def _data_rows(app) -> dict[str, int]:
    """Row counts of every table but the audit trail and the grants themselves."""
    from sqlalchemy import func as sql_func

    with app.app_context():
        return {name: db.session.scalar(select(sql_func.count()).select_from(table))
                for name, table in db.metadata.tables.items()
                if name not in {"audit_events", "break_glass_grants"}}


@pytest.mark.parametrize("who", ["outside_physician", "outside_physio", "outside_psych"])
def test_break_glass_reads_never_writes_and_expires(app, clinic, login_as, monkeypatch, who):
    from datetime import timedelta

    from tests.support.break_glass import move_clock, open_emergency

    client = login_as(getattr(clinic, who))
    clinician_id = getattr(clinic, who).id
    a = clinic.record_a.id
    assert open_emergency(client, a).status_code == 302
    before = _data_rows(app)
    reads = writes = forbidden = 0
    for rule, method in routes(app):
        if "patient_id" not in rule.arguments or rule.endpoint in BREAK_GLASS_OWN_ENDPOINTS:
            continue
        is_api = rule.rule.startswith("/api/")
        response = call(client, method, url_for_rule(rule, a), is_api)
        assert response.status_code < 500, (who, method, rule.rule, response.status_code)
        if method in READ_METHODS:
            reads += response.status_code == 200
        else:
            # Refused as someone who knows the record (403), the object is missing (404) or the
            # empty form is refused before the service (422); the row counts below prove no change.
            assert response.status_code in {403, 404, 405, 422}, (who, method, rule.rule, response.status_code)
            writes += 1
            forbidden += response.status_code == 403
    assert reads >= 10 and writes >= 20 and forbidden >= 10, (reads, writes, forbidden)
    assert _data_rows(app) == before  # nothing was changed anywhere

    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(
            AuditEvent.user_id == clinician_id, AuditEvent.patient_id == a)))
    assert len(events) > reads and all(e.break_glass_grant_id is not None for e in events)

    move_clock(monkeypatch, timedelta(minutes=61))
    for rule, method in routes(app):
        if "patient_id" in rule.arguments and method in READ_METHODS:
            response = call(client, method, url_for_rule(rule, a), rule.rule.startswith("/api/"))
            assert response.status_code == 404, (who, "after expiry", rule.rule, response.status_code)
