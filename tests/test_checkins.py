"""Weekly check-ins: the patient's form and its rules, the team's reads, the API, every role."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from careteam.domain.checkins import CheckinValues, GoalEntry, RatingEntry
from careteam.extensions import db
from careteam.models import (
    AuditEvent,
    EffectRating,
    GoalScore,
    Question,
    RecordEvent,
    RedFlagAlert,
    User,
    WeeklyCheckin,
)
from careteam.services import checkins
from careteam.services.errors import Forbidden, InvalidInput
from tests.support import checkins as build
from tests.support.checkins import LAST_WEEK, LOCKED_WEEK, NEXT_WEEK, THIS_WEEK, TODAY, body, form, today  # noqa: F401

pytestmark = pytest.mark.usefixtures("today")

TEAM = ("physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")


def page_url(patient_id: int, week: date | None = None, suffix: str = "") -> str:
    base = f"/patients/{patient_id}/check-ins"
    return f"{base}/{week.isoformat()}{suffix}" if week else base


def api_url(patient_id: int, week: date | str | None = None) -> str:
    base = f"/api/v1/patients/{patient_id}/checkins"
    return f"{base}/{week if isinstance(week, str) else week.isoformat()}" if week else base


def stored(app, patient_id: int, week: date) -> list[WeeklyCheckin]:
    with app.app_context():
        rows = db.session.scalars(select(WeeklyCheckin).where(WeeklyCheckin.patient_id == patient_id,
                                                              WeeklyCheckin.week_start == week)).all()
        for row in rows:
            row.effect_ratings, row.exercise_counts  # noqa: B018 - load before the context ends
        db.session.expunge_all()
        return rows


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


@pytest.fixture
def week_rows(app, clinic):
    """Patient A's interventions, exercises, goals and flare days around LAST_WEEK."""
    a, author = clinic.record_a.id, clinic.physio.id
    with app.app_context():
        rows = {
            "heat": build.intervention(a, author, "Heat pack", started_on=date(2026, 1, 1)),
            "walks": build.intervention(a, author, "Short walks", started_on=date(2026, 3, 8)),  # Sunday of the week
            "stopped": build.intervention(a, author, "Old pills", stopped_on=date(2026, 3, 1)),
            "later": build.intervention(a, author, "Later thing", started_on=date(2026, 3, 9)),
            "other_patient": build.intervention(clinic.record_b.id, author, "Bob's pack"),
            "bridge": build.prescription(a, author, "Bridge", sessions_per_week=3, doses=(4,)),
            "ended": build.prescription(a, author, "Clam", ended_on=date(2026, 3, 1)),
            "future_exercise": build.prescription(a, author, "Plank", effective_from=date(2026, 3, 10)),
            "sit": build.goal(a, author, "Sit through a 2-hour meeting"),
            "paused": build.goal(a, author, "Run 5 km", status="paused"),
            "other_goal": build.goal(clinic.record_b.id, author, "Bob's goal"),
        }
        build.sessions(rows["bridge"], clinic.patient_a.id, [date(2026, 3, 3), date(2026, 3, 5), THIS_WEEK])
        build.flare_days(a, clinic.patient_a.id, [date(2026, 3, 4), date(2026, 3, 6), date(2026, 3, 10)])
    return rows


# --- The patient's form -------------------------------------------------------------------------

def test_weekly_checkin_link_opens_this_weeks_form(clinic, login_as):
    client = login_as(clinic.patient_a)

    response = client.get("/my-record/check-in")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(clinic.record_a.id, THIS_WEEK))
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    assert b"Weekly check-in" in page.data and b"Send my check-in" in page.data


@pytest.mark.parametrize("who", ["physician", "admin"])
def test_weekly_checkin_link_sends_others_home(clinic, login_as, who):
    response = login_as(getattr(clinic, who)).get("/my-record/check-in")
    assert response.status_code == 302 and "check-in" not in response.headers["Location"]


def test_form_lists_missed_weeks_still_open(clinic, login_as):
    page = login_as(clinic.patient_a).get(page_url(clinic.record_a.id, THIS_WEEK))

    assert b"You can still fill in" in page.data
    assert page_url(clinic.record_a.id, LAST_WEEK).encode() in page.data
    assert page_url(clinic.record_a.id, LOCKED_WEEK).encode() not in page.data


