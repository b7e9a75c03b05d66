"""Red-flag alerts: a ticked flag reaches the physicians, who acknowledge it; everyone else reads."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import AuditEvent, RecordEvent, RedFlagAlert, User
from careteam.services import alerts
from tests import factories
from tests.support.checkins import LAST_WEEK, THIS_WEEK, body, today  # noqa: F401

pytestmark = pytest.mark.usefixtures("today")

OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
NOT_PHYSICIANS = ("physio", "psych", "patient_a")
NOTE_FORM = {"note": "Called the patient, advised emergency department"}
NOTE_JSON = dict(NOTE_FORM)


def alerts_url(patient_id: int) -> str:
    return f"/patients/{patient_id}/alerts"


def ack_url(patient_id: int, alert_id: int, api: bool = False) -> str:
    return f"{'/api/v1' if api else ''}/patients/{patient_id}/alerts/{alert_id}/acknowledge"


@pytest.fixture
def raise_flags(app, api):
    def _raise(patient: str, patient_id: int, *flags: str, week=LAST_WEEK) -> int:
        """The patient ticks flags in a check-in; returns the id of the alert it raised."""
        response = api.as_(patient).put(f"/api/v1/patients/{patient_id}/checkins/{week.isoformat()}",
                                        json=body(red_flags=list(flags)))
        assert response.status_code in (200, 201), response.get_json()
        with app.app_context():
            return db.session.scalar(select(func.max(RedFlagAlert.id)).where(RedFlagAlert.patient_id == patient_id))

    return _raise


def load(app, alert_id: int) -> RedFlagAlert:
    with app.app_context():
        alert = db.session.get(RedFlagAlert, alert_id)
        db.session.expunge(alert)
        return alert


def test_a_physician_sees_the_open_alert_and_acknowledges_it(app, raise_flags, clinic, login_as):
    alert_id = raise_flags("patient_a", clinic.record_a.id, "saddle_numbness", "fever_or_weight_loss")
    client = login_as(clinic.physician)

    page = client.get(alerts_url(clinic.record_a.id)).get_data(as_text=True)
    assert "Numbness around the groin or buttocks (saddle area)" in page
    assert "Fever, or weight loss you cannot explain" in page
    assert ack_url(clinic.record_a.id, alert_id) in page and ">Acknowledge</button>" in page

    response = client.post(ack_url(clinic.record_a.id, alert_id), data=NOTE_FORM)

    assert response.status_code == 302 and response.headers["Location"].endswith(alerts_url(clinic.record_a.id))
    alert = load(app, alert_id)
    assert alert.acknowledged_by_id == clinic.physician.id and alert.acknowledged_at is not None
    history = client.get(alerts_url(clinic.record_a.id)).get_data(as_text=True)
    assert "No open alerts." in history and "by Dr. Ann Physician" in history
    assert "Alert acknowledged by you." in history


def test_acknowledging_twice_is_harmless(app, raise_flags, clinic, api):
    alert_id = raise_flags("patient_a", clinic.record_a.id, "night_pain_unrelieved")

    first = api.physician.post(ack_url(clinic.record_a.id, alert_id, api=True), json=NOTE_JSON)
    second = api.physician.post(ack_url(clinic.record_a.id, alert_id, api=True), json=NOTE_JSON)

    assert first.status_code == second.status_code == 200
    assert first.get_json()["acknowledged_at"] == second.get_json()["acknowledged_at"]
    assert second.get_json()["acknowledged_by"] == {"id": clinic.physician.id, "name": "Dr. Ann Physician"}
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.action).where(
            AuditEvent.object_type == "red_flag_alert", AuditEvent.action == "acknowledge")).all()
        timeline = db.session.scalars(select(RecordEvent.summary).where(RecordEvent.part == "alerts")
                                      .order_by(RecordEvent.id)).all()
    assert events == ["acknowledge"]
    assert timeline == ["Red-flag alert raised: Pain at night that rest does not relieve",
                        "Red-flag alert acknowledged: Pain at night that rest does not relieve"]


@pytest.mark.parametrize("who", NOT_PHYSICIANS)
def test_only_physicians_may_acknowledge(app, raise_flags, clinic, api, login_as, who):
    alert_id = raise_flags("patient_a", clinic.record_a.id, "saddle_numbness")

    page = login_as(getattr(clinic, who)).get(alerts_url(clinic.record_a.id))
    assert page.status_code == 200
    assert ">Acknowledge</button>" not in page.get_data(as_text=True)
    assert "Only a physician on the care team can acknowledge" in page.get_data(as_text=True)
    assert login_as(getattr(clinic, who)).post(ack_url(clinic.record_a.id, alert_id), data=NOTE_FORM).status_code == 403
    assert api.as_(who).post(ack_url(clinic.record_a.id, alert_id, api=True), json=NOTE_JSON).status_code == 403
    assert load(app, alert_id).acknowledged_at is None


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admins_get_404(app, raise_flags, clinic, api, login_as, who):
    alert_id = raise_flags("patient_a", clinic.record_a.id, "saddle_numbness")

    assert login_as(getattr(clinic, who)).get(alerts_url(clinic.record_a.id)).status_code == 404
    assert login_as(getattr(clinic, who)).post(ack_url(clinic.record_a.id, alert_id), data=NOTE_FORM).status_code == 404
    assert api.as_(who).get(f"/api/v1/patients/{clinic.record_a.id}/alerts").status_code == 404
    assert api.as_(who).post(ack_url(clinic.record_a.id, alert_id, api=True), json=NOTE_JSON).status_code == 404
    assert load(app, alert_id).acknowledged_at is None


def test_an_alert_of_another_patient_is_not_found_under_this_record(app, raise_flags, clinic, api):
    b_alert = raise_flags("patient_b", clinic.record_b.id, "saddle_numbness")

    response = api.physician.post(ack_url(clinic.record_a.id, b_alert, api=True), json=NOTE_JSON)

    assert response.status_code == 404
    assert load(app, b_alert).acknowledged_at is None


@pytest.mark.parametrize("who", ("physician", "physio", "psych", "patient_a"))
def test_everyone_on_the_record_lists_open_and_all_alerts(raise_flags, clinic, api, who):
    first = raise_flags("patient_a", clinic.record_a.id, "fever_or_weight_loss", week=LAST_WEEK)
    api.physician.post(ack_url(clinic.record_a.id, first, api=True), json=NOTE_JSON)
    raise_flags("patient_a", clinic.record_a.id, "saddle_numbness", week=THIS_WEEK)
    url = f"/api/v1/patients/{clinic.record_a.id}/alerts"

    open_now = api.as_(who).get(url).get_json()
    everything = api.as_(who).get(f"{url}?status=all").get_json()

    assert [a["flags"] for a in open_now] == [["saddle_numbness"]]
    assert open_now[0]["week_start"] == THIS_WEEK.isoformat() and open_now[0]["acknowledged_at"] is None
    assert open_now[0]["flag_labels"] == ["Numbness around the groin or buttocks (saddle area)"]
    assert [a["flags"] for a in everything] == [["saddle_numbness"], ["fever_or_weight_loss"]]
    assert everything[1]["acknowledged_by"]["name"] == "Dr. Ann Physician"


@pytest.mark.parametrize("query", ["status=closed", "colour=red"])
def test_the_alert_list_refuses_unknown_queries(clinic, api, query):
    response = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/alerts?{query}")
    assert response.status_code == 422 and response.get_json()["errors"]


def test_the_check_ins_page_links_to_the_alerts(clinic, login_as):
    page = login_as(clinic.psych).get(f"/patients/{clinic.record_a.id}/check-ins").get_data(as_text=True)
    assert f'href="{alerts_url(clinic.record_a.id)}"' in page


def test_a_web_acknowledgement_leaves_the_red_flag_on_the_checkin(raise_flags, clinic, login_as):
    alert_id = raise_flags("patient_a", clinic.record_a.id, "bladder_or_bowel_change")
    login_as(clinic.physician).post(ack_url(clinic.record_a.id, alert_id), data=NOTE_FORM)

    page = login_as(clinic.physio).get(f"/patients/{clinic.record_a.id}/check-ins").get_data(as_text=True)

    assert "1 red flag" in page and "open red-flag alert" not in page


def test_open_alert_counts_in_one_query(app, raise_flags, clinic, count_queries):
    raise_flags("patient_a", clinic.record_a.id, "saddle_numbness", week=LAST_WEEK)
    raise_flags("patient_a", clinic.record_a.id, "fever_or_weight_loss", week=THIS_WEEK)
    with app.app_context():
        lonely = factories.patient().id
        with count_queries() as statements:
            counts = alerts.open_alert_counts([clinic.record_a.id, clinic.record_b.id, lonely])
        assert alerts.open_alert_counts([]) == {}
    assert counts == {clinic.record_a.id: 2, clinic.record_b.id: 0, lonely: 0}
    assert len(statements) == 1


def test_open_alerts_for_the_dashboard_are_an_audited_read(app, raise_flags, clinic):
    raise_flags("patient_a", clinic.record_a.id, "saddle_numbness")
    with app.test_request_context():
        reader = db.session.get(User, clinic.psych.id)
        found = alerts.open_alerts(reader, clinic.record_a.id)
        assert [a.flags for a in found] == [["saddle_numbness"]]
    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id).where(
            AuditEvent.user_id == clinic.psych.id, AuditEvent.object_type == "red_flag_alert",
            AuditEvent.action == "read")) is not None


def test_the_audit_trail_names_no_red_flag(app, raise_flags, clinic, login_as):
    """The admin reads the trail and sees no clinical content: the alert's event says what and
    whose, not which symptoms."""
    alert_id = raise_flags("patient_a", clinic.record_a.id, "saddle_numbness", "fever_or_weight_loss")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "red_flag_alert",
                                                           AuditEvent.object_id == str(alert_id)))
    assert event is not None and event.detail is None
    page = login_as(clinic.admin).get("/admin/audit?action=create").get_data(as_text=True)
    assert f"create red_flag_alert #{alert_id}" in page
    for clinical in ("saddle", "fever", "Fever"):
        assert clinical not in page
