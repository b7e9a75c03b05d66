"""What each kind of notification says. Neutral on purpose: no name, no clinical word, nothing
that tells a reader of the mailbox or the lock screen more than "look in careteam"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

RED_FLAG = "red_flag"
ESCALATION = "escalation"
CHECKIN_REMINDER = "checkin_reminder"
CHECKIN_FOLLOW_UP = "checkin_follow_up"
NEXT_DAY_QUESTION = "next_day_question"
APPOINTMENT_REMINDER = "appointment_reminder"
QUESTIONNAIRE_DUE = "questionnaire_due"
QUESTIONNAIRE_FOLLOW_UP = "questionnaire_follow_up"
DIGEST = "digest"
BUNDLE_READY = "bundle_ready"
BREAK_GLASS_TEAM = "break_glass_team"
BREAK_GLASS_PATIENT = "break_glass_patient"
QUESTION_FOR_YOU = "question_for_you"
QUESTION_REPLY = "question_reply"
RECORD_READY = "record_ready"


@dataclass(frozen=True)
class Wording:
    title: str  # in-app list; reveals nothing about the record
    sentence: str  # e-mail body, before the link
    # E-mails a recipient may switch off with one click; alerts to clinicians are the clinic's call.
    unsubscribable: bool = True
    setting_label: str = ""


WORDING: dict[str, Wording] = {
    RED_FLAG: Wording("New alert on a patient's record", "A patient on your care team has a new alert in careteam:",
                      unsubscribable=False),
    ESCALATION: Wording("An alert still needs a physician", "A patient on your care team has a new alert in careteam:",
                        unsubscribable=False),
    CHECKIN_REMINDER: Wording("Your weekly check-in is open", "Your weekly check-in in careteam is open:",
                              setting_label="weekly check-in reminders"),
    CHECKIN_FOLLOW_UP: Wording("Your weekly check-in is still open", "Your weekly check-in in careteam is still open:",
                               setting_label="weekly check-in reminders"),
    NEXT_DAY_QUESTION: Wording("Back to your usual within 24 hours?", "You have a question waiting in careteam:",
                               setting_label="next-day question reminders"),
    APPOINTMENT_REMINDER: Wording("You have an appointment tomorrow", "You have a new reminder in careteam:",
                                  setting_label="appointment reminders"),
    QUESTIONNAIRE_DUE: Wording("A questionnaire is waiting for you", "You have a questionnaire to answer in careteam:",
                               setting_label="questionnaire reminders"),
    QUESTIONNAIRE_FOLLOW_UP: Wording("A questionnaire is still waiting for you",
                                     "You still have a questionnaire to answer in careteam:",
                                     setting_label="questionnaire reminders"),
    DIGEST: Wording("Your morning digest", "There are updates on your care teams in careteam:",
                    setting_label="the morning digest"),
    BUNDLE_READY: Wording("Your PDFs are ready", "The file you asked for is ready in careteam:",
                          setting_label="file-ready messages"),
    # Security notices: who opened the record is behind sign-in, never in the e-mail.
    BREAK_GLASS_TEAM: Wording("A record on your care team was opened under emergency access",
                              "A clinician outside the care team opened the record of one of your patients under "
                              "emergency access. Sign in to see who and why:", unsubscribable=False),
    BREAK_GLASS_PATIENT: Wording("Your record was opened under emergency access",
                                 "A clinician outside your care team opened your record under emergency access. "
                                 "Sign in to see who and why:", unsubscribable=False),
    # In-app only (no e-mail): what was asked or said stays in careteam.
    QUESTION_FOR_YOU: Wording("Your care team asked you a question", "You have a new message in careteam:",
                              setting_label="questions from the team"),
    QUESTION_REPLY: Wording("New reply to a question", "You have a new message in careteam:",
                            setting_label="replies to questions"),
    RECORD_READY: Wording("Your download is ready", "The file you asked for is ready in careteam:",
                          setting_label="file-ready messages"),
}

SUBJECT = "careteam: you have a new notification"

# The admin's delivery log names kinds without clinical words.
LOG_LABELS = {RED_FLAG: "alert", ESCALATION: "alert escalation", CHECKIN_REMINDER: "check-in reminder",
              CHECKIN_FOLLOW_UP: "check-in follow-up", NEXT_DAY_QUESTION: "next-day question",
              APPOINTMENT_REMINDER: "appointment reminder", QUESTIONNAIRE_DUE: "questionnaire reminder",
              QUESTIONNAIRE_FOLLOW_UP: "questionnaire follow-up", DIGEST: "digest", BUNDLE_READY: "file ready",
              BREAK_GLASS_TEAM: "emergency access notice", BREAK_GLASS_PATIENT: "emergency access notice",
              QUESTION_FOR_YOU: "question asked", QUESTION_REPLY: "question reply", RECORD_READY: "file ready"}


def wording(kind: str) -> Wording:
    return WORDING.get(kind, Wording("New notification", "You have a new notification in careteam:"))


def email_body(kind: str, url: str, unsubscribe_url: str | None) -> str:
    lines = [wording(kind).sentence, url, "", "The link opens careteam after you sign in."]
    if unsubscribe_url:
        lines += ["", f"To stop these e-mails: {unsubscribe_url}"]
    return "\n".join(lines) + "\n"


def retry_at(now: datetime, attempts: int, first_delay_seconds: int) -> datetime:
    """Exponential backoff after the `attempts`-th failure: delay, 2×, 4× … capped at 6 hours."""
    seconds = min(first_delay_seconds * 2 ** max(attempts - 1, 0), 6 * 3600)
    return now + timedelta(seconds=seconds)


def gives_up(attempts: int, max_attempts: int) -> bool:
    return attempts >= max_attempts
