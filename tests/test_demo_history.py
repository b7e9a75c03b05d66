"""The demo clinic (issue 14, item 9): a believable, consistent history dated from today, and a
reset that is safe on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from types import SimpleNamespace

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import Date, DateTime, create_engine, func, select
from sqlalchemy.engine import make_url

from careteam import create_app
from careteam.demo import load_demo_data
from careteam.demo.reset import contents, reset_demo
from careteam.extensions import db
from careteam.models import (
    CareTeamMember,
    ExposureItem,
    FlarePlan,
    FunctionalGoal,
    Patient,
    RecordEvent,
    User,
)
from careteam.services import timeline
from tests.conftest import ON_POSTGRES, make_config

# Two Wednesdays ten months apart: the history is laid out by weeks, so the same weekday gives
# the same offsets from today when every date is counted from today.
FIRST_TODAY = date(2026, 3, 11)
LATER_TODAY = date(2027, 1, 13)
pytestmark = pytest.mark.no_rollback


def _travel(day: date):
    return time_machine.travel(datetime.combine(day, time(10, 30), tzinfo=timezone.utc), tick=False)


@pytest.fixture(scope="module")
def demo(database_url, tmp_path_factory):
    """A database of its own holding the demo, loaded on FIRST_TODAY from the migrations."""
    if ON_POSTGRES:
        url = make_url(database_url)
        name = f"{url.database}_demo"
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        demo_url = url.set(database=name).render_as_string(hide_password=False)
    else:
        demo_url = f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.sqlite"
    app = create_app(make_config(demo_url, CARETEAM_TIMEZONE="UTC"))
    with _travel(FIRST_TODAY), app.app_context():
        upgrade()
        load_demo_data()
        snapshot = _offsets(FIRST_TODAY)
    yield SimpleNamespace(app=app, today=FIRST_TODAY, first_snapshot=snapshot)
    with app.app_context():
        db.engine.dispose()
    if ON_POSTGRES:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _offsets(today: date) -> dict[str, list]:
    """Every date and time in the database, as its distance from today, table by table."""
    midnight = datetime.combine(today, time.min, tzinfo=timezone.utc)
    found: dict[str, list] = {}
    for table in db.metadata.sorted_tables:
        # A birth date is a fact about the person, not an event of the history: it stays.
        columns = [c for c in table.columns if isinstance(getattr(c.type, "impl", c.type), (Date, DateTime))
                   and c.name != "date_of_birth"]
        if not columns:
            continue
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns)).all()

        def offset(value):
            if value is None:
                return None
            if isinstance(value, datetime):
                return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)) - midnight
            return value - today

        found[table.name] = [tuple(offset(v) for v in row) for row in rows]
    return found


def _users(app) -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(select(User))}


def test_nobody_joined_a_care_team_on_the_day_the_demo_was_loaded(demo):
    with demo.app.app_context():
        members = db.session.scalars(select(CareTeamMember)).all()
        assert len(members) == 5
        for member in members:
            assert member.added_at.date() <= demo.today - timedelta(weeks=4), member.clinician_id
            first_write = db.session.scalar(select(func.min(RecordEvent.occurred_at)).where(
                RecordEvent.patient_id == member.patient_id, RecordEvent.actor_id == member.clinician_id))
            assert first_write is None or member.added_at <= first_write
            record = db.session.get(Patient, member.patient_id)
            assert record.created_at < member.added_at
        joins = db.session.scalar(select(func.count()).select_from(RecordEvent).where(
            RecordEvent.object_type == "care_team_member"))
        assert joins == 5  # each join is on the record's timeline too


def test_every_timeline_entry_has_the_time_of_the_change_it_describes(demo):
    with demo.app.app_context():
        for model, object_type in ((FlarePlan, "flare_plan"), (ExposureItem, "exposure_item")):
            for row in db.session.scalars(select(model)):
                [first] = db.session.scalars(select(RecordEvent.occurred_at).where(
                    RecordEvent.object_type == object_type, RecordEvent.object_id == row.id)
                    .order_by(RecordEvent.occurred_at).limit(1)).all()
                assert first == row.created_at, (object_type, row.id)


def test_maria_s_goal_and_exposure_item_name_the_same_child(demo):
    with demo.app.app_context():
        texts = [*db.session.scalars(select(FunctionalGoal.activity)),
                 *db.session.scalars(select(ExposureItem.description))]
    assert any("niece" in t for t in texts if t.startswith("Pick up"))
    assert any("niece" in t for t in texts if t.startswith("Lift"))
    assert not any("nephew" in t for t in texts)


def test_tom_s_record_has_a_history_of_changes(demo):
    with demo.app.app_context():
        users = _users(demo.app)
        tom_record = db.session.scalar(select(Patient).where(Patient.user_id == users["tom.becker@example.org"].id))
        for viewer in ("tom.becker@example.org", "dr.berg@example.org", "priya.nair@example.org"):
            changes = timeline.recent_changes(users[viewer], tom_record.id)
            assert len(changes) >= 8, viewer
        summaries = {e.summary for e in timeline.recent_changes(users["dr.berg@example.org"], tom_record.id)}
        assert any(s.startswith("Weekly check-in") for s in summaries)
        assert any(s.startswith("Dose of Cat-camel") for s in summaries)


def test_a_reset_on_another_day_dates_everything_from_that_day(demo):
    """Loaded on FIRST_TODAY and reset on LATER_TODAY: every date keeps its distance from today
    (a date written into the demo as a constant would not), on SQLite and PostgreSQL alike."""
    with _travel(LATER_TODAY), demo.app.app_context():
        assert contents().only_demo
        reset_demo()
        later = _offsets(LATER_TODAY)
        latest_checkin = db.session.scalar(select(func.max(RecordEvent.occurred_at)).where(
            RecordEvent.object_type == "weekly_checkin"))
    demo.today = LATER_TODAY
    assert later.keys() == demo.first_snapshot.keys()
    for table, rows in demo.first_snapshot.items():
        assert later[table] == rows, table
    assert LATER_TODAY - timedelta(days=7) <= latest_checkin.date() <= LATER_TODAY


def test_reset_is_refused_while_the_database_holds_more_than_the_demo(demo):
    runner = demo.app.test_cli_runner()
    with demo.app.app_context():
        db.session.add(User(email="someone.real@clinic.example", name="Someone Real", role="physician"))
        db.session.commit()
    refused = runner.invoke(args=["demo-data", "--reset"])
    assert refused.exit_code != 0
    assert "1 account(s)" in refused.output and "Nothing was changed" in refused.output
    with demo.app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "someone.real@clinic.example"))
    with _travel(demo.today):
        forced = runner.invoke(args=["demo-data", "--reset", "--yes"])
    assert forced.exit_code == 0, forced.output
    assert "WARNING" in forced.output and "deletes EVERYTHING" in forced.output
    with demo.app.app_context():
        assert db.session.scalar(select(User.id).where(User.email == "someone.real@clinic.example")) is None
        assert contents().only_demo and db.session.scalar(select(func.count(User.id))) == 7