def test_form_shows_the_weeks_interventions_exercises_goals_and_defaults(ctx, clinic, week_rows):
    patient_a = db.session.get(User, clinic.patient_a.id)

    context = checkins.form_context(patient_a, clinic.record_a.id, LAST_WEEK)

    assert [r.intervention.name for r in context.rows.interventions] == ["Heat pack", "Short walks"]
    assert [(r.prescription.name, r.sessions_per_week, r.logged) for r in context.rows.exercises] == [("Bridge", 4, 2)]
    assert [r.goal.activity for r in context.rows.goals] == ["Sit through a 2-hour meeting"]
    assert context.recorded_flare_days == 2
    assert context.window.editable and context.checkin is None


def test_form_shows_logged_sessions_without_asking_and_the_recorded_flare_days(clinic, login_as, week_rows):
    page = login_as(clinic.patient_a).get(page_url(clinic.record_a.id, LAST_WEEK)).get_data(as_text=True)

    assert "sessions_done_" not in page  # never asked: counted from the log
    assert re.search(r"<span>Bridge</span> <strong>2 of 4</strong>", page)
    assert "Counted from your exercise log" in page
    assert 'checked id="flare_days-2"' in page
    assert "Old pills" not in page and "Later thing" not in page and "Plank" not in page and "Run 5 km" not in page


def full_form(rows: dict, **changes) -> dict:
    return form(**{
        f"rating_{rows['heat']}": "2", f"days_used_{rows['heat']}": "5",
        f"rating_{rows['walks']}": "-1", f"days_used_{rows['walks']}": "",
        f"goal_score_{rows['sit']}": "6",
        "helped_most": "The heat pack after work", "did_not_help": "Walking in the cold",
        **changes,
    })


def test_patient_sends_a_checkin_and_sees_the_confirmation(app, clinic, login_as, week_rows):
    client = login_as(clinic.patient_a)

    response = client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows))

    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(clinic.record_a.id, LAST_WEEK, "/saved"))
    confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your check-in for the week of 2 March is saved" in confirmation
    assert "You ticked a warning sign" not in confirmation
    assert "PEG score" in confirmation and "<strong>4.0</strong>" in confirmation
    [row] = stored(app, clinic.record_a.id, LAST_WEEK)
    assert (row.pain_average, row.pain_worst, row.sleep_hours, row.flare_days, row.red_flags) == (4, 6, 7.0, 1, [])
    assert row.submitted_by_id == clinic.patient_a.id
    assert {(r.intervention_id, r.rating, r.days_used) for r in row.effect_ratings} == {
        (week_rows["heat"], 2, 5), (week_rows["walks"], -1, None)}
    assert row.exercise_counts == []  # sessions are read from the log, not copied into the check-in
    with app.app_context():
        score = db.session.scalar(select(GoalScore).where(GoalScore.checkin_id == row.id))
        assert (score.goal_id, score.score, score.scored_on, score.scored_by_id) == (
            week_rows["sit"], 6, date(2026, 3, 8), clinic.patient_a.id)


def test_goal_scores_of_this_week_are_dated_today(app, clinic, login_as, week_rows):
    login_as(clinic.patient_a).post(page_url(clinic.record_a.id, THIS_WEEK),
                                    data=form(**{f"goal_score_{week_rows['sit']}": "7"}))
    with app.app_context():
        assert db.session.scalar(select(GoalScore.scored_on).where(GoalScore.goal_id == week_rows["sit"])) == TODAY


def test_saving_is_audited_and_on_the_timeline_without_free_text(app, clinic, login_as, week_rows):
    client = login_as(clinic.patient_a)
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows, question="Can I swim?"))
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows, pain_average="5"))

    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "weekly_checkin", AuditEvent.action != "read",
            AuditEvent.patient_id == clinic.record_a.id).order_by(AuditEvent.id)).all()
        summaries = db.session.scalars(select(RecordEvent.summary).where(
            RecordEvent.part == "checkins", RecordEvent.patient_id == clinic.record_a.id)
            .order_by(RecordEvent.id)).all()
    assert actions == ["create", "update"]
    assert summaries == ["Check-in for the week of 2 Mar 2026 submitted: pain 4 (worst 6), PEG 4.0",
                         "Check-in for the week of 2 Mar 2026 updated: pain 5 (worst 6), PEG 4.3"]
    assert not any("heat pack" in s.lower() or "swim" in s.lower() for s in summaries)


