"""My patients: last check-in, open alerts, pain trend and overdue flags, sortable, fixed query count."""

from __future__ import annotations

import re
from datetime import timedelta

from careteam.extensions import db
from careteam.models import RedFlagAlert
from careteam.services import clock
from tests import factories
from tests.support import ledger as build


def names_in_order(html: str) -> list[str]:
    return re.findall(r'<td><a href="/patients/\d+">([^<]+)</a>', html)


def test_flags_and_sorting(app, clinic, login_as):
    with app.app_context():
        today = clock.today()
        # Alice: pain rose from 3 to 6 over four weeks, checked in this week; one open alert.
        build.checkin_weeks(clinic.record_a.id, clinic.patient_a.id, today, 5, lambda n: [3, 3, 4, 5, 6][n])
        db.session.add(RedFlagAlert(patient_id=clinic.record_a.id, flags=["saddle_numbness"]))
        # Carl: last check-in three weeks ago, pain steady.
        carl = factories.patient((factories.user("physician", name="x"),), name="Carl Patient")
        from careteam.models import CareTeamMember

        db.session.add(CareTeamMember(patient=carl, clinician_id=clinic.physician.id, discipline="physician"))
        old = build.checkin_weeks(carl.id, carl.user_id, today - timedelta(weeks=3), 2)
        for checkin in old:
            checkin.submitted_at = clock.now() - timedelta(days=21)
        db.session.commit()
    client = login_as(clinic.physician)
    page = client.get("/patients").get_data(as_text=True)
    assert names_in_order(page) == ["Alice Patient", "Carl Patient"]
    assert "worse by 3" in page and "1 open" in page and "Open red-flag alert" in page
    assert page.count("no check-in for 14+ days") == 1
    assert names_in_order(client.get("/patients?sort=last_checkin").get_data(as_text=True)) == [
        "Carl Patient", "Alice Patient"]
    assert names_in_order(client.get("/patients?sort=alerts").get_data(as_text=True))[0] == "Alice Patient"
    assert names_in_order(client.get("/patients?sort=trend").get_data(as_text=True))[0] == "Alice Patient"
    assert client.get("/patients?sort=nonsense").status_code == 200


def test_patients_never_checked_in_are_overdue(clinic, login_as):
    page = login_as(clinic.psych).get("/patients").get_data(as_text=True)
    assert "never" in page and "no check-in for 14+ days" in page and "not enough check-ins" in page


def test_query_count_does_not_grow_with_patients(app, clinic, login_as, count_queries):
    client = login_as(clinic.physio)
    with count_queries() as few:
        client.get("/patients")
    with app.app_context():
        for n in range(12):
            record = factories.patient((), name=f"Extra {n}")
            from careteam.models import CareTeamMember

            db.session.add(CareTeamMember(patient=record, clinician_id=clinic.physio.id, discipline="physiotherapist"))
            build.checkin_weeks(record.id, record.user_id, clock.today(), 6)
            db.session.add(RedFlagAlert(patient_id=record.id, flags=["fever_or_weight_loss"]))
        db.session.commit()
    with count_queries() as many:
        page = client.get("/patients").get_data(as_text=True)
    assert "Extra 11" in page
    assert len(many) == len(few), "\n".join(many)
