"""French wording of the printed documents: dates and times as French print writes them,
counts, lists, town names in running text, and user text made safe inside Paragraph markup."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from xml.sax.saxutils import escape as _xml_escape

from babel.dates import format_date


def french_date(day: date) -> str:
    """'14 septembre 2026'; the first of the month reads '1er septembre 2026'."""
    text = format_date(day, "d MMMM y", locale="fr_FR")
    return f"1er{text[1:]}" if day.day == 1 else text


def french_time(moment: datetime) -> str:
    """'16 h 42', the way French print writes a time of day (never broken across lines)."""
    return f"{moment.hour}\u00a0h\u00a0{moment.minute:02d}"


def french_datetime(moment: datetime, weekday: bool = True) -> str:
    """'lundi 23 novembre 2026 à 16 h 42' ('23 novembre 2026 à 16 h 42' without the weekday)."""
    day = french_date(moment.date())
    if weekday:
        day = f"{format_date(moment.date(), 'EEEE', locale='fr_FR')} {day}"
    return f"{day} à {french_time(moment)}"


def ticket_count(count: int) -> str:
    """'1 ticket', '0 ticket', '12 tickets' (French keeps the singular below two)."""
    return f"{count} ticket" if abs(count) < 2 else f"{count} tickets"


def place_and_date(city: str, day: date) -> str:
    """'Neuvecelle, le 14 septembre 2026' (just 'Le 14 septembre 2026' without a city)."""
    city = city.strip()
    return f"{city}, le {french_date(day)}" if city else f"Le {french_date(day)}"


def escape(text: str) -> str:
    """User text made safe inside Paragraph markup (&, < and > are tags there)."""
    return _xml_escape(text or "")


def join_french(items: Sequence[str]) -> str:
    """'Léa', 'Léa et Tom', 'Léa, Tom et Zoé'."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


_SMALL_WORDS = {"au", "aux", "de", "des", "du", "en", "et", "la", "le", "les", "lès", "sous", "sur"}


def town_name(city: str) -> str:
    """'VAL-D'ARVE-LES-BAINS' -> 'Val-d'Arve-les-Bains' for running text (mixed case kept)."""
    if city != city.upper():
        return city.strip()
    words = []
    for index, word in enumerate(re.split(r"([ -])", city.strip().lower())):
        if word in (" ", "-") or (index and word in _SMALL_WORDS):
            words.append(word)
        elif word[:2] in ("d'", "l'") and len(word) > 2:
            article = word[0].upper() if not index else word[0]
            words.append(f"{article}'{word[2:].capitalize()}")
        else:
            words.append(word.capitalize())
    return "".join(words)