def test_sending_again_edits_the_same_row(app, clinic, login_as, week_rows):
    client = login_as(clinic.patient_a)
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows))
    first_id = stored(app, clinic.record_a.id, LAST_WEEK)[0].id

    edit = full_form(week_rows, pain_average="3", **{f"rating_{week_rows['walks']}": "none"})
    response = client.post(page_url(clinic.record_a.id, LAST_WEEK), data=edit)

    assert response.status_code == 302
    [row] = stored(app, clinic.record_a.id, LAST_WEEK)
    assert row.id == first_id and row.pain_average == 3
    assert [(r.intervention_id, r.rating) for r in row.effect_ratings] == [(week_rows["heat"], 2)]
    assert count(app, GoalScore, GoalScore.checkin_id == row.id) == 1


def test_form_shows_the_saved_values_when_opened_again(clinic, login_as, week_rows):
    client = login_as(clinic.patient_a)
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows, mood="9"))

    page = client.get(page_url(clinic.record_a.id, LAST_WEEK)).get_data(as_text=True)

    assert 'checked id="mood-9"' in page
    assert f'checked id="rating_{week_rows["heat"]}-5"' in page  # +2 is the sixth option
    assert "The heat pack after work</textarea>" in page
    assert "Send my changes" in page


def test_field_errors_come_back_with_what_the_patient_typed(app, clinic, login_as, week_rows):
    client = login_as(clinic.patient_a)

    response = client.post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(
        week_rows, pain_average=None, sleep_hours="seven", helped_most="Heat, twice a day",
        question="Should I keep walking?", **{f"rating_{week_rows['heat']}": ""}))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Please choose a number from 0 to 10." in page
    assert "Choose how it worked, or leave the days empty." in page  # every message at once
    assert "Enter hours as a number, for example 6.5." in page
    assert 'value="seven"' in page
    assert "Heat, twice a day</textarea>" in page and "Should I keep walking?</textarea>" in page
    assert 'checked id="pain_worst-6"' in page
    assert '<a href="#pain_average">' in page
    assert stored(app, clinic.record_a.id, LAST_WEEK) == []


@pytest.mark.parametrize("changes,message", [
    ({"stress": "11"}, "Choose a number from 0 to 10."),
    ({"pain_average": "7", "pain_worst": "5"}, "Your worst pain cannot be lower than your average pain."),
    ({"sleep_hours": "6.3"}, "Enter hours from 0 to 24, in half hours"),
    ({"flare_days": "9"}, "Choose from 0 to 7 days."),
    ({"red_flags": ["headache"]}, "Choose only from the listed warning signs."),
    ({"helped_most": "x" * 2001}, "Field cannot be longer than 2000 characters."),
])
def test_out_of_range_values_are_refused_with_a_field_message(app, clinic, login_as, changes, message):
    response = login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK), data=form(**changes))

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert stored(app, clinic.record_a.id, LAST_WEEK) == []


def test_effect_rating_out_of_range_is_refused(clinic, login_as, week_rows):
    response = login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK),
                                               data=form(**{f"rating_{week_rows['heat']}": "3"}))
    assert response.status_code == 422
    assert "Choose from −2 (made it much worse) to +2 (helped a lot)." in response.get_data(as_text=True)


def test_days_used_without_a_rating_asks_for_the_rating(clinic, login_as, week_rows):
    response = login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK),
                                               data=form(**{f"days_used_{week_rows['heat']}": "3"}))
    assert response.status_code == 422
    assert "Choose how it worked, or leave the days empty." in response.get_data(as_text=True)


def test_a_locked_week_is_read_only(app, clinic, login_as):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 1, last=LOCKED_WEEK)
    client = login_as(clinic.patient_a)

    page = client.get(page_url(clinic.record_a.id, LOCKED_WEEK)).get_data(as_text=True)
    refused = client.post(page_url(clinic.record_a.id, LOCKED_WEEK), data=form(pain_average="1"))

    assert "<form method=\"post\" action=\"/patients" not in page.split("Sign out")[1]
    assert "locked" in page and "Change this check-in" not in page
    assert refused.status_code == 422
    assert "could be changed until 8 March 2026; it is now closed" in refused.get_data(as_text=True)
    assert stored(app, clinic.record_a.id, LOCKED_WEEK)[0].pain_average == 4


def test_a_locked_week_without_a_checkin_is_not_found(clinic, login_as):
    assert login_as(clinic.patient_a).get(page_url(clinic.record_a.id, LOCKED_WEEK)).status_code == 404


