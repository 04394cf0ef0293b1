"""The documents parents sent from the portal, as the desk processes them: listed per family
and as a list to process, fetched from the server when opened (checked against the SHA-256
the server gave), accepted or refused with a reason the parent will read (one op, pushed).

Accepting a medical certificate for a child may justify the child's absences: the days the
agent picks are marked « absent justifié » by the presence service's own marking
(attendance/presence.py), in the same unit of work as the acceptance.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from eticket_desk.models import Activity, Booking, Child, Family, ParentDocument
from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.attendance.presence import PresenceChange, mark_presence_in
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.document_payloads import DOCUMENT_KINDS
from eticket_desk.sync.outbox import DocumentReviewed, emit

STATE_LABELS = {"sent": "à traiter", "accepted": "accepté", "refused": "refusé"}
# The states a certificate may turn into « absent justifié » (a past day kept, or missed).
_JUSTIFIABLE = (BookingState.BOOKED.value, BookingState.ABSENT_UNJUSTIFIED.value)
JUSTIFY_DAYS_BACK = 62  # how far back a certificate's days are offered


@dataclass(frozen=True)
class DocumentRow:
    id: uuid.UUID
    family_id: uuid.UUID
    family_name: str
    child_id: uuid.UUID | None
    child_name: str
    kind: str
    kind_label: str
    filename: str
    content_type: str
    size: int
    sha256: str
    comment: str
    sent_by: str
    sent_at: datetime
    state: str
    reason: str
    reviewed_by: str

    @property
    def state_label(self) -> str:
        label = STATE_LABELS.get(self.state, self.state)
        return f"{label} : {self.reason}" if self.state == "refused" else label

    @property
    def is_certificate(self) -> bool:
        return self.kind == "certificat_medical"


@dataclass(frozen=True)
class JustifiableDay:
    day: date
    activities: tuple[str, ...]  # the activities booked that day, by name


@dataclass(frozen=True)
class Reviewed:
    family_id: uuid.UUID
    message: str  # French, for the status line
    justified: int = 0  # bookings marked « absent justifié »


def _rows(session, where) -> list[DocumentRow]:
    found = session.execute(
        select(ParentDocument, Family.display_name, Child.first_name, Child.last_name)
        .join(Family, Family.id == ParentDocument.family_id)
        .outerjoin(Child, Child.id == ParentDocument.child_id)
        .where(*where)
        .order_by(ParentDocument.sent_at.desc(), ParentDocument.id)
    ).all()
    return [
        DocumentRow(
            d.id,
            d.family_id,
            family_name or "",
            d.child_id,
            f"{first} {last.upper()}" if first else "",
            d.kind,
            DOCUMENT_KINDS.get(d.kind, d.kind),
            d.filename,
            d.content_type,
            d.size,
            d.sha256,
            d.comment,
            d.sent_by,
            d.sent_at,
            d.state,
            d.reason,
            d.reviewed_by,
        )
        for d, family_name, first, last in found
    ]


def family_documents(store: Store, family_id: uuid.UUID) -> list[DocumentRow]:
    """A family's documents, the latest sent first."""
    with store.read() as session:
        return _rows(session, [ParentDocument.family_id == family_id])


def documents_to_process(store: Store) -> list[DocumentRow]:
    """Every document not accepted nor refused yet, the latest sent first."""
    with store.read() as session:
        return _rows(session, [ParentDocument.state == "sent"])


def justifiable_days(store: Store, child_id: uuid.UUID) -> list[JustifiableDay]:
    """The child's days up to today (JUSTIFY_DAYS_BACK back) still booked or marked absent
    without justification: those a medical certificate may justify."""
    today = store.clock.today()
    with store.read() as session:
        rows = session.execute(
            select(Booking.day, Activity.name)
            .join(Activity, Activity.id == Booking.activity_id)
            .where(
                Booking.child_id == child_id,
                Booking.day <= today,
                Booking.day >= today - timedelta(days=JUSTIFY_DAYS_BACK),
                Booking.state.in_(_JUSTIFIABLE),
            )
            .order_by(Booking.day, Activity.position, Activity.name)
        ).all()
    days: dict[date, list[str]] = {}
    for day, name in rows:
        days.setdefault(day, []).append(name)
    return [JustifiableDay(day, tuple(names)) for day, names in days.items()]


def _review_changes(call) -> list:
    return [FamilyTopic(call.result.family_id)]


@changes(Topic.FAMILIES, Topic.BOOKINGS, _review_changes)
def review_document(
    store: Store,
    actor: Actor,
    document_id: uuid.UUID,
    accept: bool,
    reason: str = "",
    justify: Sequence[date] = (),
) -> Reviewed:
    """Accepts the document (a certificate's `justify` days: the child's absences justified)
    or refuses it with `reason`; one unit of work, its ops pushed at the next sync."""
    actor.require(Permission.FAMILY_EDIT)
    if justify:
        actor.require(Permission.BOOKING_EDIT)
    reason = reason.strip()
    if not accept and not reason:
        raise InvalidInput("Indiquez le motif du refus : la famille le lira sur le portail.")
    if len(reason) > 1000:
        raise InvalidInput("Le motif du refus dépasse 1 000 caractères.")
    today = store.clock.today()
    justified = 0
    with store.write(actor) as session:
        document = session.get(ParentDocument, document_id)
        if document is None:
            raise NotFound("Ce document n'existe pas (ou plus) sur ce poste.")
        if justify and (not accept or document.kind != "certificat_medical"):
            raise InvalidInput("Seul un certificat médical accepté justifie des absences.")
        if justify and document.child_id is None:
            raise InvalidInput("Ce certificat ne nomme pas d'enfant : aucune absence à justifier.")
        if any(day > today for day in justify):
            raise DomainError("Une absence se justifie le jour même ou après, pas à l'avance.")
        document.state = "accepted" if accept else "refused"
        document.reason = "" if accept else reason
        document.reviewed_by = actor.full_name or actor.login
        document.reviewed_at = session.info["now"]
        emit(session, DocumentReviewed(document.id))
        for day in sorted(set(justify)):
            activities = session.scalars(
                select(Booking.activity_id).where(
                    Booking.child_id == document.child_id,
                    Booking.day == day,
                    Booking.state.in_(_JUSTIFIABLE),
                )
            ).all()
            for activity_id in activities:
                mark = PresenceChange(document.child_id, BookingState.ABSENT_JUSTIFIED)
                _spec, counts, _families, _invoiced = mark_presence_in(
                    session, actor, activity_id, day, [mark]
                )
                justified += sum(counts.values())
        family_id = document.family_id
        name = document.filename
    if not accept:
        return Reviewed(family_id, f"Document « {name} » refusé : la famille verra le motif.")
    message = f"Document « {name} » accepté."
    if justified:
        message += f" {justified} absence(s) justifiée(s)."
    return Reviewed(family_id, message, justified)


def fetch_document(client, row: DocumentRow, folder: Path) -> Path:
    """Fetches the document's bytes from the server (`client`: the desk's SyncClient), checks
    them against the SHA-256 the server gave, writes them in `folder`; the file's path."""
    content = client.document(row.id)
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise DomainError(
            "Le document reçu du serveur ne correspond pas à celui envoyé par la famille : "
            "réessayez plus tard."
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{row.id.hex[:8]}-{Path(row.filename).name}"
    path.write_bytes(content)
    return path
