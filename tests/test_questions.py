"""Questions for the next appointment: asking, marking answered, reopening; pages and API.
The conversation under a question is in tests/test_question_replies.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select

from careteam.extensions import db
from careteam.models import AuditEvent, Question, RecordEvent
from careteam.services import questions
from careteam.services.errors import Conflict
from tests.support.notes import add_question

TEAM = ("patient_a", "physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
NOT_FOUND = {"errors": {"_": ["There is nothing here, or you do not have access to it."]}}


def api_url(clinic, suffix: str = "") -> str:
    return f"/api/v1/patients/{clinic.record_a.id}/questions{suffix}"


def page_url(clinic, suffix: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/questions{suffix}"


@pytest.fixture
def asked(app, clinic):
    """Open questions from the patient and the physio, one answered question; ids by name."""
    with app.app_context():
        return SimpleNamespace(
            by_patient=add_question(clinic.record_a.id, clinic.patient_a, "Can I go swimming?"),
            by_physio=add_question(clinic.record_a.id, clinic.physio, "Which exercise hurts most?"),
            answered=add_question(clinic.record_a.id, clinic.patient_a, "Is heat safe?", answered_by=clinic.physician,
                                  answer="Yes, 15 minutes."),
        )


# --- asking -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", TEAM + OUTSIDERS)
def test_api_ask_by_role(api, app, clinic, who):
    response = getattr(api, who).post(api_url(clinic), json={"text": "  What about cycling?  "})

    if who in TEAM:
        assert response.status_code == 201
        body = response.get_json()
        assert body["text"] == "What about cycling?" and body["asked_by_id"] == getattr(clinic, who).id
        assert body["answered"] is False and body["answered_at"] is None
    else:
        assert response.status_code == 404 and response.get_json() == NOT_FOUND


@pytest.mark.parametrize("who", TEAM + OUTSIDERS)
def test_page_ask_by_role(app, clinic, login_as, who):
    response = login_as(getattr(clinic, who)).post(page_url(clinic), data={"text": "What about cycling?"})

    assert response.status_code == (302 if who in TEAM else 404)
    with app.app_context():
        count = len(db.session.scalars(select(Question)).all())
    assert count == (1 if who in TEAM else 0)


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "text"), ({"text": "   "}, "text"), ({"text": "x" * 2_001}, "text"),
    ({"text": "Q", "asked_by_id": 1}, "asked_by_id"), ({"text": "Q", "patient_id": 2}, "patient_id"),
    ({"text": "Q", "answered_at": "2026-01-01T00:00:00Z"}, "answered_at"),
])
def test_api_ask_rejects_bad_input(api, clinic, payload, field):
    response = api.patient_a.post(api_url(clinic), json=payload)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]


def test_page_ask_with_bad_input_keeps_it(clinic, login_as):
    long_text = "why " * 501
    response = login_as(clinic.patient_a).post(page_url(clinic), data={"text": long_text})
    assert response.status_code == 422
    assert long_text.strip() in response.get_data(as_text=True)
    empty = login_as(clinic.patient_a).post(page_url(clinic), data={"text": " "})
    assert empty.status_code == 422 and "Write the question." in empty.get_data(as_text=True)


# --- listing ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", TEAM)
def test_api_list_by_status(api, clinic, asked, who):
    client = getattr(api, who)
    open_ids = [q["id"] for q in client.get(api_url(clinic)).get_json()]
    answered = client.get(api_url(clinic, "?status=answered")).get_json()
    everything = [q["id"] for q in client.get(api_url(clinic, "?status=all")).get_json()]

    assert open_ids == [asked.by_patient, asked.by_physio]  # oldest first: the agenda
    assert [(q["id"], q["answer"], q["answered_by_name"]) for q in answered] == [
        (asked.answered, "Yes, 15 minutes.", "Dr. Ann Physician")]
    assert everything == [asked.by_patient, asked.by_physio, asked.answered]


def test_api_list_rejects_an_unknown_status(api, clinic):
    assert api.physician.get(api_url(clinic, "?status=closed")).status_code == 422


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_and_admin_get_404(api, clinic, login_as, asked, who):
    client = getattr(api, who)
    for response in (client.get(api_url(clinic)),
                     client.post(api_url(clinic, f"/{asked.by_patient}/answer"), json={}),
                     client.post(api_url(clinic, f"/{asked.answered}/reopen"), json={})):
        assert response.status_code == 404 and response.get_json() == NOT_FOUND
    assert login_as(getattr(clinic, who)).get(page_url(clinic)).status_code == 404


def test_a_question_of_another_patient_is_404(api, app, clinic):
    with app.app_context():
        bobs = add_question(clinic.record_b.id, clinic.patient_b, "Bob's question")
    response = api.physio.post(api_url(clinic, f"/{bobs}/answer"), json={})
    assert response.status_code == 404 and response.get_json() == NOT_FOUND
    with app.app_context():
        denied = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "question",
                                                            AuditEvent.outcome == "denied"))
        answered_at = db.session.get(Question, bobs).answered_at
    assert denied.object_id == str(bobs) and denied.user_id == clinic.physio.id and answered_at is None


# --- answering and reopening ----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["physician", "physio", "psych"])
def test_any_clinician_marks_any_question_answered(api, clinic, asked, who):
    response = getattr(api, who).post(api_url(clinic, f"/{asked.by_patient}/answer"), json={"answer": " Yes. "})

    assert response.status_code == 200
    body = response.get_json()
    assert body["answered"] and body["answered_by_id"] == getattr(clinic, who).id and body["answer"] == "Yes."
    assert body["answered_at"]


def test_answer_is_optional(api, clinic, asked):
    body = api.psych.post(api_url(clinic, f"/{asked.by_physio}/answer"), json={}).get_json()
    assert body["answered"] and body["answer"] == ""


def test_the_patient_replies_but_does_not_close_even_her_own_questions(api, clinic, asked):
    for qid in (asked.by_patient, asked.by_physio):
        refused = api.patient_a.post(api_url(clinic, f"/{qid}/answer"), json={})
        assert refused.status_code == 403 and "reply" in refused.get_json()["errors"]["_"][0]
    assert [q["id"] for q in api.patient_a.get(api_url(clinic)).get_json()] == [asked.by_patient, asked.by_physio]


def test_answering_an_answered_question_is_409_with_the_current_answer(api, clinic, asked):
    response = api.physio.post(api_url(clinic, f"/{asked.answered}/answer"), json={"answer": "No."})
    assert response.status_code == 409
    assert response.get_json()["current"]["answer"] == "Yes, 15 minutes."
    assert response.get_json()["current"]["answered_by"] == "Dr. Ann Physician"


@pytest.mark.parametrize(("payload", "field"), [({"answer": "x" * 5_001}, "answer"),
                                                ({"answered_by_id": 3}, "answered_by_id")])
def test_answer_rejects_bad_input(api, clinic, asked, payload, field):
    response = api.physician.post(api_url(clinic, f"/{asked.by_patient}/answer"), json=payload)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]


def test_reopen(api, clinic, asked):
    reopened = api.patient_a.post(api_url(clinic, f"/{asked.answered}/reopen"), json={})
    assert reopened.status_code == 200
    assert reopened.get_json()["answered"] is False and reopened.get_json()["answer"] == ""
    again = api.patient_a.post(api_url(clinic, f"/{asked.answered}/reopen"), json={})
    assert again.status_code == 409
    assert api.physician.post(api_url(clinic, f"/{asked.by_physio}/reopen"), json={}).status_code == 409
    assert api.patient_a.post(api_url(clinic, f"/{asked.by_physio}/answer"), json={}).status_code == 403
    assert api.patient_a.post(api_url(clinic, f"/{asked.answered}/reopen"), json={"x": 1}).status_code == 422
    # the patient reopens only what she asked
    assert api.physio.post(api_url(clinic, f"/{asked.by_physio}/answer"), json={}).status_code == 200
    assert api.patient_a.post(api_url(clinic, f"/{asked.by_physio}/reopen"), json={}).status_code == 403
    assert api.physician.post(api_url(clinic, f"/{asked.by_physio}/reopen"), json={}).status_code == 200


def test_losing_a_race_to_answer_is_a_conflict(app, ctx, clinic, asked):
    """Two clinicians answer the same open question: the second one's write finds it answered."""
    seen_open = db.session.get(Question, asked.by_patient)  # the second request has read it as open
    with app.app_context():  # the first request answers, in its own session
        questions.answer(clinic.physician, clinic.record_a.id, asked.by_patient, "First.")
    assert seen_open.answered_at is None
    with pytest.raises(Conflict) as conflict:
        questions.answer(clinic.physio, clinic.record_a.id, asked.by_patient, "Second.")
    assert conflict.value.current["answer"] == "First."