def test_the_edit_window_comes_from_the_config(app, clinic, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_CHECKIN_EDIT_DAYS", 0)
    response = login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK), data=form())
    assert response.status_code == 422 and "it is now closed" in response.get_data(as_text=True)


def test_future_weeks_are_refused(app, clinic, login_as):
    client = login_as(clinic.patient_a)

    assert client.get(page_url(clinic.record_a.id, NEXT_WEEK)).status_code == 404
    refused = client.post(page_url(clinic.record_a.id, NEXT_WEEK), data=form())

    assert refused.status_code == 422
    assert "This week has not started yet" in refused.get_data(as_text=True)
    assert stored(app, clinic.record_a.id, NEXT_WEEK) == []


def test_a_date_inside_a_week_leads_to_its_monday(clinic, login_as):
    response = login_as(clinic.patient_a).get(page_url(clinic.record_a.id, date(2026, 3, 12)))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page_url(clinic.record_a.id, THIS_WEEK))


def test_a_malformed_week_is_not_found(clinic, login_as):
    assert login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/check-ins/2026-13-01").status_code == 404


# --- What may be rated ------------------------------------------------------------------------

@pytest.mark.parametrize("row,field", [
    ("other_patient", "ratings"),  # another patient's intervention
    ("stopped", "ratings"),  # not in use that week
    ("later", "ratings"),
])
def test_ratings_only_for_the_patients_interventions_of_that_week(ctx, clinic, week_rows, row, field):
    patient_a = db.session.get(User, clinic.patient_a.id)
    values = CheckinValues(4, 6, 3, 5, ratings=[RatingEntry(week_rows[row], 1)])

    with pytest.raises(InvalidInput) as refused:
        checkins.save_checkin(patient_a, clinic.record_a.id, LAST_WEEK, values)

    assert field in refused.value.errors
    assert db.session.scalar(select(func.count()).select_from(EffectRating)) == 0


def test_goal_scores_only_for_the_patients_active_goals(ctx, clinic, week_rows):
    patient_a = db.session.get(User, clinic.patient_a.id)
    for goal in ("other_goal", "paused"):
        with pytest.raises(InvalidInput) as refused:
            checkins.save_checkin(patient_a, clinic.record_a.id, LAST_WEEK,
                                  CheckinValues(4, 6, 3, 5, goal_scores=[GoalEntry(week_rows[goal], 5)]))
        assert "goal_scores" in refused.value.errors


@pytest.mark.parametrize("who", TEAM)
def test_clinicians_may_not_write_a_checkin(ctx, clinic, who):
    clinician = db.session.get(User, getattr(clinic, who).id)
    with pytest.raises(Forbidden):
        checkins.save_checkin(clinician, clinic.record_a.id, LAST_WEEK, CheckinValues(4, 6, 3, 5))


# --- Questions and red flags ---------------------------------------------------------------------

def test_a_question_goes_on_the_list_once_and_follows_edits_until_answered(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    url = page_url(clinic.record_a.id, LAST_WEEK)
    client.post(url, data=form(question="Can I swim?"))
    client.post(url, data=form(question="Can I swim in cold water?"))

    with app.app_context():
        [question] = db.session.scalars(select(Question).where(Question.patient_id == clinic.record_a.id)).all()
        assert (question.text, question.asked_by_id, question.checkin_id) == (
            "Can I swim in cold water?", clinic.patient_a.id, stored(app, clinic.record_a.id, LAST_WEEK)[0].id)
        question.answered_at, question.answer = question.created_at, "Yes, short swims."
        db.session.commit()

    assert "Yes, short swims." in client.get(url).get_data(as_text=True)
    client.post(url, data=form(question=""))  # the answered question stays as it was
    client.post(url, data=form(question="And in the sea?"))
    with app.app_context():
        texts = db.session.scalars(select(Question.text).where(Question.patient_id == clinic.record_a.id)
                                   .order_by(Question.id)).all()
    assert texts == ["Can I swim in cold water?", "And in the sea?"]


def test_an_open_question_emptied_on_an_edit_is_withdrawn(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=form(question="Can I swim?"))
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=form(question=""))
    assert count(app, Question, Question.patient_id == clinic.record_a.id) == 0


