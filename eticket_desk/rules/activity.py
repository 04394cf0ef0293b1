"""An activity as the rules see it: when it runs, whom it concerns, its deadline and seats."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from eticket_desk.rules.calendar import WEEKDAY_NAMES, CalendarSet
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule, deadline_for
from eticket_desk.rules.errors import ValidationFailed

LEVELS = ("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")


class BillingMode(StrEnum):
    PREPAID = "prepaid"  # one ticket of the family's wallet per booked day
    UNIT = "unit"  # invoiced per booked day (e.g. the canteen, monthly)
    FARE = "fare"  # a fare per period from the subscription (bus, TAP)


BILLING_LABELS = {
    BillingMode.PREPAID: "Tickets prépayés (porte-monnaie)",
    BillingMode.UNIT: "Facturé à l'unité",
    BillingMode.FARE: "Forfait par période",
}
_CODE = re.compile(r"^[A-Z0-9_]{2,20}$")
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class ActivitySpec:
    code: str
    name: str
    weekdays: tuple[int, ...]  # 0 = Monday
    deadline: DeadlineRule
    billing_mode: BillingMode
    capacity: int | None = None  # per day, all schools together
    # Schools concerned and their own daily capacity (None: no limit of their own);
    # empty: every school.
    school_capacities: dict[uuid.UUID, int | None] = field(default_factory=dict)
    levels: tuple[str, ...] = ()  # empty: every level
    ticket_type: str = ""
    colour: str = "#2563eb"
    position: int = 0
    active: bool = True
    id: uuid.UUID | None = None

    # ------------------------------------------------------------ when it runs

    def closed_reason(self, day: date, calendar: CalendarSet) -> str | None:
        """Why the activity does not run on `day` (French), or None when it runs."""
        reason = calendar.closed_reason(day, self.code)
        if reason is not None:
            return reason
        if day.weekday() not in self.weekdays:
            return f"{self.name} n'a pas lieu le {WEEKDAY_NAMES[day.weekday()]}"
        return None

    def runs_on(self, day: date, calendar: CalendarSet) -> bool:
        return self.closed_reason(day, calendar) is None

    def deadline_of(self, day: date, calendar: CalendarSet) -> datetime | None:
        return deadline_for(day, self.deadline, lambda d: self.runs_on(d, calendar), self.weekdays)

    @property
    def subscription_only(self) -> bool:
        return self.deadline.kind == DeadlineKind.SUBSCRIPTION_ONLY

    # ------------------------------------------------------------ whom it concerns

    def concerns(self, school_id: uuid.UUID | None, level: str | None) -> bool:
        if school_id is None:
            return False
        if self.school_capacities and school_id not in self.school_capacities:
            return False
        return not self.levels or level in self.levels

    def school_capacity(self, school_id: uuid.UUID) -> int | None:
        return self.school_capacities.get(school_id)

    def weekdays_text(self) -> str:
        return ", ".join(WEEKDAY_NAMES[d] for d in sorted(self.weekdays))


def check_activity(spec: ActivitySpec) -> None:
    """Refuses an activity that cannot be saved, every wrong field at once (French)."""
    errors: dict[str, str] = {}
    if not _CODE.match(spec.code):
        errors["code"] = (
            "Le code doit faire de 2 à 20 caractères : majuscules, chiffres ou « _ » (ex. CANTINE)."
        )
    if not spec.name.strip():
        errors["name"] = "Le nom de l'activité est obligatoire."
    if not spec.weekdays:
        errors["weekdays"] = "Cochez au moins un jour de la semaine."
    elif any(not 0 <= d <= 6 for d in spec.weekdays):
        errors["weekdays"] = "Jour de la semaine inconnu."
    if spec.capacity is not None and spec.capacity < 1:
        errors["capacity"] = "La capacité doit être d'au moins une place (ou vide : illimitée)."
    if any(c is not None and c < 1 for c in spec.school_capacities.values()):
        errors["school_capacities"] = "La capacité d'une école doit être d'au moins une place."
    if any(level not in LEVELS for level in spec.levels):
        errors["levels"] = "Niveau de classe inconnu."
    if spec.billing_mode == BillingMode.PREPAID and not spec.ticket_type.strip():
        errors["ticket_type"] = "Une activité prépayée doit indiquer son type de ticket."
    if not _COLOUR.match(spec.colour):
        errors["colour"] = "La couleur doit être de la forme #RRVVBB."
    if errors:
        raise ValidationFailed(errors)
