"""The plain data of paper forms: a draft to apply, what applying it would do, a saved one."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from eticket_desk.rules.templates import FareOption, WeekTemplate


@dataclass(frozen=True)
class SubscriptionDraft:
    """One line of a paper form: a child, an activity, a period and the week template."""

    child_id: uuid.UUID
    activity_id: uuid.UUID
    start: date
    end: date
    template: WeekTemplate
    regular: bool = True
    fare_option: FareOption = FareOption.NONE
    period_label: str = ""


@dataclass(frozen=True)
class SubscriptionPreview:
    """What applying a draft would do, day by day."""

    child_name: str
    activity_name: str
    start: date
    end: date
    template: WeekTemplate
    to_book: tuple[date, ...]
    already: tuple[date, ...]
    to_cancel: tuple[date, ...]
    waiting: tuple[date, ...]  # full: the child goes on the waiting list
    closed: tuple[tuple[date, str], ...]
    locked: tuple[date, ...]  # deadline passed: left as they are
    kept: tuple[date, ...] = ()  # cancelled by hand (desk, portal): a form does not undo it
    no_ticket: tuple[date, ...] = ()  # prepaid: beyond the wallet's tickets, not booked

    @property
    def changes(self) -> int:
        return len(self.to_book) + len(self.to_cancel) + len(self.waiting)

    def summary(self) -> str:
        """ "Cantine : 132 jours à réserver, 4 déjà réservés, 12 fermés (vacances…)"."""
        parts = [f"{len(self.to_book)} jour(s) à réserver"]
        if self.already:
            parts.append(f"{len(self.already)} déjà réservé(s)")
        if self.to_cancel:
            parts.append(f"{len(self.to_cancel)} à annuler")
        if self.waiting:
            parts.append(f"{len(self.waiting)} complet(s) : liste d'attente")
        if self.closed:
            parts.append(f"{len(self.closed)} fermé(s)")
        if self.locked:
            parts.append(f"{len(self.locked)} verrouillé(s) (délai dépassé)")
        if self.no_ticket:
            parts.append(
                f"{len(self.no_ticket)} sans ticket (porte-monnaie insuffisant : vendez des tickets)"
            )
        if self.kept:
            parts.append(f"{len(self.kept)} annulé(s) à la main, laissé(s) annulé(s)")
        return f"{self.activity_name} : " + ", ".join(parts)


@dataclass(frozen=True)
class SubscriptionInfo:
    id: uuid.UUID
    child_id: uuid.UUID
    activity_id: uuid.UUID
    activity_name: str
    start: date
    end: date
    period_label: str
    template: WeekTemplate
    regular: bool
    fare_option: FareOption
    source: str
