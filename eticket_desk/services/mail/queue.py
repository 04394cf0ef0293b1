"""The outgoing queue: a message queued in the same transaction as the document it carries
(`queue_document`, for every sender of documents: invoices, reminders, certificates…), the
adult it goes to (the one who pays, if he accepted documents by e-mail), and what the screens
show of it: a family's « Courriels », the « Messagerie » queue with « Réessayer »."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.utils import make_msgid

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Adult, OutgoingMail
from eticket_desk.models.mail import FAILED, PENDING, SENDING, SENT, UNCERTAIN
from eticket_desk.rules.contact import normalise_email
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store

KINDS = {
    "invoice": "Facture",
    "reminder": "Relance",
    "certificate": "Attestation",
    "portal_letter": "Lettre portail",
    "meal_order": "Commande repas",
    "test": "Message d'essai",
}
STATES = {
    PENDING: "En attente",
    SENDING: "En cours",
    SENT: "Envoyé",
    FAILED: "Échec définitif",
    UNCERTAIN: "Interrompu, à vérifier",
}
NO_CONSENT = "Aucun adulte payeur n'accepte de recevoir les documents par e-mail."
NO_ADULT_CONSENT = "Cet adulte n'a pas accepté de recevoir les documents par e-mail."
NO_ADDRESS = "L'adulte payeur accepte les e-mails mais son adresse n'est pas valide."


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str


class NotQueued(DomainError):
    """Why a document was not queued (no consent, no valid address), in French."""


def recipient_of(
    session: Session, family_id: uuid.UUID, adult_id: uuid.UUID | None = None
) -> Recipient:
    """The adult of the family documents go to: the one who pays (or the adult named), if he
    consented and his address is valid; NotQueued with the reason otherwise."""
    adults = session.scalars(
        select(Adult).where(Adult.family_id == family_id, Adult.third_party.is_(False))
    ).all()
    if adult_id is None:
        payer = next((a for a in adults if a.billing and a.mail_consent), None)
    else:
        payer = next((a for a in adults if a.id == adult_id and a.mail_consent), None)
    if payer is None:
        raise NotQueued(NO_CONSENT if adult_id is None else NO_ADULT_CONSENT)
    try:
        address = normalise_email(payer.email)
    except InvalidInput:
        address = ""
    if not address:
        raise NotQueued(NO_ADDRESS)
    return Recipient(address, f"{payer.first_name} {payer.last_name}".strip())


def queue_document(
    session: Session,
    *,
    kind: str,
    document_id: str,
    recipient: Recipient,
    subject: str,
    body: str,
    family_id: uuid.UUID | None = None,
    attachment_name: str = "",
    attachment_path: str = "",
    attachment_data: bytes | None = None,
) -> OutgoingMail | None:
    """Queues one message inside the caller's transaction (`store.write`); None when this
    document already went (or waits) for this recipient: never queued twice."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    key = f"{kind}:{document_id}:{recipient.address.lower()}"
    if session.scalar(select(OutgoingMail.id).where(OutgoingMail.unique_key == key)):
        return None
    now = session.info["now"]
    domain = recipient.address.rpartition("@")[2]
    mail = OutgoingMail(
        unique_key=key,
        kind=kind,
        document_id=document_id,
        family_id=family_id,
        recipient=recipient.address,
        recipient_name=recipient.name,
        subject=subject,
        body=body,
        attachment_name=attachment_name,
        attachment_path=attachment_path,
        attachment_data=attachment_data,
        message_id=make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain or None),
        queued_at=now,
        next_attempt_at=now,
        queued_by=session.info["actor"].login,
    )
    session.add(mail)
    return mail


@dataclass(frozen=True)
class MailLine:
    id: uuid.UUID
    family_id: uuid.UUID | None
    kind: str
    recipient: str
    subject: str
    state: str
    attempts: int
    last_error: str
    queued_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)

    @property
    def state_label(self) -> str:
        return STATES.get(self.state, self.state)

    @property
    def can_retry(self) -> bool:
        return self.state in (FAILED, UNCERTAIN)


def _line(m: OutgoingMail) -> MailLine:
    return MailLine(
        m.id,
        m.family_id,
        m.kind,
        m.recipient,
        m.subject,
        m.state,
        m.attempts,
        m.last_error,
        m.queued_at,
        m.sent_at,
        m.next_attempt_at,
    )


def family_mails(store: Store, actor: Actor, family_id: uuid.UUID) -> list[MailLine]:
    """The family's « Courriels »: what was sent or is waiting, newest first."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        query = (
            select(OutgoingMail)
            .where(OutgoingMail.family_id == family_id)
            .order_by(OutgoingMail.queued_at.desc(), OutgoingMail.subject)
        )
        return [_line(m) for m in session.scalars(query)]


def mail_queue(store: Store, actor: Actor, *, include_sent: bool = False) -> list[MailLine]:
    """The « Messagerie » view: waiting, in progress, failed (and sent when asked)."""
    actor.require(Permission.FAMILY_VIEW)
    states = [PENDING, SENDING, FAILED, UNCERTAIN] + ([SENT] if include_sent else [])
    with store.read() as session:
        query = (
            select(OutgoingMail)
            .where(OutgoingMail.state.in_(states))
            .order_by(OutgoingMail.queued_at.desc(), OutgoingMail.subject)
        )
        return [_line(m) for m in session.scalars(query)]


def _families(call) -> list:
    return [Topic.MAIL] + ([FamilyTopic(call.result)] if call.result else [])


@changes(_families)
def retry_mail(store: Store, actor: Actor, mail_id: uuid.UUID) -> uuid.UUID | None:
    """« Réessayer »: a failed or interrupted message goes back to the queue, with the same
    Message-ID (the agent checked that an interrupted one did not arrive)."""
    actor.require(Permission.FAMILY_EDIT)
    with store.write(actor) as session:
        mail = session.get(OutgoingMail, mail_id)
        if mail is None:
            raise NotFound("Ce message n'existe plus.")
        if mail.state not in (FAILED, UNCERTAIN):
            raise DomainError("Seul un message en échec ou interrompu peut être renvoyé.")
        mail.state = PENDING
        mail.next_attempt_at = session.info["now"]
        record(
            session, "mail_retry", "outgoing_mail", mail.id, f"Courriel renvoyé : {mail.subject}"
        )
        return mail.family_id
