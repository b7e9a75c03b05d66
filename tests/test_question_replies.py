"""The conversation under a question: replies by the patient and the team, who may read and write
them, what is unread for whom, the in-app notices, the audit and the timeline; pages and API."""

from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from careteam.domain import notifications as kinds
from careteam.domain.questions import unread as unread_rule
from careteam.extensions import db
from careteam.models import AuditEvent, Notification, Question, QuestionRead, QuestionReply, RecordEvent
from careteam.services import question_replies, questions
from careteam.services.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.support.notes import add_question

TEAM = ("patient_a", "physician", "physio", "psych")
OUTSIDERS = ("patient_b", "physician_b", "outside_physician", "outside_physio", "outside_psych", "admin")
NOT_FOUND = {"errors": {"_": ["There is nothing here, or you do not have access to it."]}}


def replies_url(clinic, qid: int) -> str:
    return f"/api/v1/patients/{clinic.record_a.id}/questions/{qid}/replies"


def page_url(clinic, suffix: str = "") -> str:
    return f"/patients/{clinic.record_a.id}/questions{suffix}"


def listed(api, clinic, who: str) -> dict[int, dict]:
    body = getattr(api, who).get(f"/api/v1/patients/{clinic.record_a.id}/questions?status=all").get_json()
    return {q["id"]: q for q in body}


def notifications(app, **where) -> list[Notification]:
    with app.app_context():
        return list(db.session.scalars(select(Notification).filter_by(**where).order_by(Notification.id)))


@pytest.fixture
def asked(app, clinic):
    """The physician's question to the patient, the patient's own question, and an answered one."""
    with app.app_context():
        return SimpleNamespace(
            by_physician=add_question(clinic.record_a.id, clinic.physician, "How long can you sit now?"),
            by_patient=add_question(clinic.record_a.id, clinic.patient_a, "Can I go swimming?"),
            answered=add_question(clinic.record_a.id, clinic.patient_a, "Is heat safe?", answered_by=clinic.physio,
                                  answer="Yes."),
        )


# --- the service ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("who", "text", "outcome"), [
    ("patient_a", "About 40 minutes.", "ok"),
    ("physician", "And standing?", "ok"),
    ("physio", "  Padded with spaces.  ", "ok"),
    ("psych", "x" * 2_000, "ok"),
    ("patient_a", "   ", InvalidInput),
    ("patient_a", "", InvalidInput),
    ("physician", "x" * 2_001, InvalidInput),
    ("patient_b", "Hello", NotFound),
    ("outside_physician", "Hello", NotFound),
    ("admin", "Hello", NotFound),
])
def test_reply_by_role_and_text(ctx, clinic, asked, who, text, outcome):
    actor = getattr(clinic, who)
    if outcome == "ok":
        added = question_replies.reply(actor, clinic.record_a.id, asked.by_physician, text)
        assert (added.text, added.author_id, added.author_role) == (text.strip(), actor.id, actor.role)
        assert added.is_answer is False and added.question_id == asked.by_physician
    else:
        with pytest.raises(outcome):
            question_replies.reply(actor, clinic.record_a.id, asked.by_physician, text)
        assert db.session.scalars(select(QuestionReply)).all() == []


def test_a_reply_to_an_answered_question_is_a_conflict(ctx, clinic, asked):
    with pytest.raises(Conflict) as conflict:
        question_replies.reply(clinic.patient_a, clinic.record_a.id, asked.answered, "But what about cold?")
    assert conflict.value.current["answered"] is True


def test_a_question_of_another_record_is_not_found_and_denied(app, api, clinic):
    with app.app_context():
        bobs = add_question(clinic.record_b.id, clinic.patient_b, "Bob's question")
    for response in (api.physio.post(replies_url(clinic, bobs), json={"text": "Hi"}),
                     api.physio.get(replies_url(clinic, bobs))):
        assert response.status_code == 404 and response.get_json() == NOT_FOUND
    with app.app_context():
        denied = db.session.execute(select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id).where(
            AuditEvent.outcome == "denied", AuditEvent.user_id == clinic.physio.id)).all()
        assert db.session.scalars(select(QuestionReply)).all() == []
    assert sorted(denied) == [("create", "question", str(bobs)), ("read", "question", str(bobs))]


