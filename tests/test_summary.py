"""The handover summary: period, sections in order, numbers, visibility, the page and the JSON API."""

from __future__ import annotations

import difflib
from datetime import timedelta

import pytest

from careteam.services import clock
from tests.support.summary import MARKERS, handover_record

SECTION_TITLES = ["1. Red flags and alerts", "2. Functional goals", "3. Trends", "4. What has and hasn't helped",
                  "5. Plans", "6. Flare-ups", "7. Questions for this appointment", "8. Notes in the period"]


@pytest.fixture
def record(app, clinic):
    with app.app_context():
        return handover_record(clinic)


def test_page_has_every_section_in_order_with_the_numbers(client, clinic, login_as, record):
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    positions = [page.index(title) for title in SECTION_TITLES]
    assert positions == sorted(positions)
    assert f"since the last appointment on {record['last_visit']:%-d %b %Y}" in page
    assert "Pain average 7 → <strong>4</strong>/10" in page
    assert "Walk the dog for 30 minutes" in page and "clinically meaningful" in page
    assert "1 open red-flag alert" in page and "Pain at night that rest does not relieve" in page
    assert "reps 10 → 12" in page and "Glute bridge" in page
    assert "Can I start swimming again?" in page and "Walk 5 minutes twice a day" in page


@pytest.mark.parametrize(
    "who,visible,hidden",
    [
        ("physician", ["team_and_patient", "clinicians"], ["psychologists"]),
        ("physio", ["team_and_patient", "clinicians"], ["psychologists"]),
        ("psych", ["team_and_patient", "clinicians", "psychologists"], []),
        ("patient_a", ["team_and_patient"], ["clinicians", "psychologists"]),
    ],
)
def test_notes_follow_the_reader(client, clinic, login_as, api, record, who, visible, hidden):
    page = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    body = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    for visibility in visible:
        assert MARKERS[visibility] in page and MARKERS[visibility] in body
    for visibility in hidden:
        assert MARKERS[visibility] not in page and MARKERS[visibility] not in body


def test_default_period_is_eight_weeks_without_appointments(clinic, api):
    period = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()["period"]
    assert period["basis"] == "the last 8 weeks" and period["weeks"] == 8


def test_period_can_be_chosen_and_is_capped(clinic, api, record):
    url = f"/api/v1/patients/{clinic.record_a.id}/summary"
    chosen = api.physio.get(f"{url}?from=2026-01-05&to=2026-03-01").get_json()["period"]
    assert (chosen["start"], chosen["end"], chosen["basis"]) == ("2026-01-05", "2026-03-01", "chosen")
    too_long = api.physio.get(f"{url}?from=2020-01-01&to=2026-01-01")
    assert too_long.status_code == 422 and "at most two years" in too_long.get_json()["errors"]["from"][0]
    backwards = api.physio.get(f"{url}?from=2026-03-01&to=2026-01-01")
    assert backwards.status_code == 422
    assert api.physio.get(f"{url}?from=yesterday").status_code == 422
    assert api.physio.get(f"{url}?color=blue").status_code == 422


def test_page_period_form_reports_errors(clinic, login_as, record):
    response = login_as(clinic.physio).get(f"/patients/{clinic.record_a.id}/summary?start=2020-01-01&end=2026-01-01")
    assert response.status_code == 422 and b"at most two years" in response.data


def test_json_carries_the_same_object(clinic, api, record):
    body = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()
    assert [w["pain_average"] for w in body["weeks"] if w["pain_average"] is not None] == [7, 7, 6, 6, 5, 5, 4]
    assert body["goals"][0]["latest_score"] == 6 and body["goals"][0]["clinically_meaningful"] is True
    assert [row["verdict"] for row in body["ledger"]] == ["helps", "does_not_help"]
    assert body["exercises"][0]["changes"][0]["diff"] == "reps 10 → 12"
    assert body["flare_plan"]["minimum_activity"] == "Walk 5 minutes twice a day"
    assert len(body["flare_days"]) == 1 and body["questions"][0]["text"] == "Can I start swimming again?"
    assert body["alerts"][0]["acknowledged_at"] is None


def test_summary_reads_are_audited(app, clinic, api, record):
    from sqlalchemy import select

    from careteam.extensions import db
    from careteam.models import AuditEvent

    api.psych.get(f"/api/v1/patients/{clinic.record_a.id}/summary")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.user_id == clinic.psych.id,
                                                           AuditEvent.object_type == "summary"))
    assert event.action == "read" and event.patient_id == clinic.record_a.id


def test_long_notes_are_shortened_with_a_pointer(app, clinic, api):
    from careteam.extensions import db
    from careteam.models import User
    from tests.support.notes import add_note

    with app.app_context():
        note_id = add_note(clinic.record_a.id, db.session.get(User, clinic.physio.id), "clinicians",
                           "word " * 2000 + "THE-END-OF-IT")
    body = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()
    (note,) = body["notes"]
    assert note["shortened"] is True and len(note["body"]) <= 1600 and "THE-END-OF-IT" not in note["body"]
    assert note["note_id"] == note_id


def test_query_count_does_not_grow_with_the_record(app, clinic, api, count_queries, record):
    from tests.support.summary import grow

    with app.app_context():
        handover_record(clinic, clinic.record_b)
        grow(clinic, clinic.record_a)
    url = f"/api/v1/patients/{{}}/summary?from={(clock.today() - timedelta(weeks=40)).isoformat()}"
    api.physio.get(url.format(clinic.record_b.id))
    with count_queries() as small:
        api.physio.get(url.format(clinic.record_b.id))
    with count_queries() as big:
        assert api.physio.get(url.format(clinic.record_a.id)).status_code == 200
    assert len(big) == len(small), "\n".join(difflib.unified_diff(
        [q.split("\n")[0][:90] for q in small], [q.split("\n")[0][:90] for q in big], lineterm=""))
    assert len(small) <= 27, len(small)  # sign-in, relation, period, audit (2), the read model: all prebuilt


@pytest.mark.parametrize("who", ["outside_physician", "patient_b", "admin"])
def test_outsiders_get_404(clinic, api, who):
    assert getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/summary").status_code == 404
