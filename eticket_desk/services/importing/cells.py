"""Reading one cell of a spreadsheet: week days, dates, yes/no, diets, QF, relations.

Each reader takes the text of a cell and returns the value, or raises InvalidInput whose
message ends a French reason that starts with the field and the value: « la date de
naissance « 31/02/2019 » » + "n'est pas une date qui existe".
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from eticket_desk.rules.calendar import WEEKDAY_NAMES
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.templates import Parity, WeekTemplate
from eticket_desk.rules.text import fold
from eticket_desk.services.families.data import DIETS, RELATIONS

_DAY_WORDS = {
    **{name: i for i, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3]: i for i, name in enumerate(WEEKDAY_NAMES)},
    "lu": 0,
    "ma": 1,
    "me": 2,
    "mer": 2,
    "je": 3,
    "ve": 4,
    "sa": 5,
    "di": 6,
}
_LETTERS = {"l": 0, "j": 3, "v": 4, "s": 5, "d": 6}  # "m": mardi, then mercredi
_EVERY_DAY = {"x", "oui", "o", "1", "tous", "tlj", "tous les jours", "toute la semaine", "semaine"}
_NOTHING = {"", "non", "n", "0", "-", "aucun", "aucune", "/"}
_PARITY_WORDS = {"semaines", "semaine", "sem", "s", "les", "des"}
TEMPLATE_EXAMPLES = "ex. « L M J V », « lun,mar,jeu,ven », « LMJV », « L J paires »"


def read_week_template(text: str, runs_on: tuple[int, ...]) -> WeekTemplate | None:
    """ "L M J V", "lun,mar,jeu,ven", "LMJV", "x" (every day the activity runs), each
    optionally followed by "paires" / "impaires"; None when the cell says no registration."""
    folded = fold(text).strip()
    if folded in _NOTHING:
        return None
    parity = Parity.ALL
    if re.search(r"impair", folded):
        parity, folded = Parity.ODD, re.sub(r"impaire?s?", " ", folded)
    elif re.search(r"pair", folded):
        parity, folded = Parity.EVEN, re.sub(r"paire?s?", " ", folded)
    words = [w for w in re.split(r"[^a-z0-9]+", folded) if w]
    if parity != Parity.ALL:
        words = [w for w in words if w not in _PARITY_WORDS]
    if " ".join(words) in _EVERY_DAY or not words and parity != Parity.ALL:
        return WeekTemplate(frozenset(runs_on), parity)
    days: list[int] = []
    for word in words:
        if word in _DAY_WORDS:
            days.append(_DAY_WORDS[word])
            continue
        i = 0
        while i < len(word):  # "lmjv", "lmmejv"
            if word.startswith("me", i):
                days.append(2)
                i += 2
            elif word[i] == "m":
                days.append(2 if 1 in days else 1)
                i += 1
            elif word[i] in _LETTERS:
                days.append(_LETTERS[word[i]])
                i += 1
            else:
                raise InvalidInput(f"n'est pas une liste de jours ({TEMPLATE_EXAMPLES})")
    return WeekTemplate(frozenset(days), parity)


_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?$")


def read_date(text: str, today: date) -> date | None:
    """ "03/05/2019", "3/5/19", "03-05-2019", "2019-05-03", an Excel serial ("43588")."""
    text = text.strip()
    if not text:
        return None
    text = re.sub(r"\s+00:00(:00)?$", "", text)
    try:
        if match := _DATE.match(text):
            day, month, year = (int(g) for g in match.groups())
            if year < 100:
                year += 2000 if 2000 + year <= today.year else 1900
            return date(year, month, day)
        if match := _ISO.match(text):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if text.isdigit() and 20000 < int(text) < 80000:  # a date cell read as a number
            return date(1899, 12, 30) + timedelta(days=int(text))
    except ValueError:
        raise InvalidInput("n'est pas une date qui existe") from None
    raise InvalidInput("n'est pas une date (attendu JJ/MM/AAAA)")


_YES = {"oui", "o", "x", "1", "vrai", "yes", "y", "true"}
_NO = {"non", "n", "0", "faux", "no", "false", "-"}


def read_flag(text: str) -> bool | None:
    """Yes / no / not said (None)."""
    folded = fold(text).strip()
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise InvalidInput("n'est ni « oui » ni « non »")


_DIET_WORDS = {fold(label): key for key, label in DIETS.items()}
_DIET_WORDS.update(
    {"": "", "aucun": "", "normal": "", "standard": "", "non": "", "sans": "", "-": ""}
)
_DIET_WORDS.update({fold(key.replace("_", " ")): key for key in DIETS})


def read_diet(text: str) -> str:
    folded = " ".join(fold(text).replace("-", " ").split())
    if folded in _DIET_WORDS:
        return _DIET_WORDS[folded]
    allowed = ", ".join(label.lower() for key, label in DIETS.items() if key)
    raise InvalidInput(f"est inconnu ({allowed}, ou vide)")


def read_qf(text: str) -> int | None:
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if not cleaned:
        return None
    cleaned = re.sub(r"[,.]0+$", "", cleaned)
    if not cleaned.isdigit():
        raise InvalidInput("n'est pas un nombre entier")
    return int(cleaned)


_RELATIONS = {fold(r): r for r in RELATIONS}
_RELATIONS.update(
    {"maman": "Mère", "papa": "Père", "mere": "Mère", "pere": "Père", "tuteur legal": "Tuteur"}
)


def read_relation(text: str) -> str:
    """A known relation spelled any way ("MERE" -> "Mère"), else the text as typed."""
    text = " ".join(text.split())
    return _RELATIONS.get(fold(text), text[:50])


def fix_phone_text(text: str) -> str:
    """A phone that a spreadsheet stored as a number lost its leading 0 ("612345678")."""
    digits = re.sub(r"[\s.\-]", "", text)
    if len(digits) == 9 and digits.isdigit() and digits[0] in "123456789":
        return "0" + digits
    return text