# --- pages ---------------------------------------------------------------------------------------

def test_page_shows_open_questions_first_then_the_form_then_answered(clinic, login_as, asked):
    html = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)

    order = [html.index(s) for s in ("Can I go swimming?", "Which exercise hurts most?", "Ask a question",
                                     "Is heat safe?")]
    assert order == sorted(order)
    assert "Asked by Alice Patient (Patient)" in html and "Asked by Pat Physio (Physiotherapist)" in html
    for qid in (asked.by_patient, asked.by_physio, asked.answered):  # each opens its conversation
        assert f'href="/patients/{clinic.record_a.id}/questions/{qid}"' in html


def test_patient_conversation_offers_reply_not_mark_answered(clinic, login_as, asked):
    client = login_as(clinic.patient_a)
    own = client.get(page_url(clinic, f"/{asked.by_patient}")).get_data(as_text=True)
    theirs = client.get(page_url(clinic, f"/{asked.by_physio}")).get_data(as_text=True)
    for html in (own, theirs):
        assert "Send reply" in html and "Mark answered" not in html
    assert "Asked by you" in own
    answered = client.get(page_url(clinic, f"/{asked.answered}")).get_data(as_text=True)
    assert "Yes, 15 minutes." in answered
    assert "Send reply" not in answered and "Reopen this question" in answered  # she asked it