def test_answering_with_text_adds_the_answer_reply_and_reopening_keeps_it(ctx, clinic, asked):
    questions.answer(clinic.physician, clinic.record_a.id, asked.by_patient, "Yes, from next week.")
    questions.reopen(clinic.patient_a, clinic.record_a.id, asked.by_patient)
    _, question, replies = question_replies.open_conversation(clinic.physio, clinic.record_a.id, asked.by_patient)
    assert question.answered_at is None and question.answer == ""
    assert [(r.text, r.is_answer, r.author_id) for r in replies] == [("Yes, from next week.", True, clinic.physician.id)]


def test_answering_without_text_adds_no_reply(ctx, clinic, asked):
    questions.answer(clinic.physio, clinic.record_a.id, asked.by_patient, "  ")
    assert db.session.scalars(select(QuestionReply)).all() == []


def test_the_patient_cannot_close_but_reopens_her_own(ctx, clinic, asked):
    with pytest.raises(Forbidden):
        questions.answer(clinic.patient_a, clinic.record_a.id, asked.by_patient, "Found out myself.")
    questions.answer(clinic.physio, clinic.record_a.id, asked.by_physician)
    with pytest.raises(Forbidden):
        questions.reopen(clinic.patient_a, clinic.record_a.id, asked.by_physician)
    assert questions.reopen(clinic.patient_a, clinic.record_a.id, asked.answered).answered_at is None


# --- unread ------------------------------------------------------------------------------------------

def unread_of(user, clinic, qid):
    return question_replies.unread_for(user.id, clinic.record_a.id)[qid]


def test_unread_counts_follow_each_reader(ctx, clinic, asked):
    qid = asked.by_physician
    a = clinic.record_a.id
    # new to the patient (someone else asked it), not to the physician who asked it
    assert unread_of(clinic.patient_a, clinic, qid) == question_replies.Unread(0, 0, True)
    assert unread_of(clinic.physician, clinic, qid) == question_replies.Unread(0, 0, False)

    question_replies.open_conversation(clinic.patient_a, a, qid)  # opened: read
    assert unread_of(clinic.patient_a, clinic, qid) == question_replies.Unread(0, 0, False)

    question_replies.reply(clinic.patient_a, a, qid, "About 40 minutes.")
    question_replies.reply(clinic.patient_a, a, qid, "With a break.")
    assert unread_of(clinic.patient_a, clinic, qid).unread == 0  # her own
    assert unread_of(clinic.physician, clinic, qid) == question_replies.Unread(2, 2, False)
    assert unread_of(clinic.physio, clinic, qid) == question_replies.Unread(2, 2, True)

    question_replies.open_conversation(clinic.physician, a, qid)
    assert unread_of(clinic.physician, clinic, qid).unread == 0
    question_replies.reply(clinic.physio, a, qid, "Try 30 and a walk.")
    assert unread_of(clinic.physician, clinic, qid).unread == 1
    assert unread_of(clinic.patient_a, clinic, qid).unread == 1
    assert unread_of(clinic.physio, clinic, qid).unread == 0  # replying reads everything before it

    # the SQL agrees with the rule of careteam.domain.questions for each reader
    replies = db.session.execute(select(QuestionReply.id, QuestionReply.author_id)
                                 .where(QuestionReply.question_id == qid)).all()
    for reader in (clinic.patient_a, clinic.physician, clinic.physio, clinic.psych):
        mark = db.session.scalar(select(QuestionRead.last_reply_id).where(
            QuestionRead.question_id == qid, QuestionRead.user_id == reader.id))
        assert unread_of(reader, clinic, qid).unread == unread_rule(mark, replies, reader.id)


def test_unread_for_is_one_statement_whatever_the_number_of_questions(ctx, clinic, count_queries):
    for i in range(15):
        qid = add_question(clinic.record_a.id, clinic.physician, f"Q{i}")
        db.session.add(QuestionReply(question_id=qid, author_id=clinic.patient_a.id, author_role="patient", text="r"))
    db.session.commit()
    with count_queries() as statements:
        found = question_replies.unread_for(clinic.physician.id, clinic.record_a.id)
    assert len(statements) == 1 and len(found) == 15 and all(u.unread == 1 for u in found.values())


