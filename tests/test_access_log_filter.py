"""'Who accessed my record' leads with the others: the patient's own visits and changes (most
rows of the list) are hidden until asked for, on her page and on the team's and admin's view."""

from __future__ import annotations

import re

import pytest

from careteam.extensions import db
from careteam.services import audit, audit_log
from tests import factories


def rows(html: str) -> list[str]:
    body = html[html.index("<tbody"):html.index("</tbody>")]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def visit_as_patient(client, clinic, times: int) -> None:
    factories.sign_in_session(client, clinic.patient_a)
    for _ in range(times):
        client.get(f"/patients/{clinic.record_a.id}")


def test_the_patient_sees_others_first_and_her_own_only_when_she_asks(client, clinic, login_as):
    visit_as_patient(client, clinic, 5)
    login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/team")
    login_as(clinic.outside_psych).get(f"/patients/{clinic.record_a.id}")  # refused

    html = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/access-log").get_data(as_text=True)
    shown = rows(html)
    assert not any(" You " in f" {row} " for row in shown), shown
    assert any("Dr. Ann Physician" in row and "Viewed care team" in row for row in shown)
    assert any("Dr. Otto Outside" in row and "refused" in row for row in shown)
    # 5 overview visits + the sign-in's own reads are counted, and the way to see them is offered
    hidden = int(re.search(r"Your own visits and changes are hidden \((\d+)\)", html).group(1))
    assert hidden >= 5
    assert f'href="/patients/{clinic.record_a.id}/access-log?all=1"' in html

    everything = login_as(clinic.patient_a).get(f"/patients/{clinic.record_a.id}/access-log?all=1")
    all_rows = rows(everything.get_data(as_text=True))
    assert sum(" You " in f" {row} " for row in all_rows) >= 6  # 5 visits + this look at the list
    assert "Hide your own visits and changes" in everything.get_data(as_text=True)
    assert len(all_rows) > len(shown)


@pytest.mark.parametrize("who", ["physician", "admin"])
def test_the_team_and_admin_also_see_the_others_first(client, clinic, login_as, who):
    visit_as_patient(client, clinic, 3)
    login_as(clinic.physio).get(f"/patients/{clinic.record_a.id}")
    html = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}/access-log").get_data(as_text=True)
    shown = rows(html)
    assert not any("Alice Patient" in row for row in shown)
    assert any("Pat Physio" in row for row in shown)
    assert "Alice Patient&#39;s own visits and changes are hidden" in html
    everything = login_as(getattr(clinic, who)).get(f"/patients/{clinic.record_a.id}/access-log?all=1")
    assert any("Alice Patient" in row for row in rows(everything.get_data(as_text=True)))


def test_a_refusal_on_the_patients_own_account_stays_in_sight(app, clinic, login_as):
    """Someone using her account and being refused is exactly what she must see."""
    with app.test_request_context():
        audit.record("read", actor=clinic.patient_a, patient_id=clinic.record_a.id, object_type="note",
                     outcome="denied")
        db.session.commit()
        log = audit_log.access_log(clinic.patient_a, clinic.record_a.id)
        assert [r.event.outcome for r in log.page.items if r.event.user_id == clinic.patient_a.id] == ["denied"]
        assert log.patient_own_hidden >= 1  # at least this look at the list
        everything = audit_log.access_log(clinic.patient_a, clinic.record_a.id, include_patient=True)
        assert everything.patient_own_hidden == 0
        assert len(everything.page.items) > len(log.page.items)
