"""Letters by e-mail: the reminders of overdue invoices (the letter attached) and the portal
letter of one guardian (the PDF the access dialog printed), each to an adult who accepted
documents by e-mail; queued once per letter and address."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Family
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import organisation_data
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.invoicing.reminders import print_reminders, reminder_data
from eticket_desk.services.mail.queue import NotQueued, queue_document, recipient_of
from eticket_desk.services.mail.texts import (
    portal_letter_body,
    portal_letter_subject,
    reminder_body,
    reminder_subject,
)


@dataclass
class QueuedLetters:
    queued: int = 0
    already: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (family, French reason)


@changes(Topic.MAIL, Topic.FAMILIES)
def queue_reminders(store: Store, actor: Actor, family_ids: list[uuid.UUID]) -> QueuedLetters:
    """The reminder letter of each family (written in Relances/ if needed) by e-mail; one a
    day per family at most (the letter's date is in its key)."""
    actor.require(Permission.INVOICE_RUN)
    result = QueuedLetters()
    for family_id in family_ids:
        with store.read() as session:
            name = session.scalar(select(Family.display_name).where(Family.id == family_id))
            try:
                recipient_of(session, family_id)
            except NotQueued as refusal:
                result.skipped.append((name or "", refusal.message))
                continue
        data = reminder_data(store, actor, family_id)
        [path] = print_reminders(store, actor, [family_id])
        with store.write(actor) as session:
            org = organisation_data(session)
            recipient = recipient_of(session, family_id)
            mail = queue_document(
                session,
                kind="reminder",
                document_id=f"{data.family_reference}:{data.issued_on.isoformat()}",
                recipient=recipient,
                family_id=family_id,
                subject=reminder_subject(org, data.family_reference),
                body=reminder_body(org, recipient.name, data.total_remaining_cents),
                attachment_name=path.name,
                attachment_path=str(path),
            )
        result.queued += mail is not None
        result.already += mail is None
    return result


@changes(Topic.MAIL, lambda call: FamilyTopic(call["family_id"]))
def queue_portal_letter(
    store: Store,
    actor: Actor,
    family_id: uuid.UUID,
    adult_id: uuid.UUID,
    letter: Path,
    issued_key: str,
) -> bool:
    """The portal letter just printed for this guardian, by e-mail to them (if they accepted
    documents by e-mail: NotQueued with the reason otherwise). `issued_key` tells one issue
    of the codes from another (a renewal is a new letter). False: already queued."""
    actor.require(Permission.PORTAL_CREDENTIALS)
    with store.write(actor) as session:
        recipient = recipient_of(session, family_id, adult_id)
        org = organisation_data(session)
        mail = queue_document(
            session,
            kind="portal_letter",
            document_id=f"{adult_id}:{issued_key}",
            recipient=recipient,
            family_id=family_id,
            subject=portal_letter_subject(org),
            body=portal_letter_body(org, recipient.name),
            attachment_name="Codes d'accès au portail.pdf",
            attachment_data=Path(letter).read_bytes(),
        )
    return mail is not None
