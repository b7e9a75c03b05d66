"""Reaching people through the outbox: red flags by e-mail to the team's physicians (and nobody
else), nothing lost while SMTP is down, escalation at the configured times, no health data."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AlertEscalation, Notification, RedFlagAlert
from careteam.services import outbox
from tests.support.checkins import LAST_WEEK, body, today  # noqa: F401

pytestmark = pytest.mark.usefixtures("today")

NOW = datetime(2026, 3, 11, 9, 0, tzinfo=timezone.utc)  # within the `today` fixture's Wednesday
CLINICAL_WORDS = ("numbness", "saddle", "bladder", "bowel", "red flag", "red-flag", "pain", "fever", "weakness")


@pytest.fixture
def clock_at():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def raise_red_flag(app, api, clinic, *flags) -> int:
    response = api.patient_a.put(f"/api/v1/patients/{clinic.record_a.id}/checkins/{LAST_WEEK.isoformat()}",
                                 json=body(red_flags=list(flags or ["saddle_numbness"])))
    assert response.status_code in (200, 201), response.get_json()
    with app.app_context():
        return db.session.scalar(select(RedFlagAlert.id).where(RedFlagAlert.patient_id == clinic.record_a.id)
                                 .order_by(RedFlagAlert.id.desc()))


def run_worker(app) -> tuple[int, int]:
    from careteam.services import schedule

    with app.app_context():
        result = schedule.run_due()
    return result["emails_sent"], result["escalations"]


def notifications(app, **where) -> list[Notification]:
    with app.app_context():
        rows = list(db.session.scalars(select(Notification).filter_by(**where).order_by(Notification.id)))
        db.session.expunge_all()
        return rows


def test_a_red_flag_emails_each_physician_on_the_team_and_nobody_else(app, api, clinic, smtp, clock_at):
    raise_red_flag(app, api, clinic, "saddle_numbness", "bladder_or_bowel_change")

    sent, _ = run_worker(app)

    assert sent == 1
    assert [m["To"] for m in smtp.inbox.messages] == [clinic.physician.email]
    message = smtp.inbox.messages[0]
    text = message.get_content()
    assert "A patient on your care team has a new alert in careteam:" in text
    assert f"/patients/{clinic.record_a.id}/alerts" in text
    whole = message.as_string().lower()
    assert "alice" not in whole and "patient a" not in whole.replace("a patient", "")
    assert not [word for word in CLINICAL_WORDS if word in whole]
    # An alert to a clinician cannot be switched off by the clinician alone.
    assert message["List-Unsubscribe"] is None
    # The physician's bell shows it; the physiotherapist's and psychologist's do not (yet).
    assert [n.recipient_id for n in notifications(app, kind="red_flag")] == [clinic.physician.id]


def test_the_escalation_steps_fire_at_the_configured_times(app, api, clinic, smtp, clock_at, monkeypatch, login_as):
    monkeypatch.setitem(app.config, "CARETEAM_ALERT_ESCALATE_MINUTES", 30)
    monkeypatch.setitem(app.config, "CARETEAM_ESCALATION_EMAIL", "oncall@clinic.example")
    alert_id = raise_red_flag(app, api, clinic)
    run_worker(app)

    clock_at.shift(timedelta(minutes=29))
    assert run_worker(app) == (0, 0)

    clock_at.shift(timedelta(minutes=1))  # 30 minutes: the rest of the care team
    assert run_worker(app) == (2, 1)
    assert sorted(m["To"] for m in smtp.inbox.messages[1:]) == sorted([clinic.physio.email, clinic.psych.email])
    assert run_worker(app) == (0, 0)  # a second run (another worker) adds nothing

    clock_at.shift(timedelta(minutes=30))  # 60 minutes: the clinic's escalation address
    assert run_worker(app) == (1, 1)
    assert smtp.inbox.messages[-1]["To"] == "oncall@clinic.example"
    assert "new alert in careteam" in smtp.inbox.messages[-1].get_content()

    with app.app_context():
        steps = db.session.execute(select(AlertEscalation.step, AlertEscalation.at, AlertEscalation.recipients)
                                   .where(AlertEscalation.alert_id == alert_id).order_by(AlertEscalation.step)).all()
    assert [(s, at.replace(tzinfo=timezone.utc) if at.tzinfo is None else at, n) for s, at, n in steps] == [
        (1, NOW, 1), (2, NOW + timedelta(minutes=30), 2), (3, NOW + timedelta(minutes=60), 1)]
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/alerts").get_data(as_text=True)
    assert "Physicians on the care team notified" in page
    assert "the rest of the care team notified" in page and "escalation address notified" in page


def test_an_acknowledged_alert_does_not_escalate(app, api, clinic, smtp, clock_at, login_as):
    alert_id = raise_red_flag(app, api, clinic)
    response = login_as(clinic.physician).post(f"/patients/{clinic.record_a.id}/alerts/{alert_id}/acknowledge",
                                               data={"note": "Called the patient"})
    assert response.status_code == 302
    clock_at.shift(timedelta(hours=5))
    run_worker(app)
    assert [n.kind for n in notifications(app)] == ["red_flag"]


def test_smtp_down_loses_nothing_and_delivers_after_recovery(app, api, clinic, smtp, clock_at):
    smtp.stop()
    raise_red_flag(app, api, clinic)

    assert run_worker(app) == (0, 0)
    [pending] = notifications(app, kind="red_flag")
    assert (pending.email_status, pending.attempts, pending.last_error) == ("pending", 1, "ConnectionRefusedError")
    assert pending.next_attempt_at == NOW + timedelta(seconds=60)

    clock_at.shift(timedelta(seconds=59))
    run_worker(app)
    assert notifications(app, kind="red_flag")[0].attempts == 1  # not yet due again

    clock_at.shift(timedelta(seconds=1))
    run_worker(app)
    second = notifications(app, kind="red_flag")[0]
    assert second.attempts == 2 and second.next_attempt_at == NOW + timedelta(seconds=60 + 120)  # backoff doubles

    smtp.start()
    clock_at.shift(timedelta(seconds=120))
    assert run_worker(app) == (1, 0)
    delivered = notifications(app, kind="red_flag")[0]
    assert (delivered.email_status, delivered.attempts, delivered.last_error) == ("sent", 3, None)
    assert [m["To"] for m in smtp.inbox.messages] == [clinic.physician.email]


def test_after_the_last_attempt_a_notification_is_marked_failed(app, api, clinic, smtp, clock_at):
    smtp.stop()
    raise_red_flag(app, api, clinic)
    for _ in range(3):  # CARETEAM_MAIL_MAX_ATTEMPTS in the smtp fixture
        run_worker(app)
        clock_at.shift(timedelta(hours=1))
    failed = notifications(app, kind="red_flag")[0]
    assert (failed.email_status, failed.attempts, failed.next_attempt_at) == ("failed", 3, None)
    # Still in the physician's bell: in-app does not depend on e-mail.
    assert failed.read_at is None


def test_without_an_smtp_host_emails_become_eml_files(app, api, clinic, clock_at, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "CARETEAM_SMTP_HOST", "")
    monkeypatch.setitem(app.config, "CARETEAM_MAIL_DIR", str(tmp_path / "mail"))
    raise_red_flag(app, api, clinic)
    assert run_worker(app)[0] == 1
    [eml] = list((tmp_path / "mail").glob("*.eml"))
    content = eml.read_text()
    assert f"To: {clinic.physician.email}" in content and "new alert in careteam" in content


def test_notify_adds_to_the_callers_transaction_and_dedupes(app, clinic):
    with app.app_context():
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in", dedupe_key="k:1")
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in", dedupe_key="k:1")
        db.session.rollback()  # the cause failed: no notification either
        assert db.session.scalar(select(Notification.id)) is None
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in", dedupe_key="k:1")
        db.session.commit()
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in", dedupe_key="k:1")
        db.session.commit()
        assert len(db.session.scalars(select(Notification)).all()) == 1


def test_reminder_emails_carry_a_one_click_unsubscribe(app, clinic, smtp, client):
    with app.app_context():
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in")
        db.session.commit()
    run_worker(app)
    [message] = smtp.inbox.messages
    url = message["List-Unsubscribe"].strip("<>")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in message.get_content()
    path = url.split("127.0.0.1:5000", 1)[1]

    confirm = client.get(path)
    assert confirm.status_code == 200 and "Stop these e-mails?" in confirm.get_data(as_text=True)
    # RFC 8058: the mail client posts, without a session or CSRF token.
    done = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Unsubscribed" in done.get_data(as_text=True)

    with app.app_context():
        outbox.notify(clinic.patient_a.id, "checkin_reminder", "/my-record/check-in")
        outbox.notify(clinic.patient_a.id, "appointment_reminder", f"/patients/{clinic.record_a.id}/appointments")
        db.session.commit()
    [reminder, appointment] = notifications(app)[1:]
    assert reminder.email_status == "none" and appointment.email_status == "pending"


@pytest.mark.parametrize("tamper", ["forged", "other_account", "alert_kind"])
def test_a_bad_unsubscribe_link_changes_nothing(app, clinic, client, login_as, tamper):
    with app.app_context():
        token = outbox.unsubscribe_token(clinic.patient_a.id, "checkin_reminder")
        if tamper == "forged":
            token = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
        elif tamper == "alert_kind":
            token = outbox.unsubscribe_token(clinic.physician.id, "red_flag")
    if tamper == "other_account":
        client = login_as(clinic.patient_b)
    response = client.post(f"/unsubscribe/{token}")
    assert response.status_code == 400
    assert "does not work" in response.get_data(as_text=True) and "Nothing was changed" in response.get_data(as_text=True)
    with app.app_context():
        from careteam.models import EmailOptOut

        assert db.session.scalar(select(EmailOptOut.id)) is None


def test_the_admin_delivery_log_shows_outcomes_without_content(app, api, clinic, smtp, clock_at, login_as):
    raise_red_flag(app, api, clinic)
    run_worker(app)
    page = login_as(clinic.admin).get("/admin/deliveries")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert ">alert<" in text and clinic.physician.email in text and ">sent<" in text
    assert "Alice" not in text and "/alerts" not in text and "numbness" not in text.lower()
    assert login_as(clinic.physician).get("/admin/deliveries").status_code == 403
