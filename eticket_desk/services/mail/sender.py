"""The sender: `send_pending` sends what is due in the queue, off the writer (the network
between two short transactions), with retries and backoff on temporary errors and a
definitive failure on a 5xx refusal.

Never sent twice after a crash: before a message goes out its row is marked « en cours »
with the attempt's number and time, and committed; it is marked « envoyé » once the relay
accepted it. A program killed in between leaves the row « en cours ». The rule errs on not
sending twice: a row « en cours » for more than STALE_MINUTES is never sent again by itself;
it becomes « interrompu, à vérifier », shown in « Messagerie » and on the family, and goes
again only when an agent checked and clicked « Réessayer » (queue.retry_mail) — then with the
same Message-ID, so a mail program that got both may show one. A younger row « en cours » is
left alone (the sender of this desk may still be sending it)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select

from eticket_desk.models import OutgoingMail
from eticket_desk.models.mail import FAILED, PENDING, SENDING, SENT, UNCERTAIN
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import SYSTEM, Store
from eticket_desk.services.mail.transport import (
    DefinitiveFailure,
    TemporaryFailure,
    build_message,
)

STALE_MINUTES = 10
FORGET_AFTER_SENDING = {"portal_letter"}  # attachments kept no longer than needed
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 360, 720)  # after the 1st, 2nd… temporary failure
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
INTERRUPTED = (
    "Envoi interrompu (le programme s'est arrêté pendant l'envoi) : le message est peut-être "
    "parti. Vérifiez auprès du destinataire avant de cliquer « Réessayer »."
)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0  # temporary failures, tried again later
    failed: int = 0  # definitive failures
    interrupted: int = 0  # found « en cours » after a crash, now « à vérifier »
    stopped: bool = False
    families: set[uuid.UUID] = field(default_factory=set)

    @property
    def changed(self) -> list:
        return [Topic.MAIL, *(FamilyTopic(f) for f in sorted(self.families, key=str))]


def _interrupted(store: Store, now: datetime, report: SendReport) -> None:
    with store.write(SYSTEM) as session:
        stale = session.scalars(
            select(OutgoingMail).where(
                OutgoingMail.state == SENDING,
                OutgoingMail.attempt_started_at <= now - timedelta(minutes=STALE_MINUTES),
            )
        ).all()
        for mail in stale:
            mail.state, mail.last_error = UNCERTAIN, INTERRUPTED
            report.interrupted += 1
            if mail.family_id:
                report.families.add(mail.family_id)


def _claim(store: Store, now: datetime) -> OutgoingMail | None:
    """The next due message, marked « en cours » with its attempt (committed before sending)."""
    with store.write(SYSTEM) as session:
        mail = session.scalars(
            select(OutgoingMail)
            .where(OutgoingMail.state == PENDING, OutgoingMail.next_attempt_at <= now)
            .order_by(OutgoingMail.next_attempt_at, OutgoingMail.queued_at)
            .limit(1)
        ).first()
        if mail is None:
            return None
        mail.state = SENDING
        mail.attempts += 1
        mail.attempt_started_at = now
        session.flush()
        session.expunge(mail)
        return mail


def _finish(store: Store, mail_id: uuid.UUID, now: datetime, error: Exception | None) -> str:
    with store.write(SYSTEM) as session:
        mail = session.get(OutgoingMail, mail_id)
        if error is None:
            mail.state, mail.sent_at, mail.last_error = SENT, now, ""
            if mail.kind in FORGET_AFTER_SENDING:
                mail.attachment_data = None  # a portal letter's one-time password
            record(
                session,
                "mail_sent",
                "outgoing_mail",
                mail.id,
                f"Courriel envoyé : {mail.subject}",
                to=mail.recipient,
            )
        elif isinstance(error, DefinitiveFailure) or mail.attempts >= MAX_ATTEMPTS:
            mail.state, mail.last_error = FAILED, str(error)
            if not isinstance(error, DefinitiveFailure):
                mail.last_error = f"Abandonné après {mail.attempts} tentatives : {error}"
            record(
                session,
                "mail_failed",
                "outgoing_mail",
                mail.id,
                f"Courriel refusé : {mail.subject}",
                reason=mail.last_error,
            )
        else:
            delay = BACKOFF_MINUTES[min(mail.attempts, len(BACKOFF_MINUTES)) - 1]
            mail.state, mail.last_error = PENDING, str(error)
            mail.next_attempt_at = now + timedelta(minutes=delay)
        return mail.state


def _due(store: Store, now: datetime) -> int:
    with store.read() as session:
        return session.scalar(
            select(func.count(OutgoingMail.id)).where(
                OutgoingMail.state == PENDING, OutgoingMail.next_attempt_at <= now
            )
        )


@changes(lambda call: call.result.changed)
def send_pending(
    store: Store,
    transport,
    now: datetime | None = None,
    *,
    limit: int = 200,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
    run_local: Callable[[Callable[[], Any]], Any] | None = None,
) -> SendReport:
    """Sends the messages due at `now` (by default the store's clock), `limit` at most;
    `should_stop` is asked between two messages (« Arrêter »), `progress(done, total)`.
    `run_local` runs each database step (the UI's worker hands them to the single writer and
    waits, the network staying on its own thread); by default on the calling thread."""
    local = run_local or (lambda step: step())
    now = now or store.clock.now()
    report = SendReport()
    local(partial(_interrupted, store, now, report))
    due = local(partial(_due, store, now))
    total = min(due or 0, limit)
    for done in range(total):
        if should_stop is not None and should_stop():
            report.stopped = True
            break
        mail = local(partial(_claim, store, now))
        if mail is None:
            break
        error: Exception | None = None
        try:
            transport.send(build_message(transport.settings, mail, now))
        except (TemporaryFailure, DefinitiveFailure) as failure:
            error = failure
        state = local(partial(_finish, store, mail.id, now, error))
        report.sent += state == SENT
        report.failed += state == FAILED
        report.retried += state == PENDING
        if mail.family_id:
            report.families.add(mail.family_id)
        if progress is not None:
            progress(done + 1, total)
    return report
