"""Reading one row of the file into an adult or two, a child and its registrations, with
every reason the row is wrong (the same checks as the dossier editor)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.calendar import WEEKDAY_NAMES
from eticket_desk.rules.contact import (
    check_birth_date,
    check_qf,
    clean_name,
    format_phone,
    normalise_email,
    normalise_phone,
    normalise_postcode,
)
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.rules.text import fold
from eticket_desk.services.families.data import DIETS, AdultData, ChildData
from eticket_desk.services.importing import cells
from eticket_desk.services.importing.reading import Table
from eticket_desk.services.importing.reference import ExistingChild, Reference
from eticket_desk.services.importing.report import RowProblem
from eticket_desk.services.importing.targets import (
    ADULT_ATTRIBUTES,
    FLAGS,
    PHONES,
    TARGETS_BY_KEY,
    ImportMapping,
)

_ADDRESS = ("address1", "address2", "address3", "city")


# A file is read twice (the dry run, then the import) and repeats its parents on every
# child's row: the same phones and e-mails are checked once (refusals are not kept).
_phone_of = lru_cache(maxsize=100_000)(normalise_phone)
_email_of = lru_cache(maxsize=100_000)(normalise_email)


@dataclass(frozen=True)
class Registration:
    activity: ActivitySpec
    template: WeekTemplate
    column: str


@dataclass
class ParsedRow:
    line: int
    reference: str = ""
    adults: list[AdultData] = field(default_factory=list)
    flags: list[dict[str, bool | None]] = field(default_factory=list)
    child: ChildData = field(default_factory=ChildData)
    level: str | None = None
    qf: int | None = None
    registrations: list[Registration] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    shown: dict[str, str] = field(default_factory=dict)  # key -> value as it will be read
    bad: dict[str, str] = field(default_factory=dict)  # key -> reason
    existing: ExistingChild | None = None

    @property
    def family_key(self) -> tuple | None:
        if self.reference:
            return ("ref", fold(self.reference).replace(" ", ""))
        if not self.adults:
            return None
        first = self.adults[0]
        contact = first.email.lower() or first.phone_mobile or first.phone_home
        return ("adult", fold(first.last_name), fold(first.first_name), contact)


class RowReader:
    """Reads the rows of one table with one mapping against the base's reference data."""

    def __init__(self, table: Table, mapping: ImportMapping, ref: Reference, today: date):
        self.table, self.mapping, self.ref, self.today = table, mapping, ref, today

    def read(self, index: int) -> ParsedRow:
        row = ParsedRow(self.table.lines[index])
        self._index = index
        self._row = row
        row.reference = self._get("family.reference")
        for n in (1, 2):
            self._adult(n)
        self._child()
        qf_text = self._get("family.qf")
        row.qf = self._check("family.qf", qf_text, self._qf)
        self._registrations()
        return row

    # ------------------------------------------------------------ helpers

    def _get(self, key: str) -> str:
        column = self.mapping.fields.get(key)
        return self.table.cell(self._index, column) if column is not None else ""

    def _column(self, key: str) -> str:
        column = self.mapping.fields.get(key)
        return self.table.headers[column] if column is not None else ""

    def _problem(self, key: str, value: str, reason: str, column: str | None = None) -> None:
        column = self._column(key) if column is None else column
        self._row.problems.append(RowProblem(self._row.line, column, value, reason))
        self._row.bad[key] = reason

    def _check(self, key: str, value: str, reader: Callable[[str], object]):
        """`reader(value)`, or None and a problem « <field> « value » <tail> »."""
        try:
            return reader(value)
        except InvalidInput as exc:
            phrase = TARGETS_BY_KEY[key].phrase
            self._problem(key, value, f"{phrase} « {value} » {exc.message}")
            return None

    def _qf(self, text: str) -> int | None:
        value = cells.read_qf(text)
        try:
            check_qf(value, None, self.today)
        except InvalidInput as exc:
            raise InvalidInput(exc.message[0].lower() + exc.message[1:].rstrip(".")) from None
        return value

    # ------------------------------------------------------------ adults

    def _adult(self, n: int) -> None:
        prefix = f"adult{n}."
        raw = {name: self._get(prefix + name) for name in ADULT_ATTRIBUTES}
        if not any(raw[name] for name in ADULT_ATTRIBUTES if name not in FLAGS):
            if n == 1 and not self._row.reference:
                self._problem(prefix + "last_name", "", "le nom du responsable 1 manque")
            return
        adult = AdultData(
            last_name=clean_name(raw["last_name"]), first_name=clean_name(raw["first_name"])
        )
        if not adult.last_name:
            self._problem(prefix + "last_name", "", f"le nom du responsable {n} manque")
        adult.relation = cells.read_relation(raw["relation"])
        for name in _ADDRESS:
            setattr(adult, name, " ".join(raw[name].split()))
        for name in PHONES:
            value = self._check(prefix + name, raw[name], self._phone) or ""
            setattr(adult, name, value)
            self._row.shown[prefix + name] = format_phone(value) if value else raw[name]
        adult.email = self._check(prefix + "email", raw["email"], self._email) or ""
        adult.postcode = self._check(prefix + "postcode", raw["postcode"], self._postcode) or ""
        flags = {name: self._check(prefix + name, raw[name], cells.read_flag) for name in FLAGS}
        for name in ADULT_ATTRIBUTES:
            if name in FLAGS:
                value = flags[name]
                self._row.shown.setdefault(prefix + name, "" if value is None else raw[name])
            else:
                self._row.shown.setdefault(prefix + name, str(getattr(adult, name) or raw[name]))
        self._row.adults.append(adult)
        self._row.flags.append(flags)

    @staticmethod
    def _phone(text: str) -> str:
        try:
            return _phone_of(cells.fix_phone_text(text))
        except InvalidInput:
            raise InvalidInput(
                "n'est pas un numéro valide (10 chiffres, ex. 06 12 34 56 78)"
            ) from None

    @staticmethod
    def _email(text: str) -> str:
        try:
            return _email_of(text)
        except InvalidInput:
            raise InvalidInput("n'est pas une adresse e-mail valide") from None

    @staticmethod
    def _postcode(text: str) -> str:
        try:
            return normalise_postcode(text)
        except InvalidInput:
            raise InvalidInput("n'est pas un code postal français (5 chiffres)") from None

    # ------------------------------------------------------------ child

    def _birth(self, text: str) -> date | None:
        birth = cells.read_date(text, self.today)
        try:
            check_birth_date(birth, self.today)
        except InvalidInput:
            if birth > self.today:
                raise InvalidInput("est dans le futur") from None
            age = self.today.year - birth.year
            age -= (self.today.month, self.today.day) < (birth.month, birth.day)
            raise InvalidInput(
                f"n'est pas plausible pour un enfant scolarisé ({age} ans)"
            ) from None
        return birth

    def _child(self) -> None:
        row = self._row
        child = row.child
        child.last_name = clean_name(self._get("child.last_name"))
        if not child.last_name and row.adults:
            child.last_name = row.adults[0].last_name
        child.first_name = clean_name(self._get("child.first_name"))
        if not child.first_name:
            self._problem("child.first_name", "", "le prénom de l'enfant manque")
        birth_text = self._get("child.birth_date")
        child.birth_date = self._check("child.birth_date", birth_text, self._birth)
        row.shown["child.last_name"] = child.last_name
        row.shown["child.first_name"] = child.first_name
        if child.birth_date:
            row.shown["child.birth_date"] = child.birth_date.strftime("%d/%m/%Y")
        diet = self._check("child.diet", self._get("child.diet"), cells.read_diet)
        child.diet = diet or ""
        row.shown["child.diet"] = DIETS.get(child.diet, "") if diet is not None else ""
        self._school_and_class()

    def _school_and_class(self) -> None:
        row, ref = self._row, self.ref
        school_text, class_text = self._get("child.school"), self._get("child.class")
        school = None
        if school_text:
            school = ref.find_school(school_text)
            if school is None:
                self._problem(
                    "child.school",
                    school_text,
                    f"l'école « {school_text} » est inconnue (écoles : {ref.school_names()})",
                )
        elif class_text and len(ref.schools) == 1:
            school = ref.schools[0]
        elif class_text:
            self._problem(
                "child.class", class_text, f"la classe « {class_text} » est donnée sans école"
            )
        if school is not None:
            row.child.school_id = school.id
            row.shown["child.school"] = school.name
            if class_text:
                found = school.find_class(class_text)
                if found is None:
                    self._problem(
                        "child.class",
                        class_text,
                        f"classe « {class_text} » inconnue à {school.phrase}",
                    )
                else:
                    row.child.class_id, row.level = found.id, found.level
                    row.shown["child.class"] = found.name

    # ------------------------------------------------------------ registrations

    def _registrations(self) -> None:
        row, child = self._row, self._row.child
        for column, code in sorted(self.mapping.activities.items()):
            text = self.table.cell(self._index, column)
            header = self.table.headers[column]
            key = f"activity:{column}"
            if not text:
                continue
            activity = self.ref.activities.get(code)
            if activity is None:
                known = ", ".join(sorted(self.ref.activities)) or "aucune"
                self._problem(
                    key, text, f"l'activité « {code} » est inconnue (activités : {known})", header
                )
                continue
            try:
                template = cells.read_week_template(text, activity.weekdays)
            except InvalidInput as exc:
                self._problem(key, text, f"{activity.name} « {text} » {exc.message}", header)
                continue
            if template is None:
                continue
            row.shown[key] = template.describe()
            off = sorted(template.weekdays - set(activity.weekdays))
            if off:
                days = ", ".join(WEEKDAY_NAMES[d] for d in off)
                self._problem(key, text, f"{activity.name} n'a pas lieu le {days}", header)
                continue
            if not template.weekdays:
                continue
            why = self._not_concerned(activity)
            if why:
                self._problem(
                    key,
                    text,
                    f"{child.display_name} n'est pas concerné(e) par l'activité "
                    f"{activity.name} ({why})",
                    header,
                )
                continue
            row.registrations.append(Registration(activity, template, header))

    def _not_concerned(self, activity: ActivitySpec) -> str:
        """Why the child cannot take the activity; "" when it can or when its school or
        class is not known yet (the dossier then cannot be validated, which is said)."""
        school_id, level = self._row.child.school_id, self._row.level
        if school_id is None:
            return ""
        if activity.school_capacities and school_id not in activity.school_capacities:
            return "pas dans cette école"
        if activity.levels and level is not None and level not in activity.levels:
            return f"pas en {level}"
        return ""