def test_emergency_access_reads_without_marking_read(app, clinic, login_as, asked):
    from tests.support.break_glass import open_emergency

    client = login_as(clinic.outside_physician)
    assert open_emergency(client, clinic.record_a.id).status_code == 302
    page = client.get(page_url(clinic, f"/{asked.by_physician}"))
    assert page.status_code == 200 and "How long can you sit now?" in page.get_data(as_text=True)
    assert "Send reply" not in page.get_data(as_text=True)
    refused = client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": "Hi"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalars(select(QuestionRead)).all() == []
        assert db.session.scalars(select(QuestionReply)).all() == []


# --- notifications ------------------------------------------------------------------------------------

def test_a_patients_reply_tells_the_asking_clinician_in_the_app_only(app, api, clinic, asked):
    assert api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": "About 40 minutes."}).status_code == 201

    (notice,) = notifications(app, kind=kinds.QUESTION_REPLY)
    assert notice.recipient_id == clinic.physician.id and notice.email_status == "none"
    assert notice.link == f"/patients/{clinic.record_a.id}/questions/{asked.by_physician}"
    assert notice.patient_id == clinic.record_a.id
    assert "40" not in kinds.wording(notice.kind).title + notice.link  # no health data


def test_a_patients_reply_to_her_own_question_tells_the_whole_team_until_one_replies(app, api, clinic, asked):
    api.patient_a.post(replies_url(clinic, asked.by_patient), json={"text": "I mean the public pool."})
    assert {n.recipient_id for n in notifications(app, kind=kinds.QUESTION_REPLY)} == {
        clinic.physician.id, clinic.physio.id, clinic.psych.id}

    api.physio.post(replies_url(clinic, asked.by_patient), json={"text": "Which stroke?"})
    assert notifications(app, kind=kinds.QUESTION_REPLY)[-1].recipient_id == clinic.patient_a.id

    api.patient_a.post(replies_url(clinic, asked.by_patient), json={"text": "Breaststroke."})
    assert [n.recipient_id for n in notifications(app, kind=kinds.QUESTION_REPLY)][-1:] == [clinic.physio.id]
    assert len(notifications(app, kind=kinds.QUESTION_REPLY)) == 5


def test_the_answer_tells_the_patient_and_a_question_from_the_team_too(app, api, clinic):
    qid = api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/questions",
                             json={"text": "Any numbness?"}).get_json()["id"]
    (asked_notice,) = notifications(app, kind=kinds.QUESTION_FOR_YOU)
    assert asked_notice.recipient_id == clinic.patient_a.id and asked_notice.email_status == "none"

    api.patient_a.post(f"/api/v1/patients/{clinic.record_a.id}/questions", json={"text": "Can I cycle?"})
    assert len(notifications(app, kind=kinds.QUESTION_FOR_YOU)) == 1  # the patient's own question tells no one

    api.physician.post(f"/api/v1/patients/{clinic.record_a.id}/questions/{qid}/answer", json={"answer": "Noted."})
    assert [n.recipient_id for n in notifications(app, kind=kinds.QUESTION_REPLY)] == [clinic.patient_a.id]


def test_the_bell_shows_the_neutral_title(app, api, clinic, login_as, asked):
    api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": "About 40 minutes."})
    html = login_as(clinic.physician).get("/notifications").get_data(as_text=True)
    assert "New reply to a question" in html and "40 minutes" not in html


# --- the API -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", TEAM + OUTSIDERS)
def test_api_replies_by_role(api, clinic, asked, who):
    client = getattr(api, who)
    created = client.post(replies_url(clinic, asked.by_physician), json={"text": "A reply."})
    listing = client.get(replies_url(clinic, asked.by_physician))
    if who in TEAM:
        assert created.status_code == 201 and listing.status_code == 200
        body = created.get_json()
        assert body["author_id"] == getattr(clinic, who).id and body["text"] == "A reply."
        assert body["is_answer"] is False and body["question_id"] == asked.by_physician
        assert [r["id"] for r in listing.get_json()] == [body["id"]]
    else:
        assert created.status_code == listing.status_code == 404
        assert created.get_json() == listing.get_json() == NOT_FOUND


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "text"), ({"text": "   "}, "text"), ({"text": "x" * 2_001}, "text"), ({"text": "a\x00b"}, "text"),
    ({"text": "Hi", "author_id": 1}, "author_id"), ({"text": "Hi", "is_answer": True}, "is_answer"),
])
def test_api_reply_rejects_bad_input(api, clinic, asked, payload, field):
    response = api.patient_a.post(replies_url(clinic, asked.by_physician), json=payload)
    assert response.status_code == 422 and list(response.get_json()["errors"]) == [field]


