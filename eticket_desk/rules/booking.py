"""Whether a day can be booked or cancelled, and why not: the same answer at the counter,
on the portal and on the central server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from babel.dates import format_date

from eticket_desk.rules.deadlines import format_deadline
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import DomainError


class BookingState(StrEnum):
    BOOKED = "booked"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    PRESENT = "present"
    ABSENT_JUSTIFIED = "absent_justified"
    ABSENT_UNJUSTIFIED = "absent_unjustified"


# The states that hold a seat (a child marked present or absent was booked).
SEAT_STATES = frozenset(
    {
        BookingState.BOOKED,
        BookingState.PRESENT,
        BookingState.ABSENT_JUSTIFIED,
        BookingState.ABSENT_UNJUSTIFIED,
    }
)
STATE_LABELS = {
    BookingState.BOOKED: "Réservé",
    BookingState.WAITING: "Liste d'attente",
    BookingState.CANCELLED: "Annulé",
    BookingState.PRESENT: "Présent",
    BookingState.ABSENT_JUSTIFIED: "Absent justifié",
    BookingState.ABSENT_UNJUSTIFIED: "Absent non justifié",
}


class RefusalCode(StrEnum):
    """Also the rejection codes of the sync protocol (NO_TICKET only reaches the counter and
    the portal: a desk's pushed booking carries its own wallet entry)."""

    DAY_CLOSED = "DAY_CLOSED"
    DEADLINE_PASSED = "DEADLINE_PASSED"
    SUBSCRIPTION_ONLY = "SUBSCRIPTION_ONLY"
    CAPACITY_FULL = "CAPACITY_FULL"
    DOSSIER_NOT_VALIDATED = "DOSSIER_NOT_VALIDATED"
    CHILD_NOT_CONCERNED = "CHILD_NOT_CONCERNED"
    PERMISSION_DENIED = "PERMISSION_DENIED"
    OVERRIDE_REASON_MISSING = "OVERRIDE_REASON_MISSING"
    BOOKING_LOCKED = "BOOKING_LOCKED"  # the day's presence is marked
    NO_TICKET = "NO_TICKET"  # a prepaid day and no ticket left in the family's wallet


class BookingRefused(DomainError):
    """A booking or cancellation the rules refuse; `code` is stable, `message` is French."""

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(message)
        self.code = code


class Action(StrEnum):
    BOOK = "book"
    CANCEL = "cancel"


@dataclass(frozen=True)
class BookingCase:
    """Everything the rule needs to know about one child × activity × day."""

    action: Action
    day: date
    now: datetime
    activity_name: str
    child_name: str
    dossier_status: FamilyStatus
    concerned: bool  # the child's school and class are among the activity's
    closed_reason: str | None  # holiday name, "Fermé le mercredi"… or None when open
    deadline: datetime | None  # None: subscription only
    capacity: int | None  # None: unlimited
    seats_taken: int
    override_reason: str = ""  # set when an allowed agent overrides a passed deadline
    may_override: bool = False


def _day(day: date) -> str:
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def subscription_only_message(activity_name: str) -> str:
    """Why a subscription-only day (TAP, seed 003) is never booked or cancelled on its own."""
    if activity_name.isupper():  # an acronym (TAP) reads as a plural
        subject = f"Les {activity_name} se modifient"
    else:
        subject = f"{activity_name} se modifie"
    return f"{subject} par l'inscription (formulaire d'inscription), pas jour par jour."


def override_may_unlock(deadline: datetime | None, now: datetime) -> bool:
    """Whether an allowed agent's override (with a reason) could change a locked day: only
    a passed deadline is overridden, never a subscription-only day (nor capacity)."""
    return deadline is not None and now >= deadline


def refusal(case: BookingCase) -> BookingRefused | None:
    """The first reason the rules refuse this case, or None when it may go ahead.

    Capacity is only checked for a booking; a full activity is refused here and the
    service offers the waiting list instead (capacity is never overridden). A day of a
    subscription-only activity is refused even with an override: it changes by the form.
    """
    what = f"{case.activity_name} du {_day(case.day)}"
    if case.dossier_status != FamilyStatus.VALIDATED:
        return BookingRefused(
            RefusalCode.DOSSIER_NOT_VALIDATED,
            "Le dossier famille n'est pas validé : aucune réservation n'est possible "
            "avant sa validation.",
        )
    if not case.concerned:
        return BookingRefused(
            RefusalCode.CHILD_NOT_CONCERNED,
            f"{case.child_name} n'est pas concerné(e) par l'activité {case.activity_name} "
            "(école ou classe).",
        )
    if case.closed_reason:
        return BookingRefused(
            RefusalCode.DAY_CLOSED, f"{what} : jour fermé ({case.closed_reason})."
        )
    if case.deadline is None:
        # Never changed day by day, whoever asks: an override covers deadlines only.
        return BookingRefused(
            RefusalCode.SUBSCRIPTION_ONLY, subscription_only_message(case.activity_name)
        )
    if case.now >= case.deadline:
        if not case.override_reason.strip():
            return BookingRefused(
                RefusalCode.DEADLINE_PASSED,
                f"{what} : le délai est dépassé depuis le {format_deadline(case.deadline)}.",
            )
        if not case.may_override:
            return BookingRefused(
                RefusalCode.PERMISSION_DENIED,
                "Votre profil ne permet pas de passer outre un délai de réservation.",
            )
    if (
        case.action == Action.BOOK
        and case.capacity is not None
        and case.seats_taken >= case.capacity
    ):
        return BookingRefused(
            RefusalCode.CAPACITY_FULL,
            f"{what} : complet ({case.capacity} places). L'enfant peut être inscrit "
            "sur la liste d'attente.",
        )
    return None


def is_late(case: BookingCase, current: BookingState | None) -> bool:
    """Whether the change counts as made after the deadline, the mark a late cancellation
    is billed by (and keeps its ticket). Taking a child off the waiting list never does:
    the child never held a seat, so there is nothing to bill nor to keep."""
    if case.action == Action.CANCEL and current not in SEAT_STATES:
        return False
    return case.deadline is None or case.now >= case.deadline


def tickets_moved(before: BookingState | None, after: BookingState | None, late: bool) -> int:
    """The tickets a prepaid day takes from the wallet (−1) or gives back (+1): a seat taken
    costs one, a seat given back before the deadline returns it, a late one keeps it; the
    waiting list never takes nor gives one."""
    held, holds = before in SEAT_STATES, after in SEAT_STATES
    if holds and not held:
        return -1
    if held and not holds and not late:
        return 1
    return 0
