"""The migrations build the schema from nothing, go down and up again, and agree with the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from careteam import create_app
from careteam.extensions import db
from tests.conftest import ON_POSTGRES, make_config


@pytest.fixture
def empty_database_url(database_url, tmp_path):
    """A database of its own, empty, on the same backend as the run."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path}/migrations.sqlite"
        return
    url = make_url(database_url)
    name = f"{url.database}_migrations"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata)


def table_names(app) -> set[str]:
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


@pytest.mark.no_rollback
def test_upgrade_downgrade_upgrade_and_models_agree(empty_database_url, monkeypatch):
    monkeypatch.setenv("CARETEAM_ALLOW_DATA_LOSS", "1")
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade()
    assert table_names(app) == set(db.metadata.tables)
    assert differences(app) == []
    with app.app_context():
        downgrade(revision="base")
    assert table_names(app) == set()
    with app.app_context():
        upgrade()
    assert differences(app) == []
    with app.app_context():
        # the migrations install the same append-only guard as create_all
        db.session.execute(text(
            "INSERT INTO audit_events (occurred_at, action, outcome) VALUES (CURRENT_TIMESTAMP, 'x', 'success')"))
        db.session.commit()
        with pytest.raises(Exception, match="append-only"):
            db.session.execute(text("DELETE FROM audit_events"))
            db.session.commit()
        db.session.rollback()
        db.engine.dispose()


@pytest.mark.no_rollback
def test_a_downgrade_that_drops_data_refuses_unless_forced(empty_database_url, monkeypatch, capfd):
    monkeypatch.delenv("CARETEAM_ALLOW_DATA_LOSS", raising=False)
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade()
    for target in ("0002", "0001", "base"):
        with app.app_context(), pytest.raises(SystemExit):  # flask-migrate logs the message and exits 1
            downgrade(revision=target)
        assert "Back up first" in capfd.readouterr().err
        assert table_names(app) == set(db.metadata.tables)
        assert differences(app) == []
    monkeypatch.setenv("CARETEAM_ALLOW_DATA_LOSS", "1")
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
    assert table_names(app) == set()


@pytest.mark.no_rollback
def test_events_written_before_the_chain_are_chained_by_the_upgrade(empty_database_url):
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0002")
        for action in ("read", "export", "sign_in"):
            db.session.execute(text(
                "INSERT INTO audit_events (occurred_at, action, outcome, object_id) "
                "VALUES (CURRENT_TIMESTAMP, :action, 'success', '7')"), {"action": action})
        db.session.commit()
        upgrade()
        db.engine.dispose()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "intact, 3 events" in result.output


@pytest.mark.no_rollback
def test_0009_turns_answers_into_replies_marks_everything_read_and_refuses_to_drop_replies(
        empty_database_url, monkeypatch, capfd):
    from careteam.models import Question, QuestionRead, QuestionReply
    from careteam.services import question_replies
    from tests import factories
    from tests.support.notes import add_question

    monkeypatch.delenv("CARETEAM_ALLOW_DATA_LOSS", raising=False)
    app = create_app(make_config(empty_database_url))
    with app.app_context():
        upgrade(revision="0008_questionnaire_reminders")
        cast = factories.clinic()
        ids = dict(physician=cast.physician.id, physio=cast.physio.id, psych=cast.psych.id, patient=cast.patient_a.id,
                   physician_b=cast.physician_b.id, record=cast.record_a.id)
        answered = add_question(ids["record"], cast.patient_a, "Is heat safe?", answered_by=cast.physio, answer="Yes.")
        closed_silently = add_question(ids["record"], cast.patient_a, "Noted?", answered_by=cast.physician)
        still_open = add_question(ids["record"], cast.physician, "Any numbness?")
        db.session.remove()
        upgrade(revision="0009_question_replies")  # later revisions refuse their own downgrades first
        replies = db.session.scalars(select_all(QuestionReply)).all()
        assert [(r.question_id, r.author_id, r.author_role, r.text, r.is_answer) for r in replies] == [
            (answered, ids["physio"], "physiotherapist", "Yes.", True)]
        assert replies[0].created_at == db.session.get(Question, answered).answered_at
        reads = {(r.question_id, r.user_id): r.last_reply_id for r in db.session.scalars(select_all(QuestionRead))}
        readers = {ids["patient"], ids["physician"], ids["physio"], ids["psych"]}
        assert reads == {(q, u): (replies[0].id if q == answered else 0)
                         for q in (answered, closed_silently, still_open) for u in readers}
        assert all(not u.new and not u.unread for u in question_replies.unread_for(ids["psych"], ids["record"]).values())
        assert db.session.get(Question, answered).answer == "Yes."  # kept for older readers
        db.session.remove()
        with pytest.raises(SystemExit):
            downgrade(revision="0008_questionnaire_reminders")
        assert "replies under questions" in capfd.readouterr().err
        assert "question_replies" in table_names(app)
    monkeypatch.setenv("CARETEAM_ALLOW_DATA_LOSS", "1")
    with app.app_context():
        downgrade(revision="0008_questionnaire_reminders")
        assert {"question_replies", "question_reads"}.isdisjoint(table_names(app))
        assert db.session.execute(text("SELECT answer FROM questions WHERE id = :id"), {"id": answered}).scalar() == "Yes."
        db.session.remove()
        downgrade(revision="base")
        db.engine.dispose()


def select_all(model):
    """Every row of a model's table, in primary-key order."""
    from sqlalchemy import select

    return select(model).order_by(*model.__table__.primary_key.columns)