def test_a_red_flag_shows_guidance_at_once_and_raises_one_alert(app, clinic, login_as):
    client = login_as(clinic.patient_a)

    response = client.post(page_url(clinic.record_a.id, LAST_WEEK),
                           data=form(red_flags=["saddle_numbness"]), follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "You ticked a warning sign" in page
    assert "Call emergency services now" in page and "contact your physician today" in page
    assert "Numbness around the groin or buttocks (saddle area)" in page
    assert 'class="guidance-step emergency now"' in page
    with app.app_context():
        [alert] = db.session.scalars(select(RedFlagAlert).where(RedFlagAlert.patient_id == clinic.record_a.id)).all()
        assert alert.flags == ["saddle_numbness"] and alert.acknowledged_at is None


def test_a_flag_that_is_not_an_emergency_asks_to_contact_the_physician(clinic, login_as):
    response = login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK),
                                               data=form(red_flags=["fever_or_weight_loss"]), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "contact your physician today" in page
    assert 'class="guidance-step emergency"' in page and "emergency now" not in page


def test_an_edit_keeping_the_flags_raises_no_second_alert_and_new_flags_raise_one(app, clinic, login_as):
    client = login_as(clinic.patient_a)
    url = page_url(clinic.record_a.id, LAST_WEEK)
    client.post(url, data=form(red_flags=["fever_or_weight_loss"]))
    client.post(url, data=form(red_flags=["fever_or_weight_loss"], pain_average="5"))
    client.post(url, data=form(red_flags=["fever_or_weight_loss", "night_pain_unrelieved"]))

    with app.app_context():
        flags = db.session.scalars(select(RedFlagAlert.flags).where(RedFlagAlert.patient_id == clinic.record_a.id)
                                   .order_by(RedFlagAlert.id)).all()
    assert flags == [["fever_or_weight_loss"], ["night_pain_unrelieved"]]


# --- The team's pages ----------------------------------------------------------------------------

@pytest.mark.parametrize("who", TEAM)
def test_clinicians_read_the_weeks_newest_first_and_cannot_post(app, clinic, login_as, who):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 3)
    client = login_as(getattr(clinic, who))

    page = client.get(page_url(clinic.record_a.id)).get_data(as_text=True)
    detail = client.get(page_url(clinic.record_a.id, LAST_WEEK))
    posted = client.post(page_url(clinic.record_a.id, LAST_WEEK), data=form())

    assert page.index("2 Mar 2026") < page.index("23 Feb 2026") < page.index("16 Feb 2026")
    assert "1 red flag" in page and "Weeks you can fill in" not in page
    assert detail.status_code == 200 and "Change this check-in" not in detail.get_data(as_text=True)
    assert "Pain at night that rest does not relieve" in detail.get_data(as_text=True)
    assert posted.status_code == 403


def test_the_patients_list_shows_the_weeks_still_open(clinic, login_as):
    client = login_as(clinic.patient_a)
    client.post(page_url(clinic.record_a.id, LAST_WEEK), data=form())

    page = client.get(page_url(clinic.record_a.id)).get_data(as_text=True)

    assert "Weeks you can fill in" in page
    assert "not sent yet" in page and "sent</span>" in page


def test_the_list_shows_open_alerts_with_a_link(app, clinic, login_as):
    login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK), data=form(red_flags=["saddle_numbness"]))

    page = login_as(clinic.physio).get(page_url(clinic.record_a.id)).get_data(as_text=True)

    assert "1 open red-flag alert" in page and f"/patients/{clinic.record_a.id}/alerts" in page


def test_the_team_sees_the_week_in_detail(clinic, login_as, week_rows):
    login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK),
                                    data=full_form(week_rows, question="Can I swim?"))

    page = login_as(clinic.physio).get(page_url(clinic.record_a.id, LAST_WEEK)).get_data(as_text=True)

    assert "Heat pack" in page and "+2 · Helped a lot" in page
    assert "\u22121 · Made it worse" in page
    assert "The heat pack after work" in page and "Can I swim?" in page
    assert "In the patient&#39;s own words" in page


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404(clinic, login_as, who):
    client = login_as(getattr(clinic, who))
    assert client.get(page_url(clinic.record_a.id)).status_code == 404
    assert client.get(page_url(clinic.record_a.id, LAST_WEEK)).status_code == 404
    assert client.post(page_url(clinic.record_a.id, LAST_WEEK), data=form()).status_code == 404


def test_reads_are_audited(app, clinic, login_as):
    login_as(clinic.physician).get(page_url(clinic.record_a.id))
    assert count(app, AuditEvent, AuditEvent.user_id == clinic.physician.id, AuditEvent.action == "read",
                 AuditEvent.object_type == "weekly_checkin") == 1