def test_api_reply_to_an_answered_question_is_409_and_to_a_missing_one_404(api, clinic, asked):
    closed = api.patient_a.post(replies_url(clinic, asked.answered), json={"text": "Thanks"})
    assert closed.status_code == 409 and closed.get_json()["current"]["answered"] is True
    assert api.physio.post(replies_url(clinic, 999_999), json={"text": "Hi"}).status_code == 404


def test_api_replies_are_paged_oldest_first(api, clinic, asked):
    for i in range(5):
        api.as_("physio" if i % 2 else "patient_a").post(replies_url(clinic, asked.by_physician), json={"text": f"R{i}"})
    first = api.physician.get(replies_url(clinic, asked.by_physician) + "?limit=2")
    assert [r["text"] for r in first.get_json()] == ["R0", "R1"] and 'rel="next"' in first.headers["Link"]
    last = api.physician.get(replies_url(clinic, asked.by_physician) + "?limit=2&page=3")
    assert [r["text"] for r in last.get_json()] == ["R4"] and "Link" not in last.headers
    assert api.physician.get(replies_url(clinic, asked.by_physician) + "?limit=0").status_code == 422


def test_api_list_shows_replies_and_unread_per_reader(api, clinic, asked):
    api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": "About 40 minutes."})
    mine = listed(api, clinic, "physician")[asked.by_physician]
    assert (mine["replies"], mine["unread_replies"], mine["new"]) == (1, 1, False)
    hers = listed(api, clinic, "patient_a")[asked.by_physician]
    assert (hers["replies"], hers["unread_replies"], hers["new"]) == (1, 0, False)  # replying opened it
    assert listed(api, clinic, "psych")[asked.by_physician]["new"] is True  # never opened
    assert listed(api, clinic, "psych")[asked.answered]["new"] is False  # answered: not news in itself

    api.physician.get(replies_url(clinic, asked.by_physician))  # reading the replies reads them
    assert listed(api, clinic, "physician")[asked.by_physician]["unread_replies"] == 0


# --- audit and timeline -----------------------------------------------------------------------------

def test_a_reply_is_audited_and_on_the_timeline_with_the_count_not_the_text(app, api, clinic, asked):
    rid = api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": "About 40 minutes."}).get_json()["id"]
    api.physician.get(replies_url(clinic, asked.by_physician))
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.object_type, AuditEvent.object_id,
                                           AuditEvent.user_id).where(AuditEvent.outcome == "success",
                                                                     AuditEvent.patient_id == clinic.record_a.id)
                                    .order_by(AuditEvent.id)).all()
        change = db.session.scalars(select(RecordEvent).order_by(RecordEvent.id.desc())).first()
    assert ("create", "question_reply", str(rid), clinic.patient_a.id) in events
    assert ("read", "question", str(asked.by_physician), clinic.physician.id) in events
    assert change.summary == "Reply to a question by Alice Patient" and change.changes == {"replies": [0, 1]}
    assert change.object_type == "question" and change.object_id == asked.by_physician
    assert "40" not in change.summary


# --- pages ----------------------------------------------------------------------------------------------

def test_the_patient_replies_on_the_page(app, clinic, login_as, asked):
    client = login_as(clinic.patient_a)
    listing = client.get(page_url(clinic)).get_data(as_text=True)
    assert "New</span>" in listing  # the physician's question, never opened

    conversation = client.get(page_url(clinic, f"/{asked.by_physician}")).get_data(as_text=True)
    assert "How long can you sit now?" in conversation and "Send reply" in conversation
    sent = client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": "About 40 minutes."})
    assert sent.status_code == 302 and "#reply-" in sent.headers["Location"]
    after = client.get(page_url(clinic, f"/{asked.by_physician}")).get_data(as_text=True)
    assert "About 40 minutes." in after and "<strong>You</strong>" in after

    listing = login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)
    assert "1 new reply" in listing
    login_as(clinic.physician).get(page_url(clinic, f"/{asked.by_physician}"))
    assert "new repl" not in login_as(clinic.physician).get(page_url(clinic)).get_data(as_text=True)


