"""Text folding for search: accent- and case-insensitive comparison of French names; the
capital that starts a sentence."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z@._+-]+")


def fold(text: str) -> str:
    """'Éloïse LE GOFF-Müller' -> 'eloise le goff-muller' (also œ -> oe, æ -> ae, ß -> ss)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def first_upper(text: str) -> str:
    """« novembre 2026 » -> « Novembre 2026 »: only where a sentence, a heading or a cell
    starts (a month is lower case anywhere else in French)."""
    return text[:1].upper() + text[1:]


def with_de(text: str) -> str:
    """« de novembre 2026 », « d'octobre 2026 »: the French « de » elided before a vowel."""
    if fold(text[:1]) in ("a", "e", "i", "o", "u"):
        return f"d'{text}"
    return f"de {text}"


def search_words(*values: str) -> str:
    """The folded words of several values, space-separated, for a search column."""
    words: list[str] = []
    for value in values:
        if value:
            words.extend(w for w in _NON_WORD.split(fold(value)) if w)
    return " ".join(words)


def query_terms(query: str) -> list[str]:
    """The folded terms of what the agent typed; digits of a phone are glued together.

    '06 12 34' -> ['061234'];  'Léa dupont' -> ['lea', 'dupont'].
    """
    folded = fold(query).strip()
    if not folded:
        return []
    if re.fullmatch(r"[0-9 .+-]+", folded) and sum(c.isdigit() for c in folded) >= 2:
        digits = re.sub(r"\D", "", folded)
        if folded.startswith("+33"):
            digits = "0" + digits[2:]
        return [digits]
    return [w for w in _NON_WORD.split(folded) if w]