# --- Query counts ---------------------------------------------------------------------------------

def test_reads_do_not_grow_with_the_weeks(app, clinic, login_as, api, count_queries, week_rows):
    login_as(clinic.patient_a).post(page_url(clinic.record_a.id, LAST_WEEK), data=full_form(week_rows))
    client = login_as(clinic.physio)
    urls = [page_url(clinic.record_a.id), page_url(clinic.record_a.id, LAST_WEEK)]
    api_urls = [api_url(clinic.record_a.id), api_url(clinic.record_a.id, LAST_WEEK)]

    def measure() -> list[int]:
        counts = []
        for url in urls:
            with count_queries() as statements:
                assert client.get(url).status_code == 200
            counts.append(len(statements))
        for url in api_urls:
            with count_queries() as statements:
                assert api.physio.get(url).status_code == 200
            counts.append(len(statements))
        return counts

    measure()  # warm up: the first use of a token or session writes to it
    few = measure()
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 40, last=LOCKED_WEEK)
        for name in ("Breathing", "Pacing", "TENS"):
            build.intervention(clinic.record_a.id, clinic.physio.id, name)
    many = measure()
    assert many == few, (few, many)
    assert max(few) <= 14, few  # 12 + the audit chain's tip + the header's unread-notification count


def test_the_form_does_not_grow_with_rows(app, clinic, login_as, count_queries, week_rows):
    client = login_as(clinic.patient_a)

    def measure() -> int:
        with count_queries() as statements:
            assert client.get(page_url(clinic.record_a.id, LAST_WEEK)).status_code == 200
        return len(statements)

    few = measure()
    with app.app_context():
        for n in range(4):
            build.intervention(clinic.record_a.id, clinic.physio.id, f"Thing {n}")
            build.goal(clinic.record_a.id, clinic.physio.id, f"Goal {n}")
            build.prescription(clinic.record_a.id, clinic.physio.id, f"Exercise {n}")
    assert measure() == few


# --- API ----------------------------------------------------------------------------------------

def test_put_creates_then_updates_and_computes_peg(app, clinic, api):
    url = api_url(clinic.record_a.id, LAST_WEEK)

    created = api.patient_a.put(url, json=body())
    updated = api.patient_a.put(url, json=body(pain_average=5))

    assert created.status_code == 201 and updated.status_code == 200
    data = updated.get_json()
    assert data["week_start"] == "2026-03-02" and data["week_end"] == "2026-03-08"
    assert data["peg_score"] == 4.3 and data["editable"] is True and data["editable_until"] == "2026-03-15"
    assert data["id"] == created.get_json()["id"]
    assert len(stored(app, clinic.record_a.id, LAST_WEEK)) == 1


def test_put_with_ratings_counts_scores_flags_and_a_question(app, clinic, api, week_rows):
    response = api.patient_a.put(api_url(clinic.record_a.id, LAST_WEEK), json=body(
        ratings=[{"intervention_id": week_rows["heat"], "rating": 2, "days_used": 5}],
        exercise_counts=[{"prescription_id": week_rows["bridge"], "sessions_done": 2}],
        goal_scores=[{"goal_id": week_rows["sit"], "score": 7}],
        red_flags=["bladder_or_bowel_change"], question="Is this normal?", helped_most="Heat"))

    assert response.status_code == 201
    data = response.get_json()
    assert data["ratings"] == [{"intervention_id": week_rows["heat"], "intervention_name": "Heat pack", "rating": 2,
                                "effect": "Helped a lot", "days_used": 5}]
    assert data["exercise_counts"] == [{"prescription_id": week_rows["bridge"], "name": "Bridge", "sessions_done": 2,
                                        "sessions_per_week": 4, "sessions_logged": 2}]
    assert data["goal_scores"] == [{"goal_id": week_rows["sit"], "activity": "Sit through a 2-hour meeting",
                                    "score": 7}]
    assert data["red_flags"] == ["bladder_or_bowel_change"] and data["helped_most"] == "Heat"
    assert [q["text"] for q in data["questions"]] == ["Is this normal?"]
    assert count(app, RedFlagAlert, RedFlagAlert.patient_id == clinic.record_a.id) == 1


def test_put_without_flare_days_takes_the_recorded_ones(clinic, api, week_rows):
    response = api.patient_a.put(api_url(clinic.record_a.id, LAST_WEEK), json=body(flare_days=None))
    assert response.get_json()["flare_days"] == 2


