"""Questions are conversations: who closes, reopens and replies, whom a reply tells, what is unread."""

from __future__ import annotations

import pytest

from careteam.domain.policy import Role
from careteam.domain.questions import Participant, is_new_to, may_close, may_reopen, may_reply, reply_recipients, unread

PAT, DOC, PT, PSY = Role.PATIENT, Role.PHYSICIAN, Role.PHYSIOTHERAPIST, Role.PSYCHOLOGIST


@pytest.mark.parametrize(("role", "allowed"), [(PAT, False), (DOC, True), (PT, True), (PSY, True)])
def test_only_the_team_closes_a_question(role, allowed):
    assert may_close(role) is allowed


@pytest.mark.parametrize(("role", "asked_it", "allowed"), [
    (PAT, True, True), (PAT, False, False), (DOC, False, True), (PT, True, True), (PSY, False, True)])
def test_reopen_is_the_teams_or_the_asking_patients(role, asked_it, allowed):
    assert may_reopen(role, 7, 7 if asked_it else 8) is allowed


@pytest.mark.parametrize(("is_open", "allowed"), [(True, True), (False, False)])
def test_replies_only_while_open(is_open, allowed):
    assert may_reply(is_open) is allowed


PATIENT_USER = 1
TEAM = [10, 11, 12]  # physician, physio, psychologist


@pytest.mark.parametrize(("author", "thread", "team", "expected"), [
    # a clinician replies: the patient hears of it, whoever else took part
    (Participant(10, DOC), [Participant(10, DOC)], TEAM, [PATIENT_USER]),
    (Participant(11, PT), [Participant(1, PAT), Participant(10, DOC)], TEAM, [PATIENT_USER]),
    # the patient replies: the clinicians of the conversation, in order, once each
    (Participant(1, PAT), [Participant(10, DOC), Participant(1, PAT), Participant(10, DOC)], TEAM, [10]),
    (Participant(1, PAT), [Participant(1, PAT), Participant(12, PSY), Participant(11, PT)], TEAM, [12, 11]),
    # ... only those still on the team; with none, the whole team
    (Participant(1, PAT), [Participant(1, PAT), Participant(99, DOC)], TEAM, TEAM),
    (Participant(1, PAT), [Participant(1, PAT)], TEAM, TEAM),
    (Participant(1, PAT), [Participant(1, PAT)], [], []),
])
def test_a_reply_tells_the_other_side(author, thread, team, expected):
    assert reply_recipients(author, PATIENT_USER, thread, team) == expected


def test_a_reply_never_tells_its_author():
    assert reply_recipients(Participant(10, DOC), 10, [], TEAM) == []


@pytest.mark.parametrize(("last_read", "replies", "reader", "expected"), [
    (None, [], 1, 0),
    (None, [(5, 2), (6, 1), (7, 3)], 1, 2),  # never opened: every reply by others
    (6, [(5, 2), (6, 1), (7, 3)], 1, 1),
    (7, [(5, 2), (6, 1), (7, 3)], 1, 0),
    (0, [(5, 1)], 1, 0),  # one's own replies are never unread
])
def test_unread_replies(last_read, replies, reader, expected):
    assert unread(last_read, replies, reader) == expected


@pytest.mark.parametrize(("reader", "asker", "opened", "is_open", "expected"), [
    (1, 2, False, True, True), (1, 2, True, True, False), (1, 1, False, True, False), (1, 2, False, False, False)])
def test_an_open_question_is_new_to_whoever_did_not_ask_it_until_opened(reader, asker, opened, is_open, expected):
    assert is_new_to(reader, asker, opened, is_open) is expected