def test_a_failed_reply_keeps_the_text_and_focuses_the_error_summary(clinic, login_as, asked):
    client = login_as(clinic.patient_a)
    empty = client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": "  "})
    assert empty.status_code == 422
    html = empty.get_data(as_text=True)
    assert 'id="reply-errors" autofocus' in html and "Write the reply." in html
    long_text = "sit " * 501
    too_long = client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": long_text})
    assert too_long.status_code == 422
    assert long_text.strip() in too_long.get_data(as_text=True) and "under 2,000" in too_long.get_data(as_text=True)
    control = client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": "a\x01b"})
    assert control.status_code in (400, 422)


def test_the_physician_answers_from_the_conversation(app, clinic, login_as, asked):
    client = login_as(clinic.physician)
    done = client.post(page_url(clinic, f"/{asked.by_patient}/answer"), data={"text": "Yes, from next week."})
    assert done.status_code == 302
    html = client.get(page_url(clinic, f"/{asked.by_patient}")).get_data(as_text=True)
    assert "Yes, from next week." in html and ">answer</span>" in html and "Send reply" not in html
    late = client.post(page_url(clinic, f"/{asked.by_patient}/replies"), data={"text": "One more thing"},
                       follow_redirects=True)
    assert "has been answered" in late.get_data(as_text=True)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_404_on_the_conversation_pages(clinic, login_as, asked, who):
    client = login_as(getattr(clinic, who))
    assert client.get(page_url(clinic, f"/{asked.by_physician}")).status_code == 404
    assert client.post(page_url(clinic, f"/{asked.by_physician}/replies"), data={"text": "Hi"}).status_code == 404


def test_the_summary_and_overview_show_the_latest_reply_only(app, api, clinic, login_as, asked):
    for who, text in (("patient_a", "About 40 minutes."), ("physician", "And standing?"),
                      ("patient_a", "Standing is harder.")):
        api.as_(who).post(replies_url(clinic, asked.by_physician), json={"text": text})
    summary = api.physician.get(f"/api/v1/patients/{clinic.record_a.id}/summary").get_json()
    (question,) = [q for q in summary["questions"] if q["id"] == asked.by_physician]
    assert question["latest_reply"]["text"] == "Standing is harder."
    assert question["latest_reply"]["author_name"] == "Alice Patient"
    page = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}/summary").get_data(as_text=True)
    assert "Standing is harder." in page and "About 40 minutes." not in page and "And standing?" not in page
    overview = login_as(clinic.physician).get(f"/patients/{clinic.record_a.id}").get_data(as_text=True)
    assert f"/questions/{asked.by_physician}" in overview and "latest reply Alice Patient" in overview
    with app.app_context():  # the open count is unchanged by replies
        assert db.session.scalar(select(Question.answered_at).where(Question.id == asked.by_physician)) is None
    assert summary["more_questions"] == 0 and len(summary["questions"]) == 2


def test_the_pdf_shows_the_latest_reply_not_the_thread(api, clinic, login_as, asked, tmp_path):
    from tests.test_summary_pdf import download, pdf_text

    for who, text in (("patient_a", "About forty minutes."), ("physician", "And standing?"),
                      ("patient_a", "Standing is harder " + "than sitting " * 40)):
        api.as_(who).post(replies_url(clinic, asked.by_physician), json={"text": text})
    pdf = download(login_as(clinic.physician), clinic.record_a.id).data
    if os.environ.get("CARETEAM_SCREENSHOT_DIR"):  # for people to look at (pdftoppm -png)
        Path(os.environ["CARETEAM_SCREENSHOT_DIR"], "summary-with-replies.pdf").write_bytes(pdf)
    _, text = pdf_text(pdf)
    flat = " ".join(text.split())
    assert "How long can you sit now?" in flat and "Latest reply, Alice Patient (patient)" in flat
    assert "Standing is harder" in flat and "forty minutes" not in flat and "And standing?" not in flat
    assert flat.count("than sitting") < 40  # cut short: a summary, not the conversation


def test_replies_count_against_the_per_user_write_limit(app, api, clinic, asked, monkeypatch):
    monkeypatch.setitem(app.config, "CARETEAM_WRITE_LIMIT_PER_USER", "2 per minute")
    for n in range(2):
        assert api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": f"R{n}"}).status_code == 201
    refused = api.patient_a.post(replies_url(clinic, asked.by_physician), json={"text": "One more"})
    assert refused.status_code == 429 and "saved a lot" in refused.get_json()["errors"]["_"][0]
    with app.app_context():
        assert len(db.session.scalars(select(QuestionReply)).all()) == 2
    assert api.patient_a.get(replies_url(clinic, asked.by_physician)).status_code == 200
