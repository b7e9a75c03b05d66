"""Two worker processes against Redis run the schedule at the same moment: every reminder is
added once and e-mailed once (unique dedupe keys, and each e-mail claimed before it is sent)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from careteam import create_app, jobs
from careteam.config import normalise_database_url
from careteam.extensions import db
from careteam.models import Notification, ReminderSettings
from tests import factories
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URL
from tests.support.smtp import SmtpServer, free_port

REDIS_URL = "redis://127.0.0.1:6379/5"
PATIENTS = 25
ROOT = Path(__file__).resolve().parent.parent


def _redis():
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return client


def _fresh_database(tmp_path) -> str:
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path}/workers.sqlite"
    url = make_url(normalise_database_url(TEST_DATABASE_URL))
    name = f"{url.database}_workers{os.environ.get('PYTEST_XDIST_WORKER', '')}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.mark.no_rollback
def test_two_workers_send_each_reminder_exactly_once(tmp_path):
    redis = _redis()
    storage = jobs.huey.storage
    try:
        _two_workers(tmp_path, redis)
    finally:
        jobs.huey.storage = storage  # the queue is process-wide: give the suite its own back


def _two_workers(tmp_path, redis) -> None:
    redis.flushdb()
    database_url = _fresh_database(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "workers-test",
                      "CARETEAM_QUEUE_URL": REDIS_URL})
    now = datetime.now(timezone.utc)
    due = now - timedelta(minutes=1)  # every patient's weekly reminder fell due a minute ago
    with app.app_context():
        db.drop_all()
        db.create_all()
        for _ in range(PATIENTS):
            record = factories.patient()
            db.session.add(ReminderSettings(user_id=record.user_id, checkin_weekday=due.weekday(),
                                            checkin_time=due.strftime("%H:%M"), next_day_enabled=False,
                                            appointment_enabled=False))
        db.session.commit()
        emails = {record_email for (record_email,) in db.session.execute(text("SELECT email FROM users"))}

    smtp = SmtpServer(free_port()).start()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "FLASK_APP": "careteam", "DATABASE_URL": database_url,
           "CARETEAM_SECRET_KEY": "workers-test", "CARETEAM_QUEUE_URL": REDIS_URL, "CARETEAM_TIMEZONE": "UTC",
           "CARETEAM_SMTP_HOST": "127.0.0.1", "CARETEAM_SMTP_PORT": str(smtp.port), "CARETEAM_SMTP_STARTTLS": "0"}
    flask = str(Path(sys.executable).with_name("flask"))
    try:
        workers = [subprocess.Popen([flask, "worker", "--burst"], env=env, cwd=tmp_path,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [worker.communicate(timeout=180)[0] for worker in workers]
    finally:
        smtp.stop()
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    received = Counter(message["To"] for message in smtp.inbox.messages)
    assert len(received) == PATIENTS and set(received.values()) == {1}, received
    assert set(received) <= emails
    with app.app_context():
        rows = db.session.execute(db.select(Notification.kind, Notification.email_status, Notification.attempts)).all()
        assert len(rows) == PATIENTS
        assert {tuple(row) for row in rows} == {("checkin_reminder", "sent", 1)}
        db.engine.dispose()
    redis.flushdb()
