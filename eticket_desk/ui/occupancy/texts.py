"""French texts of the occupancy view shared by the chart and the table: day labels, the
« 212/250 (+3) » cell and the tooltip sentence of one activity on one day."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from PySide6.QtCore import QCoreApplication

from eticket_desk.rules.calendar import WEEKDAY_SHORT
from eticket_desk.services.bookings.occupancy import ActivityOccupancy, DayOccupancy


def _tr(text: str) -> str:
    return QCoreApplication.translate("OccupancyView", text)


def short_day(day: date) -> str:
    """« lun. 14 »."""
    return f"{WEEKDAY_SHORT[day.weekday()]} {day.day}"


def long_day(day: date) -> str:
    """« jeudi 17 septembre »."""
    return format_date(day, "EEEE d MMMM", locale="fr_FR")


def decimal(value: float) -> str:
    """1.5 -> « 1,5 »; 2.0 -> « 2 »."""
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def percent(rate: float | None) -> str:
    return "" if rate is None else f"{round(rate * 100)} %"


def cell_text(item: DayOccupancy) -> str:
    """« 212/250 (+3) »: booked / capacity, and the waiting list when there is one."""
    if not item.is_open:
        return _tr("fermé") if item.scheduled else "—"
    text = f"{item.booked}/{item.capacity}" if item.capacity is not None else str(item.booked)
    if item.waiting:
        text += f" (+{item.waiting})"
    return text


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def day_sentence(item: DayOccupancy) -> str:
    """« 212 réservés / 250 places, 3 en liste d'attente » (or why the day is closed)."""
    if not item.is_open:
        return _tr("fermé ({reason})").format(reason=item.closed_reason)
    text = _count(item.booked, _tr("réservé"), _tr("réservés"))
    if item.capacity is not None:
        text += " / " + _count(item.capacity, _tr("place"), _tr("places"))
    else:
        text += _tr(" (places non limitées)")
    if item.waiting:
        text += _tr(", {count} en liste d'attente").format(count=item.waiting)
    return text


def tooltip(activity: ActivityOccupancy, item: DayOccupancy) -> str:
    """« Cantine — jeudi 17 septembre : 212 réservés / 250 places, 3 en liste d'attente »."""
    return f"{activity.name} — {long_day(item.day)} : {day_sentence(item)}"
