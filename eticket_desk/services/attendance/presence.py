"""Presence marking (pointage): present, absent with a medical certificate (justified) or
without (unjustified), for the children booked on an activity's day.

A save is one transaction, every booking changed is audited (its state, who, when). Marking
never moves a seat counter: a child marked absent still held the seat, and the billing rules
(rules.billing) read the state — an absence with a certificate is not billed.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Booking, Child, Invoice, School, SchoolClass
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import SEAT_STATES, STATE_LABELS, BookingState
from eticket_desk.rules.errors import DomainError, InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import fold
from eticket_desk.services.attendance.lists import NO_SCHOOL, age_on, child_marks, class_order
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import BookingChanged, emit

# The states a person sets by marking; BOOKED takes a mark back (« non pointé »).
MARKS = (
    BookingState.BOOKED,
    BookingState.PRESENT,
    BookingState.ABSENT_UNJUSTIFIED,
    BookingState.ABSENT_JUSTIFIED,
)
MARK_LABELS = {**STATE_LABELS, BookingState.BOOKED: "Non pointé"}


def absence(certificate: bool) -> BookingState:
    """An absence is justified by a medical certificate, and then it is not billed."""
    return BookingState.ABSENT_JUSTIFIED if certificate else BookingState.ABSENT_UNJUSTIFIED


@dataclass(frozen=True)
class PresenceRow:
    child_id: uuid.UUID
    family_id: uuid.UUID
    last_name: str
    first_name: str
    school: str
    class_name: str
    age: int | None
    state: BookingState
    late: bool  # booked after the deadline (an agent's override)
    number: int = 0  # its number in its class, as on the printed list (1, 2… by name)
    health: str = ""  # « sans porc · PAI · Allergies : arachide », only when asked and allowed
    health_alert: bool = False  # a PAI or an allergy (printed in bold)

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}"


@dataclass(frozen=True)
class PresenceSheet:
    activity_id: uuid.UUID
    activity_name: str
    day: date
    rows: tuple[PresenceRow, ...]  # by school, class, name
    editable: bool  # False for a day still to come
    invoiced: int  # families whose invoice of that month is already issued
    show_health: bool = False  # the rows carry their diet, allergies and PAI

    def counts(self) -> Counter:
        return Counter(row.state for row in self.rows)


@dataclass(frozen=True)
class PresenceChange:
    child_id: uuid.UUID
    state: BookingState  # one of MARKS


@dataclass(frozen=True)
class PresenceSaved:
    changed: int
    message: str  # French, for the status line
    invoiced: tuple[str, ...] = ()  # children whose month is already invoiced (no change there)


def _activity(session, activity_id: uuid.UUID):
    spec = next(
        (a for a in activities_in(session, include_inactive=True) if a.id == activity_id), None
    )
    if spec is None:
        raise NotFound("Cette activité n'existe pas (ou plus).")
    return spec


def _invoiced_families(session, families: set[uuid.UUID], day: date) -> set[uuid.UUID]:
    """Families with a month invoice covering `day` not cancelled by a credit note."""
    if not families:
        return set()
    credited = select(Invoice.corrects_id).where(Invoice.kind == "credit_note")
    return set(
        session.scalars(
            select(Invoice.family_id).where(
                Invoice.kind == "invoice",
                Invoice.period_kind == "month",
                Invoice.period_start <= day,
                Invoice.period_end >= day,
                Invoice.family_id.in_(families),
                Invoice.id.not_in(credited),
            )
        )
    )


def _health(diet: str, pai: bool, allergies: str, treatments: str) -> tuple[str, bool]:
    """The marks of the printed list, then the allergies: what the staff must know."""
    parts = list(child_marks(diet, pai, allergies, treatments))
    if allergies:
        parts.append(f"Allergies : {allergies}")
    return " · ".join(parts), bool(pai or allergies)


@changes(unseen="the audit line of a sheet showing health data")
def presence_sheet(
    store: Store,
    actor: Actor,
    activity_id: uuid.UUID,
    day: date,
    *,
    with_health: bool = False,
) -> PresenceSheet:
    """The children holding a seat on the activity that day, with their mark, in the order
    and with the numbers of the printed list (by school and class, numbered in each class).

    Diets, allergies and PAI come only `with_health` and for a role allowed to see them; that
    view is written in the audit log."""
    actor.require(Permission.BOOKING_EDIT)
    health = with_health and actor.can(Permission.HEALTH_VIEW)
    with store.read() as session:
        spec = _activity(session, activity_id)
        query = (
            select(
                Booking.child_id,
                Booking.state,
                Booking.late,
                Child.family_id,
                Child.last_name,
                Child.first_name,
                Child.birth_date,
                School.name,
                SchoolClass.name,
                SchoolClass.position,
                Child.diet,
                Child.pai,
                Child.allergies,
                Child.treatments,
            )
            .join(Child, Child.id == Booking.child_id)
            .outerjoin(School, School.id == Booking.school_id)
            .outerjoin(SchoolClass, SchoolClass.id == Child.class_id)
            .where(
                Booking.activity_id == activity_id,
                Booking.day == day,
                Booking.state.in_([s.value for s in SEAT_STATES]),
            )
        )
        found = []
        for (
            child,
            state,
            late,
            family,
            last,
            first,
            birth,
            school,
            klass,
            pos,
            *care,
        ) in session.execute(query):
            text, alert = _health(*care) if health else ("", False)
            row = PresenceRow(
                child, family, last, first, school or NO_SCHOOL, klass or "", age_on(birth, day),
                BookingState(state), bool(late), health=text, health_alert=alert,
            )  # fmt: skip
            key = (class_order(row.school, pos, row.class_name), fold(last), fold(first))
            found.append((key, row))
        billed = spec.billing_mode == BillingMode.UNIT
        invoiced = (
            _invoiced_families(session, {r.family_id for _, r in found}, day) if billed else ()
        )
    rows, number, group = [], 0, None
    for key, row in sorted(found, key=lambda kv: kv[0]):
        number = number + 1 if key[0] == group else 1
        group = key[0]
        rows.append(dataclasses.replace(row, number=number))
    shown = sum(1 for row in rows if row.health)
    if shown:
        with store.write(actor) as session:
            record(
                session,
                "health_view",
                "attendance_list",
                day.isoformat(),
                f"Consultation des données de santé : présences {spec.name} du {day:%d/%m/%Y}",
                children=shown,
            )
    return PresenceSheet(
        activity_id=activity_id,
        activity_name=spec.name,
        day=day,
        rows=tuple(rows),
        editable=day <= store.clock.today(),
        invoiced=len(invoiced),
        show_health=health,
    )


_COUNTED = {
    BookingState.PRESENT: ("présent", "présents"),
    BookingState.ABSENT_UNJUSTIFIED: ("absent non justifié", "absents non justifiés"),
    BookingState.ABSENT_JUSTIFIED: ("absent avec certificat", "absents avec certificat"),
    BookingState.BOOKED: ("non pointé", "non pointés"),
}


def count_text(counts: Counter) -> str:
    """« 12 présents, 1 absent avec certificat » (in the order of MARKS)."""
    parts = []
    for state in (*MARKS[1:], MARKS[0]):
        if counts[state]:
            one, many = _COUNTED[state]
            parts.append(f"{counts[state]} {one if counts[state] == 1 else many}")
    return ", ".join(parts)


@changes(Topic.BOOKINGS)
def save_presence(
    store: Store,
    actor: Actor,
    activity_id: uuid.UUID,
    day: date,
    changes: Sequence[PresenceChange],
) -> PresenceSaved:
    """Marks the children of `changes` in one transaction (all or nothing)."""
    actor.require(Permission.BOOKING_EDIT)
    if day > store.clock.today():
        raise DomainError(
            f"Le {day:%d/%m/%Y} n'est pas encore passé : la présence se pointe le jour même "
            "ou après."
        )
    if any(change.state not in MARKS for change in changes):
        raise InvalidInput("Pointage inconnu : présent, absent justifié ou absent non justifié.")
    with store.write(actor) as session:
        spec, counts, changed_families, invoiced = mark_presence_in(
            session, actor, activity_id, day, changes
        )
    changed = sum(counts.values())
    if not changed:
        return PresenceSaved(0, "Aucun changement à enregistrer.")
    message = f"Pointage enregistré — {spec.name} du {day:%d/%m/%Y} : {count_text(counts)}."
    late = tuple(sorted(changed_families[f] for f in invoiced))
    if late:
        message += (
            f" Le mois est déjà facturé pour {', '.join(late)} : la facture émise ne change "
            "pas (un avoir corrige une facture)."
        )
    return PresenceSaved(changed, message, late)


def mark_presence_in(
    session, actor: Actor, activity_id: uuid.UUID, day: date, changes: Sequence[PresenceChange]
):
    """Marks the children of `changes` inside the caller's unit of work (the presence sheet's
    save, a medical certificate accepted: its days' absences justified). Returns the
    activity, the marks set per state, the families changed (their child's name) and those
    whose month is already invoiced."""
    spec = _activity(session, activity_id)
    now = session.info["now"]
    wanted = {change.child_id: change.state for change in changes}
    rows = session.execute(
        select(Booking, Child.first_name, Child.last_name, Child.family_id)
        .join(Child, Child.id == Booking.child_id)
        .where(
            Booking.activity_id == activity_id,
            Booking.day == day,
            Booking.child_id.in_(list(wanted)),
        )
    ).all()
    if len(rows) != len(wanted) or any(b.state not in SEAT_STATES for b, *_ in rows):
        raise DomainError(
            "Un des enfants pointés n'est plus inscrit ce jour-là : rechargez la liste."
        )
    counts: Counter = Counter()
    changed_families: dict[uuid.UUID, str] = {}
    for booking, first, last, family_id in rows:
        state = wanted[booking.child_id]
        if booking.state == state.value:
            continue
        booking.audit_label = f"Pointage {first} {last.upper()} — {spec.name} du {day:%d/%m/%Y}"
        emit(session, BookingChanged(activity_id, day, booking.child_id, booking.state))
        booking.state = state.value
        booking.updated_at = now
        booking.updated_by = actor.login
        counts[state] += 1
        changed_families[family_id] = f"{first} {last.upper()}"
    invoiced: set[uuid.UUID] = set()
    if spec.billing_mode == BillingMode.UNIT:
        invoiced = _invoiced_families(session, set(changed_families), day)
    return spec, counts, changed_families, invoiced
