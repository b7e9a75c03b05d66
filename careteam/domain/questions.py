"""Questions are conversations: who may reply, close, reopen, whom a reply tells, what is unread.

Plain rules over ids and roles. The caller has already authorized the actor to read or write
questions on the record (careteam.domain.policy, Part.QUESTIONS); these narrow it further.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from careteam.domain.policy import Role

MAX_TEXT_LENGTH = 2_000  # a question, and a reply: the same limit
MAX_ANSWER_LENGTH = 5_000


def may_close(role: Role) -> bool:
    """Marking a question answered (closing it) is the team's: a patient replies instead."""
    return role != Role.PATIENT


def may_reopen(role: Role, actor_id: int, asked_by_id: int) -> bool:
    """The team reopens any question; the patient the ones she asked."""
    return role != Role.PATIENT or actor_id == asked_by_id


def may_reply(is_open: bool) -> bool:
    """Anyone who may write questions replies while the question is open; a closed one is
    reopened first (by whoever may), so no reply lands under a question nobody looks at."""
    return is_open


@dataclass(frozen=True)
class Participant:
    user_id: int
    role: Role


def reply_recipients(author: Participant, patient_user_id: int, thread: Iterable[Participant],
                     team_ids: Iterable[int]) -> list[int]:
    """Who hears of a reply: the other side. A clinician's reply tells the patient; the
    patient's reply tells the clinicians of the conversation (asked or replied) who are still on
    the team, or, when none has taken part yet, the whole care team. Never the author."""
    team = list(dict.fromkeys(team_ids))
    if author.role != Role.PATIENT:
        return [] if patient_user_id == author.user_id else [patient_user_id]
    in_thread = [p.user_id for p in thread if p.role != Role.PATIENT and p.user_id in team]
    recipients = list(dict.fromkeys(in_thread)) or team
    return [user_id for user_id in recipients if user_id != author.user_id]


def unread(last_read_reply_id: int | None, replies: Iterable[tuple[int, int]], reader_id: int) -> int:
    """Replies (id, author id) by others after the last one the reader has seen; never opened
    means none seen."""
    seen = last_read_reply_id or 0
    return sum(1 for reply_id, author_id in replies if reply_id > seen and author_id != reader_id)


def is_new_to(reader_id: int, asked_by_id: int, ever_opened: bool, is_open: bool = True) -> bool:
    """An open question someone else asked that the reader has never opened. (An answered one is
    not news in itself; a reply under it that the reader has not seen still counts as unread.)"""
    return is_open and not ever_opened and asked_by_id != reader_id