@pytest.mark.parametrize("payload,field", [
    (body(colour="blue"), "colour"),
    (body(patient_id=2), "patient_id"),
    (body(submitted_at="2026-03-02T10:00:00Z"), "submitted_at"),
    (body(ratings=[{"intervention_id": 1, "rating": 1, "mood": 3}]), "ratings"),
    (body(pain_average=11), "pain_average"),
    (body(stress=-1), "stress"),
    (body(pain_worst=True), "pain_worst"),
    (body(sleep_hours=25), "sleep_hours"),
    (body(flare_days=8), "flare_days"),
    (body(red_flags=["headache"]), "red_flags"),
    (body(ratings=[{"intervention_id": 1, "rating": 3}]), "ratings"),
    ({"pain_worst": 6, "enjoyment_interference": 3, "activity_interference": 5}, "pain_average"),
    (body(sleep_hours=6.2), "sleep_hours"),
    (body(pain_average=7, pain_worst=6), "pain_worst"),
])
def test_put_refuses_unknown_fields_and_out_of_range_values(app, clinic, api, payload, field):
    response = api.patient_a.put(api_url(clinic.record_a.id, LAST_WEEK), json=payload)

    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert stored(app, clinic.record_a.id, LAST_WEEK) == []


def test_put_refuses_another_patients_intervention(clinic, api, week_rows):
    response = api.patient_a.put(api_url(clinic.record_a.id, LAST_WEEK), json=body(
        ratings=[{"intervention_id": week_rows["other_patient"], "rating": 1}]))
    assert response.status_code == 422 and "ratings" in response.get_json()["errors"]


@pytest.mark.parametrize("week,status", [
    (LOCKED_WEEK, 422), (NEXT_WEEK, 422), (date(2026, 3, 4), 422), ("x", 404), ("2026-02-30", 404)])
def test_put_refuses_weeks_that_are_not_open(clinic, api, week, status):
    response = api.patient_a.put(api_url(clinic.record_a.id, week), json=body())
    assert response.status_code == status
    assert response.get_json()["errors"]


@pytest.mark.parametrize("who", TEAM)
def test_clinicians_read_through_the_api_and_may_not_put(app, clinic, api, who):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 3)
    client = api.as_(who)

    listed = client.get(api_url(clinic.record_a.id))
    one = client.get(api_url(clinic.record_a.id, LAST_WEEK))
    put = client.put(api_url(clinic.record_a.id, LAST_WEEK), json=body())

    assert [c["week_start"] for c in listed.get_json()] == ["2026-03-02", "2026-02-23", "2026-02-16"]
    assert one.status_code == 200 and one.get_json()["red_flags"] == ["night_pain_unrelieved"]
    assert put.status_code == 403


def test_the_list_takes_from_to_and_limit(app, clinic, api):
    with app.app_context():
        build.weeks_of_checkins(clinic.record_a.id, clinic.patient_a.id, 6)
    url = api_url(clinic.record_a.id)

    limited = api.physician.get(f"{url}?limit=2").get_json()
    window = api.physician.get(f"{url}?from=2026-02-11&to=2026-02-23").get_json()

    assert [c["week_start"] for c in limited] == ["2026-03-02", "2026-02-23"]
    assert [c["week_start"] for c in window] == ["2026-02-23", "2026-02-16", "2026-02-09"]
    assert api.physician.get(f"{url}?limit=0").status_code == 422
    assert api.physician.get(f"{url}?colour=red").status_code == 422


def test_a_missing_week_is_404(clinic, api):
    assert api.patient_a.get(api_url(clinic.record_a.id, LAST_WEEK)).status_code == 404


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404_from_the_api(clinic, api, who):
    client = api.as_(who)
    assert client.get(api_url(clinic.record_a.id)).status_code == 404
    assert client.get(api_url(clinic.record_a.id, LAST_WEEK)).status_code == 404
    assert client.put(api_url(clinic.record_a.id, LAST_WEEK), json=body()).status_code == 404


def test_the_openapi_document_describes_the_checkin_api(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    item = paths["/api/v1/patients/{patient_id}/checkins/{week_start}"]
    assert {"get", "put"} <= set(item)
    assert {"200", "201", "422"} <= set(item["put"]["responses"])
    assert "/api/v1/patients/{patient_id}/checkins" in paths