def test_clinician_conversation_offers_reply_and_mark_answered(clinic, login_as, asked):
    html = login_as(clinic.physio).get(page_url(clinic, f"/{asked.by_patient}")).get_data(as_text=True)
    assert "Send reply" in html and "Mark answered" in html


def test_page_answer_and_reopen(app, clinic, login_as, asked):
    client = login_as(clinic.psych)
    done = client.post(page_url(clinic, f"/{asked.by_physio}/answer"), data={"text": "The bridge."})
    assert done.status_code == 302 and done.headers["Location"].endswith(page_url(clinic, f"/{asked.by_physio}"))
    already = client.post(page_url(clinic, f"/{asked.by_physio}/answer"), data={}, follow_redirects=True)
    assert "already marked answered" in already.get_data(as_text=True)
    reopened = client.post(page_url(clinic, f"/{asked.answered}/reopen"))
    assert reopened.status_code == 302
    with app.app_context():
        physio_q, heat_q = db.session.get(Question, asked.by_physio), db.session.get(Question, asked.answered)
        assert physio_q.answer == "The bridge." and physio_q.answered_by_id == clinic.psych.id
        assert heat_q.answered_at is None


def test_page_answer_with_bad_input_keeps_it_and_focuses_the_summary(clinic, login_as, asked):
    long_answer = "yes " * 1_251
    response = login_as(clinic.physio).post(page_url(clinic, f"/{asked.by_patient}/answer"),
                                            data={"text": long_answer})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert long_answer.strip() in html
    assert 'id="reply-errors" autofocus' in html and 'href="#text"' in html


def test_patient_may_not_mark_a_question_answered_on_the_page(clinic, login_as, asked):
    for qid in (asked.by_physio, asked.by_patient):
        response = login_as(clinic.patient_a).post(page_url(clinic, f"/{qid}/answer"), data={})
        assert response.status_code == 403


# --- audit, timeline, loader -------------------------------------------------------------------------

def test_questions_are_audited_and_on_the_timeline(api, app, clinic):
    qid = api.patient_a.post(api_url(clinic), json={"text": "Can I run?"}).get_json()["id"]
    api.physician.post(api_url(clinic, f"/{qid}/answer"), json={"answer": "Slowly."})
    api.physician.get(api_url(clinic))
    with app.app_context():
        actions = db.session.execute(select(AuditEvent.action, AuditEvent.user_id).where(
            AuditEvent.object_type == "question").order_by(AuditEvent.id)).all()
        changes = db.session.scalars(select(RecordEvent).order_by(RecordEvent.id)).all()
    assert actions == [("create", clinic.patient_a.id), ("answer", clinic.physician.id), ("read", clinic.physician.id)]
    assert [c.summary for c in changes] == ["Question asked by Alice Patient",
                                            "Question marked answered by Dr. Ann Physician"]
    assert {c.part for c in changes} == {"questions"}


def test_open_questions_loader_runs_one_query(app, clinic, asked, count_queries):
    with app.app_context(), count_queries() as statements:
        found = questions.open_questions(clinic.record_a.id)
        names = [q.asked_by.name for q in found]
    assert [q.id for q in found] == [asked.by_patient, asked.by_physio]
    assert names == ["Alice Patient", "Pat Physio"] and len(statements) == 1


def test_list_queries_do_not_grow_with_questions(api, app, clinic, count_queries):
    api.physio.get(api_url(clinic))
    with app.app_context():
        for i in range(3):
            add_question(clinic.record_a.id, clinic.patient_a, f"Q{i}", answered_by=clinic.physician)
    with count_queries() as few:
        api.physio.get(api_url(clinic, "?status=all"))
    with app.app_context():
        for i in range(20):
            add_question(clinic.record_a.id, clinic.physio, f"R{i}", answered_by=clinic.psych if i % 2 else None)
    with count_queries() as many:
        assert len(api.physio.get(api_url(clinic, "?status=all")).get_json()) == 23
    assert len(many) == len(few)
