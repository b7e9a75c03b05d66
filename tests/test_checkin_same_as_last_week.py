"""The 3-minute check-in (issue 14): sessions counted from the log when read, never asked; "Same
as last week" for sleep/stress/mood, what was tried and goals (with and without JavaScript);
red flags never carried over; the saved week on a phone."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import CheckinExerciseCount, GoalScore, User, WeeklyCheckin
from tests.support import checkins as build
from tests.support.checkins import LAST_WEEK, THIS_WEEK, form, today  # noqa: F401
from tests.support.exercises import add_checkin_count

pytestmark = pytest.mark.usefixtures("today")


def page_url(patient_id: int, week: date, suffix: str = "") -> str:
    return f"/patients/{patient_id}/check-ins/{week.isoformat()}{suffix}"


@pytest.fixture
def rows(app, clinic):
    """Patient A's heat pack and walks (in use), a Bridge with two sessions logged last week, a goal."""
    a, author = clinic.record_a.id, clinic.physio.id
    with app.app_context():
        made = {
            "heat": build.intervention(a, author, "Heat pack", started_on=date(2026, 1, 1)),
            "walks": build.intervention(a, author, "Short walks", started_on=date(2026, 1, 1)),
            "bridge": build.prescription(a, author, "Bridge", sessions_per_week=3),
            "sit": build.goal(a, author, "Sit through a 2-hour meeting"),
        }
        build.sessions(made["bridge"], clinic.patient_a.id, [date(2026, 3, 3), date(2026, 3, 5)])
    return made


def last_week_sent(client, clinic, rows, **changes):
    """Last week's check-in: heat pack +2 on 5 days, walks not used, goal 6, sleep 6.5 h, a red flag."""
    data = form(sleep_hours="6.5", sleep_quality="5", stress="3", mood="7", red_flags=["saddle_numbness"],
                **{f"rating_{rows['heat']}": "2", f"days_used_{rows['heat']}": "5",
                   f"rating_{rows['walks']}": "none", f"goal_score_{rows['sit']}": "6"}, **changes)
    assert client.post(page_url(clinic.record_a.id, LAST_WEEK), data=data).status_code == 302


def this_week(app, clinic) -> WeeklyCheckin:
    with app.app_context():
        checkin = db.session.scalar(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == clinic.record_a.id,
                                                                WeeklyCheckin.week_start == THIS_WEEK))
        checkin.effect_ratings  # noqa: B018 - load before the context ends
        scores = db.session.execute(select(GoalScore.goal_id, GoalScore.score)
                                    .where(GoalScore.checkin_id == checkin.id)).all()
        db.session.expunge_all()
    checkin.scores = dict(scores)
    return checkin


PAIN_ONLY = {"pain_average": "3", "pain_worst": "5", "enjoyment_interference": "2", "activity_interference": "3",
             "flare_days": "0"}


# --- Sessions: from the log, when read ------------------------------------------------------------

def test_a_session_logged_after_sending_counts_in_the_saved_checkin(app, clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)
    before = client.get(page_url(clinic.record_a.id, LAST_WEEK, "/saved")).get_data(as_text=True)
    assert re.search(r"<span>Bridge</span> <strong>2 of 3</strong>", before)

    with app.app_context():  # logged the day after sending, as a forgotten session
        build.sessions(rows["bridge"], clinic.patient_a.id, [date(2026, 3, 7)])

    for who in (clinic.patient_a, clinic.physio):
        after = login_as(who).get(page_url(clinic.record_a.id, LAST_WEEK, "/saved")).get_data(as_text=True)
        assert re.search(r"<span>Bridge</span> <strong>3 of 3</strong>", after), who


def test_a_count_stored_by_an_older_checkin_stays_readable_and_survives_an_edit(app, clinic, login_as, rows):
    with app.app_context():
        plank = build.prescription(clinic.record_a.id, clinic.physio.id, "Plank")
        add_checkin_count(clinic.record_a.id, plank, LAST_WEEK, 4, db.session.get(User, clinic.patient_a.id))
    detail = login_as(clinic.physio).get(page_url(clinic.record_a.id, LAST_WEEK)).get_data(as_text=True)
    assert re.search(r"<span>Plank</span> <strong>4 of 3 <span class=\"muted small\">\(from the check-in\)</span>",
                     detail)
    assert re.search(r"<span>Bridge</span> <strong>2 of 3</strong>", detail)  # the log wins where there is one

    last_week_sent(login_as(clinic.patient_a), clinic, rows)  # the form edits the week: the stored count stays
    with app.app_context():
        assert db.session.scalars(select(CheckinExerciseCount.sessions_done)
                                  .where(CheckinExerciseCount.prescription_id == plank)).all() == [4]


