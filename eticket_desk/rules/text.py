"""Text folding for search: accent- and case-insensitive comparison of French names."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z@._+-]+")


def fold(text: str) -> str:
    """'Éloïse LE GOFF-Müller' -> 'eloise le goff-muller' (also œ -> oe, æ -> ae, ß -> ss)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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
