"""An activity as the rules see it: when it runs, whom it concerns, its deadline and seats."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from eticket_desk.rules.caf_hours import caf_slot_errors
from eticket_desk.rules.calendar import WEEKDAY_NAMES, WEEKDAY_SHORT, CalendarSet
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
_PRODUCT_CODE = re.compile(r"^[A-Z0-9]{1,4}$")
_NATURE = re.compile(r"^[0-9]{1,10}$")


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
    # The titre's accounting in a PES V2 export (titres de recettes; régie desk only, not
    # synced): product code (CodProdLoc, 1 to 4 letters or digits) and nature (compte, 7067).
    product_code: str = ""
    accounting_nature: str = ""
    # CAF / MSA hours (rules.caf_hours; desk only, not synced): counted for the funders, the
    # declared slot (start, end) and the Wednesday cap in minutes per child (None: none).
    caf_counted: bool = False
    caf_slot: tuple[time, time] | None = None
    caf_wednesday_cap: int | None = None
    # The part of the price that is care (garde) for the tax certificate of article 200
    # quater B of the CGI, in basis points (10000: all; 0: none, a canteen's meal); the rest
    # is meals or other. Régie desk only, not synced (docs/tax_certificates.md).
    care_share_bp: int = 0

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

    def next_open_days(
        self, after: date, calendar: CalendarSet, within: int = 400
    ) -> Iterator[date]:
        """The days the activity runs, from the day after `after`, up to `within` days later."""
        for offset in range(1, within + 1):
            day = after + timedelta(days=offset)
            if day.weekday() in self.weekdays and self.runs_on(day, calendar):
                yield day

    def deadline_example(
        self, now: datetime, calendar: CalendarSet
    ) -> tuple[date, datetime | None] | None:
        """A day to explain the deadline rule with, and its deadline (None: never by the day).

        The first open day after today whose deadline is still ahead (the day a family would
        book next); failing that the first open day; None when the activity never runs in the
        known school years.
        """
        first: date | None = None
        for day in self.next_open_days(now.date(), calendar):
            deadline = self.deadline_of(day, calendar)
            if deadline is None or deadline > now:
                return day, deadline
            if first is None:
                first = day
        return (first, self.deadline_of(first, calendar)) if first is not None else None

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

    def weekdays_short_text(self) -> str:
        """ "lun., mar., jeu., ven." """
        return ", ".join(WEEKDAY_SHORT[d] for d in sorted(self.weekdays))

    def levels_text(self) -> str:
        """ "Tous" when every level; "CP à CM2" for a run of levels; else "PS, CP"."""
        chosen = sorted({LEVELS.index(lv) for lv in self.levels if lv in LEVELS})
        if not chosen or len(chosen) == len(LEVELS):
            return "Tous"
        if len(chosen) > 2 and chosen == list(range(chosen[0], chosen[-1] + 1)):
            return f"{LEVELS[chosen[0]]} à {LEVELS[chosen[-1]]}"
        return ", ".join(LEVELS[i] for i in chosen)


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
    if spec.product_code and not _PRODUCT_CODE.match(spec.product_code):
        errors["product_code"] = (
            "Le code produit (PES) fait de 1 à 4 lettres ou chiffres, sans espace (ex. 01, CANT)."
        )
    if spec.accounting_nature and not _NATURE.match(spec.accounting_nature):
        errors["accounting_nature"] = (
            "L'imputation (nature) s'écrit en chiffres seulement, comme le compte 7067."
        )
    errors.update(caf_slot_errors(spec.caf_counted, spec.caf_slot, spec.caf_wednesday_cap))
    if not 0 <= spec.care_share_bp <= 10000:
        errors["care_share_bp"] = "La part garde est un pourcentage entre 0 et 100."
    if errors:
        raise ValidationFailed(errors)
