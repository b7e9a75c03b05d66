"""Per-user write limits: past CARETEAM_WRITE_LIMIT_PER_USER a write answers 429 with a clear
message (page or JSON) and saves nothing; reads, other people and signing out are unaffected."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from careteam.extensions import db
from careteam.models import Question


def questions_url(clinic, api: bool = False) -> str:
    return f"{'/api/v1' if api else ''}/patients/{clinic.record_a.id}/questions"


def question_count(app, clinic) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Question)
                                 .where(Question.patient_id == clinic.record_a.id))


@pytest.fixture
def three_writes(app, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_WRITE_LIMIT_PER_USER", "3 per minute")


def test_api_writes_past_the_limit_answer_429_in_json(app, api, clinic, three_writes):
    for n in range(3):
        assert api.patient_a.post(questions_url(clinic, True), json={"text": f"Question {n}?"}).status_code == 201
    refused = api.patient_a.post(questions_url(clinic, True), json={"text": "One more?"})
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 60
    assert "saved a lot in a short time" in refused.get_json()["errors"]["_"][0]
    assert question_count(app, clinic) == 3
    assert api.patient_a.get(questions_url(clinic, True)).status_code == 200  # reads go on
    assert api.physician.post(questions_url(clinic, True), json={"text": "Mine?"}).status_code == 201


def test_page_writes_past_the_limit_answer_a_429_page(app, clinic, login_as, three_writes):
    client = login_as(clinic.patient_a)
    for n in range(3):
        assert client.post(questions_url(clinic), data={"text": f"Question {n}?"}).status_code == 302
    refused = client.post(questions_url(clinic), data={"text": "One more?"})
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert b"saved a lot in a short time" in refused.data
    assert client.post("/logout").status_code == 302  # signing out is never limited


def test_the_budget_is_shared_by_every_kind_of_write(app, api, clinic, three_writes):
    assert api.patient_a.post(questions_url(clinic, True), json={"text": "A question?"}).status_code == 201
    api.patient_a.post(f"/api/v1/patients/{clinic.record_a.id}/exposure-items", json={})  # 4xx still counts
    api.patient_a.post(questions_url(clinic, True), json={"text": "Another?"})
    assert api.patient_a.post(questions_url(clinic, True), json={"text": "More?"}).status_code == 429


def test_an_empty_setting_means_no_limit(app, api, clinic, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_WRITE_LIMIT_PER_USER", "")
    for n in range(5):
        assert api.patient_a.post(questions_url(clinic, True), json={"text": f"Q{n}?"}).status_code == 201
