"""The what-helped ledger: rows, order, pain with/without, constant query count, page and API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from careteam.domain.vocabulary import Verdict
from careteam.extensions import db
from careteam.models import AuditEvent, WeeklyCheckin
from careteam.services import clock, ledger
from tests.support import ledger as build

TODAY = date.today()


def _record(app, clinic, plan: dict[str, list[int | None]], weeks: int = 8, pain=lambda n: 5,
            new_weeks: bool = True, **kwargs):
    """Interventions named by `plan`, each rated week by week, over `weeks` check-ins (new ones, or
    the patient's existing ones). -> {name: id}"""
    with app.app_context():
        if new_weeks:
            checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, weeks, pain)
        else:
            checkins = db.session.scalars(select(WeeklyCheckin).order_by(WeeklyCheckin.week_start)).all()
        ids = {}
        for name, ratings in plan.items():
            item = build.intervention(clinic.record_a.id, clinic.physio.id, name,
                                      started_on=checkins[0].week_start, **kwargs)
            build.rate(checkins, item.id, ratings)
            ids[name] = item.id
        db.session.commit()
        return ids


def _ledger(app, clinic):
    with app.app_context():
        return ledger.build_ledger(clinic.record_a.id, clock.today())


def test_rows_carry_verdict_mean_last_trend_and_ratings(app, clinic):
    _record(app, clinic, {"Heat pack": [0, 0, 0, 1, 2, 2, 2, 1]})
    [row] = _ledger(app, clinic)
    assert (row.name, row.verdict, row.weeks_rated, row.last_rating) == ("Heat pack", Verdict.HELPS, 8, 1)
    assert row.mean_rating == 1.0 and row.trend == "improving" and row.active
    assert [r.rating for r in row.ratings] == [0, 0, 0, 1, 2, 2, 2, 1]
    assert row.ratings[-1].week_start == build.monday(TODAY)


def test_order_puts_harm_first_then_helps_best_first(app, clinic):
    _record(app, clinic, {
        "Too new": [None] * 6 + [2, 2],
        "Nothing": [0] * 8,
        "Mixed bag": [2, -1, 2, -1, 0, 0, 0, 0],
        "Good": [1, 1, 1, 1, 1, 1, 1, 1],
        "Best": [2, 2, 2, 2, 2, 2, 2, 2],
        "Bad lately": [2, 2, 2, 2, 2, 2, -1, -2],
        "Awful": [-2] * 8,
    })
    rows = _ledger(app, clinic)
    assert [r.name for r in rows] == ["Awful", "Bad lately", "Best", "Good", "Mixed bag", "Nothing", "Too new"]
    harmful, others = ledger.split_harmful(rows)
    assert [r.name for r in harmful] == ["Awful", "Bad lately"]
    assert others[0].verdict == Verdict.HELPS


def test_pain_with_and_without_needs_three_weeks_of_each(app, clinic):
    # used (rated, days > 0 or unknown) in weeks 0-3; rated with 0 days in week 4; not rated while active in 5-7
    pain = [3, 3, 4, 4, 6, 7, 6, 7]
    with app.app_context():
        checkins = build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, TODAY, 8, lambda n: pain[n])
        item = build.intervention(clinic.record_a.id, clinic.physio.id, started_on=checkins[0].week_start)
        build.rate(checkins, item.id, [1, 1, 2, 1, 0], days_used=[5, None, 3, 7, 0])
        late = build.intervention(clinic.record_a.id, clinic.physio.id, "Started late",
                                  started_on=checkins[5].week_start)
        build.rate(checkins[5:], late.id, [1, 1, 1])
        db.session.commit()
    rows = {r.name: r for r in _ledger(app, clinic)}
    comparison = rows["Heat pack"].with_without
    assert (comparison.weeks_used, comparison.weeks_not_used) == (4, 4)
    assert (comparison.pain_used, comparison.pain_not_used) == (3.5, 6.5)
    assert rows["Started late"].with_without is None  # weeks before it started say nothing


def test_stopped_interventions_stay_in_the_ledger(app, clinic):
    _record(app, clinic, {"Pregabalin": [-1, -2, -1]}, stopped_on=TODAY - timedelta(days=1))
    [row] = _ledger(app, clinic)
    assert row.verdict == Verdict.MAKES_WORSE and not row.active and row.stopped_on


def test_a_stopped_intervention_that_made_things_worse_needs_no_review(app, clinic, login_as):
    ids = _record(app, clinic, {"Pregabalin": [-1, -2, -1]}, stopped_on=TODAY - timedelta(days=2))
    [row] = _ledger(app, clinic)
    assert row.verdict == Verdict.MAKES_WORSE and row.stopped and not row.needs_review
    assert ledger.split_harmful([row]) == ([], [row])
    client = login_as(clinic.physician)
    for url in (f"/patients/{clinic.record_a.id}", f"/patients/{clinic.record_a.id}/interventions",
                f"/patients/{clinic.record_a.id}/interventions/{ids['Pregabalin']}"):
        html = client.get(url).get_data(as_text=True)
        assert "Pregabalin" in html, url
        assert "review before" not in html and 'class="ledger-warning"' not in html, url
    detail = client.get(f"/patients/{clinic.record_a.id}/interventions/{ids['Pregabalin']}").get_data(as_text=True)
    assert "made things worse; it was stopped on" in detail


