"""Two dossiers of one family made one (régisseur or admin only), in one transaction, audited.

The kept dossier takes the other's children (a child of both — same first name and birth
date, rules.duplicates — becomes one: its bookings, subscriptions, wallet and invoice lines
follow it; a day booked in both keeps one booking, and the other's ticket is given back),
adults (same names = same adult: its empty fields filled), wallet lines, receipts and their
payments, invoices (numbers unchanged), credit and portal access (when the kept one has none);
the other's notes are appended. The absorbed dossier stays, archived « Fusionné dans … », for
the history; it is no longer found for new work.

`merge_rows` does the moving; the desk's service and the other desks (a pulled
`family_merge` change) both run it, with the same pairs of children and adults. The desk's
service also sends the `family.merge` op (before the two dossiers' own upserts: the server
moves its rows the same way) and the ticket lines it gives back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from eticket_desk.models import (
    Booking,
    CreditEntry,
    Family,
    OutgoingMail,
    PortalAccount,
    Sale,
    Subscription,
    WalletEntry,
)
from eticket_desk.models import Invoice as InvoiceRow
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.duplicates import (
    ChildFacts,
    PersonFacts,
    adult_key,
    child_key,
    pairs_by_key,
)
from eticket_desk.rules.errors import DomainError, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.data import family_display_name
from eticket_desk.services.families.dossiers import search_text_for
from eticket_desk.services.families.duplicates import close_pairs_in
from eticket_desk.services.families.merge_children import join_child
from eticket_desk.sync.oplog import write_ops
from eticket_desk.sync.outbox import FamilyChanged, WalletLines, emit
from eticket_desk.sync.wire import OpType

_FILLED = (
    "relation",
    "phone_home",
    "phone_mobile",
    "phone_work",
    "phone_work_mobile",
    "email",
    "address1",
    "address2",
    "address3",
    "postcode",
    "city",
)


@dataclass
class MergeCounts:
    """What moved (or what would move: the dialog shows it before)."""

    kept_reference: str = ""
    absorbed_reference: str = ""
    children_moved: list[str] = field(default_factory=list)
    children_joined: list[str] = field(default_factory=list)
    adults_moved: list[str] = field(default_factory=list)
    adults_joined: list[str] = field(default_factory=list)
    bookings: int = 0
    days_twice: int = 0
    tickets_returned: int = 0
    wallet_lines: int = 0
    sales: int = 0
    invoices: int = 0
    subscriptions: int = 0

    @property
    def lines(self) -> list[str]:
        """What the dialog says moves, in French."""
        out = []
        if self.children_moved:
            out.append("Enfants ajoutés : " + ", ".join(self.children_moved))
        if self.children_joined:
            out.append(
                "Enfants présents dans les deux (réunis) : " + ", ".join(self.children_joined)
            )
        if self.adults_moved:
            out.append("Adultes ajoutés : " + ", ".join(self.adults_moved))
        if self.adults_joined:
            out.append(
                "Adultes présents dans les deux (complétés) : " + ", ".join(self.adults_joined)
            )
        out.append(f"Réservations déplacées : {self.bookings}")
        if self.days_twice:
            out.append(
                f"Jours réservés dans les deux dossiers : {self.days_twice} (une seule "
                f"réservation gardée, {self.tickets_returned} ticket(s) rendu(s))"
            )
        out.append(f"Lignes de porte-monnaie : {self.wallet_lines}")
        out.append(f"Quittances : {self.sales} — factures : {self.invoices}")
        out.append(f"Inscriptions : {self.subscriptions}")
        return out


def _families(session: Session, kept_id: uuid.UUID, absorbed_id: uuid.UUID):
    kept, absorbed = session.get(Family, kept_id), session.get(Family, absorbed_id)
    if kept is None or absorbed is None:
        raise NotFound("L'un des deux dossiers n'existe pas (ou plus).")
    if kept_id == absorbed_id:
        raise DomainError("Choisissez deux dossiers différents.")
    for family in (kept, absorbed):
        if family.status == FamilyStatus.ARCHIVED:
            raise DomainError(
                f"Le dossier {family.reference} est archivé : désarchivez-le avant de le fusionner."
            )
    return kept, absorbed


def pairs_of(kept: Family, absorbed: Family) -> tuple[dict, dict]:
    """(children, adults) of the absorbed dossier that are the kept one's: absorbed id -> kept
    id (rules.duplicates: same first name and birth date; same names)."""

    def child_of(c):
        return child_key(ChildFacts(c.first_name, c.last_name, c.birth_date))

    def adult_of(a):
        return adult_key(PersonFacts(a.last_name, a.first_name))

    children = pairs_by_key(
        [(c.id, child_of(c)) for c in kept.children],
        [(c.id, child_of(c)) for c in absorbed.children],
    )
    adults = pairs_by_key(
        [(a.id, adult_of(a)) for a in kept.members], [(a.id, adult_of(a)) for a in absorbed.members]
    )
    return children, adults


def merge_rows(
    session: Session,
    kept: Family,
    absorbed: Family,
    children: dict,
    adults: dict,
    *,
    by: str,
    returned: list | None,
) -> MergeCounts:
    """Moves the absorbed dossier's rows to the kept one (see the module's docstring).
    `returned` collects the ticket lines given back for a day booked twice; None when they
    are not written here (another desk's merge: its lines come with the pull)."""
    counts = MergeCounts(kept.reference, absorbed.reference)
    kept_children = {c.id: c for c in kept.children}
    for child in list(absorbed.children):
        partner = kept_children.get(children.get(child.id))
        if partner is not None:
            counts.children_joined.append(child.first_name)
            join_child(session, counts, kept, child, partner, by, returned)
            absorbed.children.remove(child)
        else:
            counts.children_moved.append(child.first_name)
            counts.bookings += len(
                session.scalars(select(Booking.day).where(Booking.child_id == child.id)).all()
            )
            counts.subscriptions += len(
                session.scalars(
                    select(Subscription.id).where(Subscription.child_id == child.id)
                ).all()
            )
            absorbed.children.remove(child)
            kept.children.append(child)
    session.flush()
    kept_adults = {a.id: a for a in kept.members}
    # exactly one payer and one emergency contact: the kept dossier's, when it has them
    flags = [
        f for f in ("billing", "emergency_contact") if any(getattr(a, f) for a in kept.members)
    ]
    portals = _portal_accounts(session, kept, absorbed)
    for adult in list(absorbed.members):
        partner = kept_adults.get(adults.get(adult.id))
        _follow(session, portals, adult.id, partner.id if partner else adult.id, kept.id)
        absorbed.members.remove(adult)
        if partner is not None:
            counts.adults_joined.append(f"{adult.first_name} {adult.last_name}".strip())
            for name in _FILLED:
                if not getattr(partner, name) and getattr(adult, name):
                    setattr(partner, name, getattr(adult, name))
        else:
            counts.adults_moved.append(f"{adult.first_name} {adult.last_name}".strip())
            for flag in flags:
                setattr(adult, flag, False)
            kept.members.append(adult)
    for position, row in enumerate(kept.members):
        row.position = position
    for position, row in enumerate(kept.children):
        row.position = position
    session.flush()
    for model, name in (
        (WalletEntry, "wallet_lines"),
        (Sale, "sales"),
        (InvoiceRow, "invoices"),
        (CreditEntry, None),
        (OutgoingMail, None),  # the absorbed family's « Courriels » log follows it
    ):
        moved = session.execute(
            update(model)
            .where(model.family_id == absorbed.id)
            .values(family_id=kept.id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if name:
            setattr(counts, name, moved)
    day = session.info["now"].strftime("%d/%m/%Y")
    if absorbed.notes:
        kept.notes = (kept.notes + "\n" if kept.notes else "") + (
            f"[Fusion de {absorbed.reference}] {absorbed.notes}"
        )
    absorbed.notes = f"Fusionné dans {kept.reference} le {day} ({by})."
    absorbed.status = FamilyStatus.ARCHIVED.value
    session.flush()
    for family in (kept, absorbed):
        family.display_name = family_display_name(family.members)
        family.search_text = search_text_for(family.reference, family.members, family.children)
        family.updated_at = session.info["now"]
        family.version += 1
    close_pairs_in(session, {kept.id, absorbed.id}, "merged", by)
    session.flush()
    session.expire_all()  # the rows moved by UPDATE statements are read afresh
    return counts


def preview_merge(
    store: Store, actor: Actor, kept_id: uuid.UUID, absorbed_id: uuid.UUID
) -> MergeCounts:
    """What a merge would move, written nowhere (the dialog shows it before asking)."""
    actor.require(Permission.FAMILY_MERGE)
    with store.read() as session:
        kept, absorbed = _families(session, kept_id, absorbed_id)
        children, adults = pairs_of(kept, absorbed)
        counts = MergeCounts(kept.reference, absorbed.reference)
        for child in absorbed.children:
            (counts.children_joined if child.id in children else counts.children_moved).append(
                child.first_name
            )
        for adult in absorbed.members:
            name = f"{adult.first_name} {adult.last_name}".strip()
            (counts.adults_joined if adult.id in adults else counts.adults_moved).append(name)
        ids = [c.id for c in absorbed.children]
        counts.bookings = session.scalar(
            select(func.count()).select_from(Booking).where(Booking.child_id.in_(ids))
        )
        for model, name in (
            (WalletEntry, "wallet_lines"),
            (Sale, "sales"),
            (InvoiceRow, "invoices"),
        ):
            setattr(
                counts,
                name,
                session.scalar(
                    select(func.count()).select_from(model).where(model.family_id == absorbed.id)
                ),
            )
        counts.subscriptions = session.scalar(
            select(func.count()).select_from(Subscription).where(Subscription.child_id.in_(ids))
        )
        return counts


@changes(
    Topic.FAMILIES,
    Topic.SALES,
    Topic.BOOKINGS,
    Topic.INVOICES,
    Topic.SYNC,
    lambda call: FamilyTopic(call["kept_id"]),
    lambda call: FamilyTopic(call["absorbed_id"]),
)
def merge_families(
    store: Store, actor: Actor, kept_id: uuid.UUID, absorbed_id: uuid.UUID
) -> MergeCounts:
    """Merges `absorbed_id` into `kept_id` (see the module's docstring) and sends it."""
    actor.require(Permission.FAMILY_MERGE)
    with store.write(actor) as session:
        kept, absorbed = _families(session, kept_id, absorbed_id)
        children, adults = pairs_of(kept, absorbed)
        payload = {
            "kept_id": kept.id,
            "absorbed_id": absorbed.id,
            "kept_reference": kept.reference,
            "absorbed_reference": absorbed.reference,
            "children": [{"absorbed_id": a, "kept_id": k} for a, k in children.items()],
            "adults": [{"absorbed_id": a, "kept_id": k} for a, k in adults.items()],
        }
        label = f"Fusion du dossier {absorbed.reference} dans {kept.reference}"
        # First in the outbox: the server moves its rows before the dossiers' upserts.
        write_ops(session, [(OpType.FAMILY_MERGE, payload, f"merge:{kept.id}", label)])
        returned: list[WalletEntry] = []
        by = actor.full_name or actor.login
        counts = merge_rows(session, kept, absorbed, children, adults, by=by, returned=returned)
        record(
            session,
            "merge",
            "family",
            kept_id,
            f"{label} : {'; '.join(counts.lines)}",
            absorbed=str(absorbed_id),
        )
        emit(session, FamilyChanged(kept_id), FamilyChanged(absorbed_id))
        if returned:
            emit(session, WalletLines(tuple(line.id for line in returned)))
        return counts


def _portal_accounts(session: Session, kept: Family, absorbed: Family) -> dict:
    """The two dossiers' portal logins by guardian."""
    rows = session.scalars(
        select(PortalAccount).where(PortalAccount.family_id.in_([kept.id, absorbed.id]))
    )
    return {row.adult_id: row for row in rows}


def _follow(session: Session, portals: dict, adult_id, becomes, kept_id) -> None:
    """An absorbed guardian's portal login follows them into the kept dossier, unless the
    kept guardian they join has a login already (that one stays, theirs goes)."""
    account = portals.get(adult_id)
    if account is None:
        return
    if becomes != adult_id and becomes in portals:
        session.delete(account)
    else:
        account.family_id, account.adult_id = kept_id, becomes
    session.flush()
