"""The preview of a paper form as the agent reads it: per activity the summary, the closed
days grouped by reason, the full days (waiting list), the days to cancel, the days cancelled
by hand (a form does not undo them) and those whose deadline has passed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from html import escape

from eticket_desk.rules.calendar import WEEKDAY_SHORT
from eticket_desk.services.families.registration_forms import DraftOutcome
from eticket_desk.ui.admin.forms import ERROR_COLOUR

MAX_DAYS = 10  # days listed one by one before « … et N autres »
WAITING_COLOUR = "#b45309"
_PARAGRAPH = '<p style="margin-top:0; margin-bottom:6px">'


def day_text(day: date) -> str:
    """ "lun. 21/09"."""
    return f"{WEEKDAY_SHORT[day.weekday()]} {day:%d/%m}"


def days_text(days: Iterable[date]) -> str:
    days = list(days)
    shown = ", ".join(day_text(d) for d in days[:MAX_DAYS])
    if len(days) > MAX_DAYS:
        shown += f" … et {len(days) - MAX_DAYS} autre(s)"
    return shown


def closed_text(closed: Iterable[tuple[date, str]]) -> str:
    """ "Vacances de la Toussaint (8 j., du 19/10 au 30/10) ; Armistice (11/11)"."""
    groups: dict[str, list[date]] = {}
    for day, reason in closed:
        groups.setdefault(reason, []).append(day)
    parts = []
    for reason, days in sorted(groups.items(), key=lambda item: min(item[1])):
        first, last = min(days), max(days)
        if first == last:
            parts.append(f"{escape(reason)} ({first:%d/%m})")
        else:
            parts.append(f"{escape(reason)} ({len(days)} j., du {first:%d/%m} au {last:%d/%m})")
    return " ; ".join(parts)


def _line(label: str, text: str, colour: str = "") -> str:
    line = f"{escape(label)} : {text}"
    if colour:
        line = f'<span style="color:{colour}">{line}</span>'
    return "<br>&nbsp;&nbsp;" + line


def outcome_html(outcome: DraftOutcome, activity_name: str) -> str:
    preview = outcome.preview
    if preview is None:
        return (
            f"{_PARAGRAPH}<b>{escape(activity_name)}</b> : "
            f'<span style="color:{ERROR_COLOUR}">{escape(outcome.refusal)}</span></p>'
        )
    lines = [f"<b>{escape(preview.summary())}</b>"]
    template = preview.template.describe() if outcome.draft.regular else "occasionnel"
    lines.append(
        f"<br>&nbsp;&nbsp;{escape(template)}, du {preview.start:%d/%m/%Y} au {preview.end:%d/%m/%Y}"
    )
    if preview.waiting:
        lines.append(
            _line("Complets → liste d'attente", days_text(preview.waiting), WAITING_COLOUR)
        )
    if preview.to_cancel:
        lines.append(_line("À annuler", days_text(preview.to_cancel), ERROR_COLOUR))
    if preview.closed:
        lines.append(_line("Fermés", closed_text(preview.closed)))
    if preview.kept:
        lines.append(_line("Annulés à la main (restent annulés)", days_text(preview.kept)))
    if preview.locked:
        lines.append(_line("Délai dépassé (laissés tels quels)", days_text(preview.locked)))
    return _PARAGRAPH + "".join(lines) + "</p>"


def preview_html(outcomes: list[DraftOutcome], names: dict) -> str:
    """The whole preview; `names` maps activity ids to names (for refused lines)."""
    return "".join(outcome_html(o, names.get(o.draft.activity_id, "?")) for o in outcomes)
