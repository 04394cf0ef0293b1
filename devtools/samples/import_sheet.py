"""Realistic spreadsheets of families to import: the shipped samples (resources/samples, written
by scripts/make_import_sample.py), the import benchmark's and the import screenshots'.

`sample_sheet(families, seed)` draws families of the demo town's kind (French names with
accents, real-looking phones, the demo schools, classes PS…CM2) with their registrations
written the ways secretariats write them (« L M J V », « lun,mar,jeu,ven », « LMJV »…).
"""

from __future__ import annotations

import random
import unicodedata
from pathlib import Path

from eticket_desk.reports.csv_export import write_csv_file
from eticket_desk.rules.contact import normalise_phone
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.demo import data as d

HEADERS = (
    "Réf. famille",
    "Nom responsable 1",
    "Prénom responsable 1",
    "Lien responsable 1",
    "Tél. portable responsable 1",
    "Tél. domicile",
    "E-mail responsable 1",
    "Adresse",
    "Complément d'adresse",
    "Code postal",
    "Ville",
    "Nom responsable 2",
    "Prénom responsable 2",
    "Lien responsable 2",
    "Tél. portable responsable 2",
    "E-mail responsable 2",
    "Nom enfant",
    "Prénom enfant",
    "Date de naissance",
    "École",
    "Classe",
    "Régime",
    "QF",
    "CANTINE",
    "GARDERIE_MATIN",
    "GARDERIE_SOIR",
    "BUS_0830",
    "BUS_1630",
    "BUS_FIN_ECOLE",
    "TAP",
)
SCHOOLS = tuple(name for name, _address in d.SCHOOLS)
LEVELS = ("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")
_FOUR_DAYS = ("L M J V", "lun,mar,jeu,ven", "LMJV", "L M J V", "lundi mardi jeudi vendredi")
_SOME_DAYS = ("L J", "mar, ven", "L M", "J V", "L M J V paires", "L M J V impaires", "LMJ")
_MORNING = ("L M Me J V", "LMMJV", "lun,mar,mer,jeu,ven", "L M J V", "x")
_DIETS = ("", "", "", "", "", "", "", "", "Sans porc", "Végétarien", "sans gluten")


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in plain if c.isalnum() and not unicodedata.combining(c))


