"""`flask worker --burst` runs the due work once and exits; `make run` prints the real address."""

from __future__ import annotations

from datetime import datetime, timezone

import time_machine
from sqlalchemy import select

from careteam import jobs
from careteam.extensions import db
from careteam.models import Notification
from careteam.services import outbox
from careteam.startup import bind_address


def test_burst_delivers_what_is_due_and_exits(app, clinic, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "CARETEAM_SMTP_HOST", "")
    monkeypatch.setitem(app.config, "CARETEAM_MAIL_DIR", str(tmp_path))
    with time_machine.travel(datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc), tick=False):
        with app.app_context():
            outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in")
            db.session.commit()
        result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "written as .eml files" in result.output and "ran 1 job(s)" in result.output
    assert len(list(tmp_path.glob("*.eml"))) == 1
    with app.app_context():
        assert db.session.scalar(select(Notification.email_status)) == "sent"


def test_queue_health_reports_the_outbox(app, clinic):
    with app.app_context():
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in")
        db.session.commit()
        health = jobs.queue_health()
    assert health["queue"] == "ok" and health["outbox"] == {"pending": 1, "overdue": 0, "failed": 0}
    assert health["ok"] is True


def test_the_start_up_message_uses_the_configured_bind(monkeypatch):
    monkeypatch.setenv("CARETEAM_BIND", "0.0.0.0:8123")
    assert bind_address() == "http://127.0.0.1:8123"
    monkeypatch.setenv("CARETEAM_BIND", "10.0.0.5:9000")
    assert bind_address() == "http://10.0.0.5:9000"
