"""Alert e-mails: only an admin switches them off for a clinician (clinic policy); the bell keeps
the alert, the clinician is told, the change is audited, and nobody else can do it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, EmailOptOut, Notification
from careteam.models.notification import EMAIL_NONE, EMAIL_PENDING
from careteam.services import outbox
from tests.support.checkins import today  # noqa: F401
from tests.test_outbox import clock_at, raise_red_flag, run_worker  # noqa: F401

pytestmark = pytest.mark.usefixtures("today")


def _switch(client, user_id: int, state: str):
    return client.post(f"/admin/alert-emails/{user_id}", data={"state": state})


def test_the_admin_switches_a_physicians_alert_emails_off_and_on(app, api, clinic, smtp, clock_at, login_as):
    admin = login_as(clinic.admin)
    page = admin.get("/admin/alert-emails")
    assert page.status_code == 200 and clinic.physician.name in page.get_data(as_text=True)
    assert clinic.patient_a.name not in page.get_data(as_text=True)  # clinicians only
    assert _switch(admin, clinic.physician.id, "off").status_code == 302
    assert smtp.inbox.to(clinic.physician.email)[-1]["Subject"] == "Your careteam alert e-mails were switched off"

    raise_red_flag(app, api, clinic)
    run_worker(app)
    assert not [m for m in smtp.inbox.to(clinic.physician.email) if "alert" in m.get_content() and "switched" not in m["Subject"]]
    with app.app_context():
        row = db.session.scalar(select(Notification).where(Notification.recipient_id == clinic.physician.id,
                                                           Notification.kind == "red_flag"))
        assert row.email_status == EMAIL_NONE  # the bell still has it
        events = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.object_type == "alert_email_policy",
                                                                    AuditEvent.action == "update")).all()
        assert events == ["alert e-mails off"]

    settings = login_as(clinic.physician).get("/account/notifications").get_data(as_text=True)
    assert "has switched off alert e-mails for you" in settings

    admin = login_as(clinic.admin)
    assert _switch(admin, clinic.physician.id, "on").status_code == 302
    with app.app_context():
        assert db.session.scalars(select(EmailOptOut).where(EmailOptOut.user_id == clinic.physician.id)).all() == []
        outbox.notify(clinic.physician.id, "red_flag", f"/patients/{clinic.record_a.id}/alerts", dedupe_key="again")
        db.session.commit()
        assert db.session.scalar(select(Notification.email_status).where(
            Notification.dedupe_key == "again")) == EMAIL_PENDING


@pytest.mark.parametrize("who", ["physician", "physio", "psych", "patient_a"])
def test_nobody_but_an_admin_may_switch_them(app, clinic, login_as, who):
    client = login_as(getattr(clinic, who))
    assert client.get("/admin/alert-emails").status_code == 403
    assert client.post(f"/admin/alert-emails/{clinic.physician.id}", data={"state": "off"}).status_code == 403
    with app.app_context():
        assert db.session.scalars(select(EmailOptOut)).all() == []


def test_a_patient_or_unknown_account_is_not_a_clinician_here(app, clinic, login_as):
    admin = login_as(clinic.admin)
    assert _switch(admin, clinic.patient_a.id, "off").status_code == 404
    assert _switch(admin, 999_999, "off").status_code == 404


def test_the_one_click_link_cannot_switch_off_an_alert(app, clinic, client):
    with app.app_context():
        token = outbox.unsubscribe_token(clinic.physician.id, "red_flag")
    client.post(f"/unsubscribe/{token}")
    with app.app_context():
        assert db.session.scalars(select(EmailOptOut)).all() == []
