"""The patient dashboard (page and JSON): what each reader sees, and a fixed number of queries."""

from __future__ import annotations

import difflib

import pytest

from careteam.extensions import db
from careteam.models import RedFlagAlert, User
from careteam.services import clock
from tests.support import ledger as build
from tests.support.notes import add_note


def small_record(app, clinic, record=None):
    record = record or clinic.record_a
    with app.app_context():
        weeks = build.checkin_weeks(record.id, record.user_id, clock.today(), 2)
        heat = build.intervention(record.id, clinic.physio.id, "Heat pack")
        build.rate(weeks, heat.id, [1, 2])
        build.goal(record.id, clinic.physician.id)
        db.session.commit()
        for visibility, body in (("team_and_patient", "For everyone: keep walking."),
                                 ("clinicians", "For clinicians: consider referral."),
                                 ("psychologists", "For psychologists: fear of bending.")):
            add_note(record.id, db.session.get(User, clinic.psych.id), visibility, body)


@pytest.mark.parametrize(
    "who,sees,hidden",
    [
        ("patient_a", ["For everyone"], ["For clinicians", "For psychologists"]),
        ("physician", ["For everyone", "For clinicians"], ["For psychologists"]),
        ("physio", ["For everyone", "For clinicians"], ["For psychologists"]),
        ("psych", ["For everyone", "For clinicians", "For psychologists"], []),
    ],
)
def test_each_reader_sees_the_notes_they_may(app, clinic, login_as, who, sees, hidden):
    small_record(app, clinic)
    page = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "Functional goals" in page or "Your goals" in page
    assert "What has and hasn" in page and "Last 12 weeks" in page and "Heat pack" in page
    for text in sees:
        assert text in page
    for text in hidden:
        assert text not in page


def test_function_comes_first(app, clinic, login_as):
    small_record(app, clinic)
    page = login_as(clinic.physio).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    order = [page.index(h) for h in ("Functional goals", "Last 12 weeks", "What has and hasn", "Open questions",
                                     "Recent notes", "Recent changes")]
    assert order == sorted(order)


def test_patient_sees_their_own_words_and_the_check_in_button(app, clinic, login_as):
    small_record(app, clinic)
    page = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "Your goals" in page and "Weekly check-in" in page


def test_open_alert_is_prominent_for_patient_and_team(app, clinic, login_as):
    with app.app_context():
        db.session.add(RedFlagAlert(patient_id=clinic.record_a.id, flags=["bladder_or_bowel_change"]))
        db.session.commit()
    for who in ("patient_a", "physician", "psych"):
        page = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
        assert "Open red-flag alert" in page and "A change in bladder or bowel control" in page
    assert "call emergency services now" in login_as(clinic.patient_a).get(
        f"/patients/{clinic.record_a.id}").get_data(as_text=True)


def test_dashboard_json_matches_what_the_reader_may_see(app, clinic, api):
    small_record(app, clinic)
    body = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    assert [n["body"] for n in body["recent_notes"]] == ["For clinicians: consider referral.",
                                                         "For everyone: keep walking."]
    assert len(body["weeks"]) == 12 and body["weeks"][-1]["pain_average"] == 5
    assert body["ledger"][0]["name"] == "Heat pack" and body["goals"][0]["baseline_score"] == 3
    patient_view = api.patient_a.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard").get_json()
    assert [n["body"] for n in patient_view["recent_notes"]] == ["For everyone: keep walking."]


def test_dashboard_reads_are_audited(app, clinic, api):
    from sqlalchemy import select

    from careteam.models import AuditEvent

    api.psych.get(f"/api/v1/patients/{clinic.record_a.id}/dashboard")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "read",
                                                           AuditEvent.user_id == clinic.psych.id))
    assert (event.object_type, event.user_id, event.patient_id) == ("dashboard", clinic.psych.id, clinic.record_a.id)


@pytest.mark.parametrize("url", ["/patients/{id}", "/api/v1/patients/{id}/dashboard"])
def test_query_count_does_not_grow_with_the_record(app, clinic, login_as, count_queries, url):
    """Patient B has a small record, patient A much more of everything; the physiotherapist sees both."""
    from tests.support.summary import grow, handover_record

    with app.app_context():
        handover_record(clinic, clinic.record_b)
        handover_record(clinic, clinic.record_a)
        grow(clinic, clinic.record_a)
    client = login_as(clinic.physio)
    headers = {"Accept": "application/json"}
    with count_queries() as small:
        assert client.get(url.format(id=clinic.record_b.id), headers=headers).status_code == 200
    with count_queries() as big:
        response = client.get(url.format(id=clinic.record_a.id), headers=headers)
    assert response.status_code == 200 and "Extra note 29" in response.get_data(as_text=True)
    assert len(big) == len(small), "\n".join(difflib.unified_diff(
        [q.split("\n")[0][:90] for q in small], [q.split("\n")[0][:90] for q in big], lineterm=""))
    # Sign-in, the relation, the audit chain's tip and insert, 24 for the read model (every part
    # of a rich record, all prebuilt), + the page's unread-notification count: 30 (was 33).
    assert len(small) <= 30, len(small)