# --- "Same as last week" -------------------------------------------------------------------------

def test_the_form_offers_last_weeks_answers_without_choosing_them(clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)

    page = client.get(page_url(clinic.record_a.id, THIS_WEEK)).get_data(as_text=True)

    assert page.count('type="checkbox" value="y"') == 3  # sleep/stress/mood, what was tried, goals
    assert "Sleep 6.5 h, quality 5/10" in page and "Stress 3/10 · mood 7/10" in page
    assert "Heat pack: <strong>+2</strong> helped a lot, 5 days" in page and "Short walks: did not use it" in page
    assert "Sit through a 2-hour meeting: <strong>6</strong>/10" in page
    assert "last week 4" in page  # pain on average, shown beside the question
    form_html = page.split('class="checkin-form"')[1]
    assert " checked" not in form_html.replace('checked id="flare_days-0"', "")  # nothing chosen for her
    assert "data-last=" in page and "saddle" not in page.split("Warning signs")[0]


def test_same_as_last_week_keeps_last_weeks_answers_without_javascript(app, clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)

    sent = client.post(page_url(clinic.record_a.id, THIS_WEEK), data={
        **PAIN_ONLY, "same_wellbeing": "y", "same_ratings": "y", "same_goals": "y", "stress": "8"})

    assert sent.status_code == 302
    checkin = this_week(app, clinic)
    assert (checkin.sleep_hours, checkin.sleep_quality, checkin.stress, checkin.mood) == (6.5, 5, 8, 7)  # 8: given
    assert [(r.intervention_id, r.rating, r.days_used) for r in checkin.effect_ratings] == [(rows["heat"], 2, 5)]
    assert checkin.scores == {rows["sit"]: 6}
    assert checkin.red_flags == []  # a warning sign is never carried over


def test_an_answer_given_this_week_wins_over_last_week(app, clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)

    client.post(page_url(clinic.record_a.id, THIS_WEEK), data={
        **PAIN_ONLY, "same_ratings": "y", f"rating_{rows['heat']}": "none", f"rating_{rows['walks']}": "1",
        f"days_used_{rows['walks']}": "2"})

    checkin = this_week(app, clinic)
    assert [(r.intervention_id, r.rating, r.days_used) for r in checkin.effect_ratings] == [(rows["walks"], 1, 2)]
    assert (checkin.sleep_hours, checkin.stress, checkin.scores) == (None, None, {})  # boxes not ticked


def test_no_box_is_offered_when_editing_a_sent_week_or_after_a_long_gap(app, clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)
    editing = client.get(page_url(clinic.record_a.id, LAST_WEEK)).get_data(as_text=True)
    assert "Same as last week" not in editing and 'checked id="rating_%d-0"' % rows["walks"] in editing

    with app.app_context():
        db.session.execute(WeeklyCheckin.__table__.update().values(week_start=date(2026, 2, 2)))
        db.session.commit()
    five_weeks_on = client.get(page_url(clinic.record_a.id, THIS_WEEK)).get_data(as_text=True)
    assert "Same as last week" not in five_weeks_on


def test_a_failed_send_keeps_the_filled_in_answers_and_the_ticked_box(clinic, login_as, rows):
    client = login_as(clinic.patient_a)
    last_week_sent(client, clinic, rows)

    failed = client.post(page_url(clinic.record_a.id, THIS_WEEK),
                         data={**PAIN_ONLY, "pain_average": "", "same_wellbeing": "y"})

    html = failed.get_data(as_text=True)
    assert failed.status_code == 422
    assert re.search(r'<input[^>]* checked [^>]*id="same_wellbeing"', html)
    assert re.search(r'<input[^>]*name="sleep_hours"[^>]*value="6.5"', html) and 'checked id="mood-7"' in html


def test_the_api_reads_sessions_from_the_log_too(app, clinic, login_as, api, rows):
    last_week_sent(login_as(clinic.patient_a), clinic, rows)
    url = f"/api/v1/patients/{clinic.record_a.id}/checkins/{LAST_WEEK.isoformat()}"
    assert api.physio.get(url).get_json()["exercises"] == [
        {"prescription_id": rows["bridge"], "name": "Bridge", "sessions_per_week": 3, "sessions_done": 2,
         "sessions_logged": 2}]
    with app.app_context():
        build.sessions(rows["bridge"], clinic.patient_a.id, [date(2026, 3, 8)])
    data = api.physio.get(url).get_json()
    assert data["exercises"][0]["sessions_done"] == 3 and data["exercise_counts"] == []
