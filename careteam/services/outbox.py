"""The outbox: notify() adds a notification to the cause's own transaction; the worker's
deliver_due() sends the pending e-mails, retries with backoff and records the outcome.

A queue or SMTP outage loses nothing: the rows stay pending until an attempt succeeds or the
last one fails. Two workers never send the same e-mail: each claims its rows first.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from careteam.domain import notifications as wording
from careteam.extensions import db
from careteam.models import EmailOptOut, Notification, User
from careteam.models.notification import EMAIL_FAILED, EMAIL_NONE, EMAIL_PENDING, EMAIL_SENT
from careteam.services import clock, email_transport

log = logging.getLogger(__name__)

_PATIENT_LINK = re.compile(r"^/patients/(\d+)(?:/|$)")
BATCH = 200
CLAIM_SECONDS = 300  # a worker that dies mid-batch leaves its rows to be retried after this
UNSUBSCRIBE_SALT = "careteam-unsubscribe"
UNSUBSCRIBE_MAX_AGE = 180 * 24 * 3600


def notify(recipient_id: int, kind: str, link: str, *, dedupe_key: str | None = None, email: bool = True) -> None:
    """Add a notification for one account to the current session (the caller commits, together
    with whatever caused it). With a dedupe key that exists already, nothing is added."""
    if dedupe_key and _exists(dedupe_key):
        return
    wants_email = email and _may_email(recipient_id, kind)
    _add(Notification(recipient_id=recipient_id, kind=kind, link=link, patient_id=_patient_of(link),
                      email_status=EMAIL_PENDING if wants_email else EMAIL_NONE,
                      next_attempt_at=clock.now() if wants_email else None, dedupe_key=dedupe_key))


def notify_address(address: str, kind: str, link: str, *, dedupe_key: str | None = None) -> None:
    """An e-mail to an address without an account (the clinic's escalation address)."""
    if dedupe_key and _exists(dedupe_key):
        return
    _add(Notification(to_address=address, kind=kind, link=link, patient_id=_patient_of(link),
                      email_status=EMAIL_PENDING, next_attempt_at=clock.now(), dedupe_key=dedupe_key))


def _add(notification: Notification) -> None:
    if notification.dedupe_key is None:
        db.session.add(notification)
        return
    try:  # another worker may add the same key at the same moment: keep theirs
        with db.session.begin_nested():
            db.session.add(notification)
    except IntegrityError:
        log.info("notification %s exists already", notification.kind)


def _exists(dedupe_key: str) -> bool:
    return bool(db.session.scalar(select(exists().where(Notification.dedupe_key == dedupe_key))))


def _may_email(recipient_id: int, kind: str) -> bool:
    # For an alert the opt-out can only be an admin's (services/alert_emails): the one-click
    # link refuses kinds that are not unsubscribable.
    return not db.session.scalar(
        select(exists().where(EmailOptOut.user_id == recipient_id, EmailOptOut.kind == kind)))


def _patient_of(link: str) -> int | None:
    match = _PATIENT_LINK.match(link)
    return int(match.group(1)) if match else None


# --- delivery (the worker) --------------------------------------------------------------------

def deliver_due(now: datetime | None = None) -> tuple[int, int]:
    """Send every pending e-mail that is due; returns (sent, failed attempts)."""
    sent = failed = 0
    while True:
        batch = _claim(now or clock.now())
        if not batch:
            return sent, failed
        batch_sent, batch_failed = _send(batch, now or clock.now())
        sent, failed = sent + batch_sent, failed + batch_failed


def _claim(now: datetime) -> list[tuple[int, str, str, int | None, int]]:
    """Take up to BATCH due rows for this worker (attempts + 1, due again only after the claim
    expires). The conditional UPDATE makes a row this worker's or another's, never both's."""
    due = select(Notification.id).where(
        Notification.email_status == EMAIL_PENDING, Notification.next_attempt_at <= now
    ).order_by(Notification.next_attempt_at, Notification.id).limit(BATCH)
    ids = list(db.session.scalars(due))
    if not ids:
        db.session.commit()
        return []
    claimed = list(db.session.scalars(
        update(Notification)
        .where(Notification.id.in_(ids), Notification.email_status == EMAIL_PENDING,
               Notification.next_attempt_at <= now)
        .values(attempts=Notification.attempts + 1, next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ))
    rows = db.session.execute(
        select(Notification.id, Notification.kind, Notification.link, Notification.recipient_id,
               Notification.attempts, Notification.to_address, User.email)
        .outerjoin(User, User.id == Notification.recipient_id)
        .where(Notification.id.in_(claimed))
    ).all() if claimed else []
    db.session.commit()
    return [(r.id, r.kind, r.link, r.recipient_id, r.attempts, r.to_address or r.email) for r in rows]


def _send(batch, now: datetime) -> tuple[int, int]:
    config = current_app.config
    sent_ids: list[int] = []
    failures: list[tuple[int, int, str]] = []
    try:
        with email_transport.transport() as transport:
            for notification_id, kind, link, recipient_id, attempts, address in batch:
                try:
                    transport.send_message(build_message(kind, link, recipient_id, address))
                    sent_ids.append(notification_id)
                except Exception as error:  # noqa: BLE001 - one refused address must not stop the batch
                    failures.append((notification_id, attempts, type(error).__name__))
    except Exception as error:  # noqa: BLE001 - server down: every unsent row of the batch retries
        done = set(sent_ids) | {f[0] for f in failures}
        failures += [(b[0], b[4], type(error).__name__) for b in batch if b[0] not in done]
    if sent_ids:
        db.session.execute(update(Notification).where(Notification.id.in_(sent_ids))
                           .values(email_status=EMAIL_SENT, sent_at=now, next_attempt_at=None, last_error=None)
                           .execution_options(synchronize_session=False))
    for notification_id, attempts, error_name in failures:
        give_up = wording.gives_up(attempts, config["CARETEAM_MAIL_MAX_ATTEMPTS"])
        db.session.execute(
            update(Notification).where(Notification.id == notification_id).values(
                email_status=EMAIL_FAILED if give_up else EMAIL_PENDING,
                next_attempt_at=None if give_up else wording.retry_at(now, attempts, config["CARETEAM_MAIL_RETRY_SECONDS"]),
                last_error=error_name[:200],
            ).execution_options(synchronize_session=False))
    db.session.commit()
    if failures:
        log.warning("e-mail delivery: %d sent, %d failed (%s)", len(sent_ids), len(failures), failures[0][2])
    return len(sent_ids), len(failures)


def build_message(kind: str, link: str, recipient_id: int | None, address: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["CARETEAM_MAIL_FROM"]
    message["To"] = address
    message["Subject"] = wording.SUBJECT
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="careteam")
    unsubscribe_url = None
    if recipient_id is not None and wording.wording(kind).unsubscribable:
        unsubscribe_url = f"{config['CARETEAM_BASE_URL']}/unsubscribe/{unsubscribe_token(recipient_id, kind)}"
        # RFC 8058: a mail client may unsubscribe with one POST, without a page in between.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(wording.email_body(kind, config["CARETEAM_BASE_URL"] + link, unsubscribe_url))
    return message


# --- unsubscribe ------------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user_id: int, kind: str) -> str:
    return _serializer().dumps([user_id, kind])


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) of a genuine, unexpired link for a kind that may be switched off."""
    try:
        user_id, kind = _serializer().loads(token, max_age=UNSUBSCRIBE_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if not isinstance(user_id, int) or kind not in wording.WORDING or not wording.WORDING[kind].unsubscribable:
        return None
    return user_id, kind


def unsubscribe(user_id: int, kind: str) -> None:
    """Switch off e-mails of one kind; doing it twice changes nothing."""
    if db.session.get(User, user_id) is None:
        return
    try:
        with db.session.begin_nested():
            db.session.add(EmailOptOut(user_id=user_id, kind=kind))
    except IntegrityError:
        pass
    db.session.commit()


def queue_counts() -> dict[str, int]:
    """For health checks: e-mails waiting, overdue by more than five minutes, and failed."""
    overdue_before = clock.now() - timedelta(minutes=5)
    pending = Notification.email_status == EMAIL_PENDING
    row = db.session.execute(select(
        func.count().filter(pending),
        func.count().filter(pending, Notification.next_attempt_at < overdue_before),
        func.count().filter(Notification.email_status == EMAIL_FAILED),
    ).select_from(Notification)).one()
    return {"pending": row[0], "overdue": row[1], "failed": row[2]}
