"""What a daily attendance list holds (children by school and class, their marks, who may
pick them up) and the words it prints them with."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from babel.dates import format_date
from reportlab.lib import colors
from reportlab.lib.units import mm

from eticket_desk.reports.french_text import french_date

if TYPE_CHECKING:
    from eticket_desk.reports.inputs import OrganisationData

# The diet and care marks a row may carry, in the order they print.
NO_PORK = "sans porc"
VEGETARIAN = "végétarien"
GLUTEN_FREE = "sans gluten"
PAI = "PAI"  # projet d'accueil individualisé
PACKED_MEAL = "panier repas"
MARKS = (NO_PORK, VEGETARIAN, GLUTEN_FREE, PAI, PACKED_MEAL)
_PLURALS = {VEGETARIAN: "végétariens", PACKED_MEAL: "paniers repas"}

TOP_MARGIN = 16 * mm  # room for the running header above the body
FOOTER_LINE = 13 * mm  # from the bottom edge: the footer (two lines) lives under this rule
SIZE, SMALL, LINE, PAD = 8.5, 7.0, 1.12, 2.5  # font sizes, line height (in sizes), cell padding
PAD_Y = 1.3  # the padding above and under a row's text
ROW_MIN = 4.4 * mm  # room to tick
HEADING, TITLES, BAND, NOTE = 19.0, 11.5, 11.5, 10.0  # heights of the block's parts
MIN_HEAD, MIN_TAIL = 3, 2  # rows a class keeps under its band, and together at its end
KEEP_WHOLE = 4  # a class this small never splits over two pages
BAND_FILL = colors.HexColor("#E3E7EC")  # a light grey that a black & white laser keeps
CONFIDENTIAL = "Document confidentiel : contient des données de santé. Ne pas afficher."


@dataclass(frozen=True)
class PickupPerson:
    """Someone allowed to take the child home: 'MARTIN Sophie (grand-mère) 06 12 34 56 78'."""

    name: str  # 'MARTIN Sophie': the last name in capitals, first
    relation: str = ""
    phone: str = ""  # E.164 as stored ('+33612345678'), printed the French way
    emergency: bool = False  # the family's emergency contact (printed in bold)


@dataclass(frozen=True)
class AttendanceRow:
    last_name: str
    first_name: str
    class_name: str
    age: int | None  # in years on the day, computed by the service
    marks: tuple[str, ...] = ()  # of MARKS; printed only when the list shows health data
    allergies: str = ""  # printed only when the list shows health data
    pickup: tuple[PickupPerson, ...] = ()  # printed only when the list shows them
    emergency_name: str = ""  # 'MARTIN Sophie (mère)'
    emergency_phone: str = ""  # E.164 as stored
    booked_late: bool = False  # booked after the families' deadline (an agent's override)


@dataclass(frozen=True)
class AttendanceGroup:
    school_name: str
    class_name: str
    rows: tuple[AttendanceRow, ...]


@dataclass(frozen=True)
class AttendanceListData:
    organisation: OrganisationData
    activity_name: str
    day: date
    printed_at: datetime
    printed_by: str
    show_health: bool  # the printing role may see diets, allergies and PAI
    show_pickup: bool  # evening garderie: who may take the child home (landscape pages)
    groups: tuple[AttendanceGroup, ...]  # in print order: by school, then class
    waiting: tuple[AttendanceRow, ...] = ()  # in waiting order: printed last, never counted


def children(count: int) -> str:
    """'0 enfant', '1 enfant', '14 enfants'."""
    return f"{count} enfant" if count < 2 else f"{count} enfants"


def mark_counts(rows: Sequence[AttendanceRow]) -> str:
    """'dont 2 sans porc, 1 PAI' (a child with several marks counts once under each)."""
    counts = Counter(mark for row in rows for mark in set(row.marks))
    parts = [
        f"{counts[m]} {_PLURALS.get(m, m) if counts[m] > 1 else m}" for m in MARKS if counts[m]
    ]
    return f"dont {', '.join(parts)}" if parts else ""


@lru_cache(maxsize=64)
def _weekday_date(day: date) -> str:
    return f"{format_date(day, 'EEEE', locale='fr_FR')} {french_date(day)}"


def _title(data: AttendanceListData) -> str:
    return f"Liste de présence — {data.activity_name}"