def test_one_still_in_use_that_makes_things_worse_needs_a_review(app, clinic, login_as):
    _record(app, clinic, {"Pregabalin": [-1, -2, -1]}, stopped_on=TODAY + timedelta(days=7))
    [row] = _ledger(app, clinic)
    assert row.needs_review
    html = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert "It needs a review before going on." in html


def test_ledger_of_a_patient_without_interventions_is_empty(app, clinic):
    assert _ledger(app, clinic) == []


def _bulk(app, clinic, interventions: int, weeks: int = 26, first: int = 0):
    _record(app, clinic, {f"Intervention {n:02}": [(n + w) % 5 - 2 for w in range(weeks)]
                          for n in range(first, first + interventions)},
            weeks=weeks, pain=lambda n: n % 10, new_weeks=first == 0)


@pytest.mark.parametrize("interventions", [2, 20])
def test_build_ledger_query_count_does_not_grow(app, clinic, count_queries, interventions):
    _bulk(app, clinic, interventions)
    with app.app_context(), count_queries() as statements:
        rows = ledger.build_ledger(clinic.record_a.id, TODAY)
    assert len(rows) == interventions and all(r.weeks_rated == 26 for r in rows)
    assert len(statements) == 2


def test_ledger_page_and_api_query_counts_are_the_same_for_2_and_20(app, clinic, count_queries, login_as):
    client = login_as(clinic.physio)
    counts = []
    for first, interventions in ((0, 2), (2, 18)):  # 2, then 20 in all
        _bulk(app, clinic, interventions, first=first)
        for url in (f"/patients/{clinic.record_a.id}/interventions", f"/api/v1/patients/{clinic.record_a.id}/ledger"):
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
    assert counts[:2] == counts[2:]


def test_get_ledger_is_audited(app, clinic, ctx):
    with app.app_context():
        from careteam.models import User

        physio = db.session.get(User, clinic.physio.id)
        patient, rows = ledger.get_ledger(physio, clinic.record_a.id)
        assert patient.id == clinic.record_a.id and rows == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "ledger"))
        assert (event.action, event.user_id, event.patient_id) == ("read", clinic.physio.id, clinic.record_a.id)


def test_page_shows_harm_first_with_warning_and_observation_label(app, clinic, login_as):
    _record(app, clinic, {"Heat pack": [2, 2, 2, 2, 2, 2, 2, 1], "Pregabalin": [-1, -1, -2, -1, 0, -1, -2, -2]},
            pain=lambda n: 3 if n % 2 else 7)
    html = login_as(clinic.psych).get(f"/patients/{clinic.record_a.id}/interventions").get_data(as_text=True)
    assert "1 intervention seems to make things worse" in html
    assert html.index("Pregabalin") < html.index("Heat pack")
    assert 'class="ledger-warning" role="alert"' in html
    assert "Helps" in html and "Makes it worse" in html
    assert "style=" not in html


def test_page_labels_the_pain_comparison_as_an_observation(app, clinic, login_as):
    _record(app, clinic, {"Walking": [2, None, 2, None, 1, None, 2, None]}, pain=lambda n: 3 if n % 2 == 0 else 6)
    html = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/interventions").get_data(as_text=True)
    assert "an observation, not proof" in html
    assert "Average pain 3.0/10 in weeks it was used (4)" in html


@pytest.mark.parametrize("who", ["physician", "physio", "psych", "patient_a"])
def test_api_ledger_for_the_team_and_the_patient(app, clinic, api, who):
    _record(app, clinic, {"Breathing": [1, 1, 1, 1]}, weeks=4)
    body = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/ledger").get_json()
    assert [(r["name"], r["verdict"], r["weeks_rated"], r["mean_rating"]) for r in body] == [
        ("Breathing", "helps", 4, 1.0)]
    assert body[0]["with_without"] is None and len(body[0]["ratings"]) == 4
    assert set(body[0]["ratings"][0]) == {"week_start", "rating", "days_used"}


@pytest.mark.parametrize("who", ["outside_physician", "outside_psych", "patient_b", "physician_b", "admin"])
def test_api_ledger_is_404_for_everyone_else(api, clinic, who):
    assert getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/ledger").status_code == 404


def test_openapi_documents_the_verdict_values(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    verdict = doc["components"]["schemas"]["LedgerRowOut"]["properties"]["verdict"]
    assert set(verdict["enum"]) == {v.value for v in Verdict}
    assert "makes_worse" in verdict["description"]


@pytest.mark.parametrize("value,text", [(None, "—"), (0, "0"), (0.04, "0"), (2, "+2"), (1.5, "+1.5"),
                                        (-0.5, "−0.5"), (-1.0, "−1"), (1.25, "+1.2")])
def test_ratings_are_shown_with_their_sign(value, text):
    from careteam.web.interventions import signed_rating

    assert signed_rating(value) == text