class _Drawer:
    def __init__(self, seed: int, families: int = 30):
        self.rng = random.Random(seed)
        # Buses have 64 seats whatever the town's size: about 70 riders are asked for.
        self.bus_share = min(0.12, 70 / max(families * 1.6, 1))
        self.used_phones: set[str] = set()
        self.children: set[tuple[str, str, str]] = set()  # a file never holds a child twice

    def phone(self, mobile: bool) -> str:
        rng = self.rng
        while True:
            if mobile:
                prefix = rng.choice(("06", "06", "07"))
                if prefix == "07":
                    prefix += rng.choice("5678")
            else:
                prefix = "0450"
            digits = prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))
            try:
                metropolitan = normalise_phone(digits).startswith("+33")
            except InvalidInput:
                continue  # an unassigned range: draw again
            if metropolitan and digits not in self.used_phones:
                self.used_phones.add(digits)
                return " ".join(digits[i : i + 2] for i in range(0, 10, 2))

    def email(self, first: str, last: str) -> str:
        forms = (f"{_ascii(first)}.{_ascii(last)}", f"{_ascii(first)[0]}.{_ascii(last)}")
        return f"{self.rng.choice(forms)}{self.rng.randrange(1, 99)}@{self.rng.choice(d.EMAIL_PROVIDERS)}"

    def birth(self, level: str) -> str:
        year = d.BIRTH_YEARS[level]
        month = self.rng.randrange(1, 13)
        day = self.rng.randrange(1, 29)
        return f"{day:02d}/{month:02d}/{year}"

    def registrations(self, level: str) -> list[str]:
        rng = self.rng
        elementary = LEVELS.index(level) >= 3
        cantine = (
            rng.choice(_FOUR_DAYS)
            if rng.random() < 0.75
            else (rng.choice(_SOME_DAYS) if rng.random() < 0.4 else "")
        )
        morning = rng.choice(_MORNING) if rng.random() < 0.25 else ""
        evening = rng.choice(_SOME_DAYS + _FOUR_DAYS) if rng.random() < 0.3 else ""
        bus = rng.random() < self.bus_share
        bus_morning = rng.choice(("L M Me J V", "LMMJV")) if bus else ""
        bus_evening = rng.choice(("L M J V", "LMJV")) if bus else ""
        bus_wednesday = "Me" if bus and rng.random() < 0.5 else ""
        tap = (
            rng.choice(("mar", "ven", "mar,ven", "M V"))
            if elementary and rng.random() < 0.35
            else ""
        )
        return [cantine, morning, evening, bus_morning, bus_evening, bus_wednesday, tap]

    def family(self, number: int) -> list[list[str]]:
        rng = self.rng
        last = rng.choice(d.SURNAMES)
        mother, father = rng.choice(d.WOMEN), rng.choice(d.MEN)
        town = rng.choices((d.COMMUNE_TOWN, *d.NEIGHBOURS), weights=(85, 3, 3, 3, 2, 2, 2))[0]
        address = f"{rng.randrange(1, 160)} {rng.choice(d.STREETS)}"
        address2 = rng.choice(d.RESIDENCES) if rng.random() < 0.12 else ""
        single = rng.random() < 0.18
        home = self.phone(False) if rng.random() < 0.35 else ""
        second_last = last if rng.random() < 0.8 else rng.choice(d.SURNAMES)
        parents = [
            last,
            mother,
            rng.choice(("Mère", "mère", "MERE")),
            self.phone(True),
            home,
            self.email(mother, last),
            address,
            address2,
            town[0],
            town[1],
        ]
        if single:
            parents += ["", "", "", "", ""]
        else:
            parents += [second_last, father, "Père", self.phone(True), self.email(father, last)]
        count = rng.choices((1, 2, 3), weights=(55, 35, 10))[0]
        school = rng.choice(SCHOOLS)
        levels = sorted(rng.sample(LEVELS, count), key=LEVELS.index)
        qf = str(rng.randrange(35, 190) * 10) if rng.random() < 0.8 else ""
        rows = []
        girls, boys = list(d.GIRLS), list(d.BOYS)
        for level in levels:
            while True:
                first = rng.choice(girls if rng.random() < 0.5 else boys)
                birth = self.birth(level)
                if (last, first, birth) not in self.children:
                    break
            self.children.add((last, first, birth))
            for names in (girls, boys):
                if first in names:
                    names.remove(first)
            child = [last.upper() if rng.random() < 0.3 else last, first, birth]
            shown_school = school if rng.random() < 0.9 else school.upper()
            child += [shown_school, level, rng.choice(_DIETS), qf]
            rows.append([f"{number:04d}", *parents, *child, *self.registrations(level)])
        return rows


def sample_sheet(families: int = 30, seed: int = 2026) -> tuple[tuple[str, ...], list[list[str]]]:
    """Headers and rows (one per child) of `families` families."""
    drawer = _Drawer(seed, families)
    rows: list[list[str]] = []
    for number in range(1, families + 1):
        rows += drawer.family(number)
    return HEADERS, rows


def write_csv(
    path: Path, headers: tuple[str, ...], rows: list[list[str]], encoding: str = "cp1252"
) -> Path:
    """As French Excel saves a CSV: cp1252, semicolons, CRLF line ends."""
    return write_csv_file(path, headers, rows, encoding)


def write_xlsx(path: Path, headers: tuple[str, ...], rows: list[list[str]]) -> Path:
    """A workbook with real dates in the birth date column, as a secretariat's would be."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Familles")
    sheet.append(list(headers))
    birth = headers.index("Date de naissance") if "Date de naissance" in headers else -1
    for row in rows:
        values: list[object] = list(row)
        if birth >= 0 and row[birth]:
            values[birth] = datetime.strptime(row[birth], "%d/%m/%Y")
        sheet.append(values)
    book.save(path)
    return Path(path)
