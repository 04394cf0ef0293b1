"""The mairie's messages for the portal's accueil, written at the desk: to every family or
to one, with a title, a text and a last day; listed, changed and withdrawn here, each write
one op (message.upsert) pushed at the next sync."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from eticket_desk.models import Family, MairieMessage
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import MessageWritten, emit

MAX_TITLE, MAX_TEXT = 200, 4000


@dataclass(frozen=True)
class MessageDraft:
    title: str
    text: str
    valid_until: date
    family_id: uuid.UUID | None = None  # None: every family


@dataclass(frozen=True)
class MessageRow:
    id: uuid.UUID
    title: str
    text: str
    valid_until: date
    family_id: uuid.UUID | None
    audience: str  # « Toutes les familles » or the family's name
    withdrawn: bool
    written_by: str
    updated_at: datetime

    def status(self, today: date) -> str:
        if self.withdrawn:
            return "retiré"
        return "affiché" if self.valid_until >= today else "expiré"


def _check(draft: MessageDraft, today: date) -> MessageDraft:
    title, text = draft.title.strip(), draft.text.strip()
    problems = []
    if not title:
        problems.append("Le titre est obligatoire.")
    elif len(title) > MAX_TITLE:
        problems.append(f"Le titre dépasse {MAX_TITLE} caractères.")
    if not text:
        problems.append("Le texte du message est obligatoire.")
    elif len(text) > MAX_TEXT:
        problems.append(f"Le texte dépasse {MAX_TEXT} caractères.")
    if draft.valid_until < today:
        problems.append("La date de fin d'affichage est déjà passée.")
    if problems:
        raise InvalidInput(" ".join(problems))
    return MessageDraft(title, text, draft.valid_until, draft.family_id)


@changes(Topic.ORGANISATION)
def write_message(
    store: Store, actor: Actor, draft: MessageDraft, message_id: uuid.UUID | None = None
) -> uuid.UUID:
    """Writes a new message (or changes `message_id`); shown on the portal after the sync."""
    actor.require(Permission.FAMILY_EDIT)
    draft = _check(draft, store.clock.today())
    with store.write(actor) as session:
        if draft.family_id is not None and session.get(Family, draft.family_id) is None:
            raise NotFound("Cette famille n'existe pas (ou plus).")
        now = session.info["now"]
        message = session.get(MairieMessage, message_id) if message_id else None
        if message_id is not None and message is None:
            raise NotFound("Ce message n'existe pas (ou plus).")
        if message is None:
            message = MairieMessage(withdrawn=False)
            session.add(message)
        message.title, message.text = draft.title, draft.text
        message.valid_until, message.family_id = draft.valid_until, draft.family_id
        message.written_by = actor.full_name or actor.login
        message.updated_at = now
        session.flush()
        emit(session, MessageWritten(message.id))
        return message.id


@changes(Topic.ORGANISATION)
def withdraw_message(store: Store, actor: Actor, message_id: uuid.UUID) -> None:
    """Takes a message off the portal (kept here, marked « retiré »)."""
    actor.require(Permission.FAMILY_EDIT)
    with store.write(actor) as session:
        message = session.get(MairieMessage, message_id)
        if message is None:
            raise NotFound("Ce message n'existe pas (ou plus).")
        if message.withdrawn:
            return
        message.withdrawn = True
        message.updated_at = session.info["now"]
        emit(session, MessageWritten(message.id))


def list_messages(store: Store) -> list[MessageRow]:
    """Every message, the one shown the longest first."""
    with store.read() as session:
        rows = session.execute(
            select(MairieMessage, Family.display_name)
            .outerjoin(Family, Family.id == MairieMessage.family_id)
            .order_by(MairieMessage.valid_until.desc(), MairieMessage.updated_at.desc())
        ).all()
    return [
        MessageRow(
            m.id,
            m.title,
            m.text,
            m.valid_until,
            m.family_id,
            "Toutes les familles" if m.family_id is None else (name or ""),
            m.withdrawn,
            m.written_by,
            m.updated_at,
        )
        for m, name in rows
    ]


def family_by_reference(store: Store, reference: str) -> tuple[uuid.UUID, str] | None:
    """The family whose dossier number is `reference` (its id and name), else None."""
    with store.read() as session:
        found = session.execute(
            select(Family.id, Family.display_name).where(Family.reference == reference.strip())
        ).first()
    return (found[0], found[1]) if found else None
