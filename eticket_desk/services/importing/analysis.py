"""The dry run's reasoning: rows grouped into families, duplicates found, every bad row named.

The import runs the same analysis again inside its write transaction, so what it writes is
exactly what the dry run showed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from eticket_desk.rules.dossier import FamilyStatus, missing_for_validation
from eticket_desk.rules.text import fold
from eticket_desk.services.families.data import AdultData, ChildData, FamilyData
from eticket_desk.services.families.dossiers import dossier_check
from eticket_desk.services.importing.reading import Table
from eticket_desk.services.importing.reference import Reference, child_key
from eticket_desk.services.importing.report import (
    DryRunReport,
    DuplicateRow,
    GroupCount,
    RowProblem,
)
from eticket_desk.services.importing.rows import ParsedRow, RowReader
from eticket_desk.services.importing.targets import ADULT_ATTRIBUTES, FLAGS, ImportMapping

_FILLABLE = tuple(name for name in ADULT_ATTRIBUTES if name not in FLAGS + ("last_name",))


@dataclass
class FamilyPlan:
    """One family of the file: its rows (children) and its adults, read once."""

    rows: list[ParsedRow]
    adults: list[AdultData] = field(default_factory=list)
    qf: int | None = None
    reference: str = ""
    missing: list[str] = field(default_factory=list)

    @property
    def new_rows(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.existing is None]


@dataclass
class Analysis:
    report: DryRunReport
    families: list[FamilyPlan]


# Reads what merging needs from the base: the dossier, and a child's subscriptions
# as (activity id, start, end).
FamilyLoader = Callable[[uuid.UUID], FamilyData]
SubscriptionLoader = Callable[[uuid.UUID], list[tuple[uuid.UUID, date, date]]]


def _same_person(a: AdultData, b: AdultData) -> bool:
    return fold(a.last_name) == fold(b.last_name) and fold(a.first_name) == fold(b.first_name)


def _fill(target: object, source: object, names: tuple[str, ...]) -> None:
    for name in names:
        if not getattr(target, name) and getattr(source, name):
            setattr(target, name, getattr(source, name))


def _family_adults(rows: list[ParsedRow]) -> list[AdultData]:
    """The first row's adults, completed by the next rows; flags defaulted: both parents are
    legal guardians, the first one pays and is the emergency contact unless the file says."""
    adults: list[AdultData] = []
    flags: list[dict[str, bool | None]] = []
    for row in rows:
        for i, (adult, said) in enumerate(zip(row.adults, row.flags, strict=True)):
            if i >= len(adults):
                adults.append(replace(adult))
                flags.append(dict(said))
            elif _same_person(adults[i], adult):
                _fill(adults[i], adult, _FILLABLE)
                for name in FLAGS:
                    if flags[i][name] is None:
                        flags[i][name] = said[name]
    for adult, said in zip(adults, flags, strict=True):
        adult.legal_guardian = said["legal_guardian"] is not False
    for name in ("billing", "emergency_contact"):
        chosen = any(said[name] for said in flags)
        for adult, said in zip(adults, flags, strict=True):
            if said[name] is None and not chosen:
                said[name] = chosen = True
            setattr(adult, name, bool(said[name]))
    for adult in adults:
        adult.may_pick_up = adult.legal_guardian
    return adults


def merged_family(
    existing: FamilyData, plan: FamilyPlan, row: ParsedRow, extra: list[ChildData]
) -> FamilyData:
    """The existing dossier with the row's new details where its own are empty, the row's
    child completed the same way, and `extra` children (the row's new siblings) added."""
    adults = [replace(a) for a in existing.adults]
    for adult in adults:
        for mine in plan.adults:
            if not adult.third_party and _same_person(adult, mine):
                _fill(adult, mine, _FILLABLE)
    children = [replace(c) for c in existing.children]
    for child in children:
        if child.id == row.existing.id:
            if child.school_id is None and row.child.school_id is not None:
                child.school_id, child.class_id = row.child.school_id, row.child.class_id
            elif child.school_id == row.child.school_id and child.class_id is None:
                child.class_id = row.child.class_id
            child.diet = child.diet or row.child.diet
    qf = existing.qf_value if existing.qf_value is not None else plan.qf
    return replace(
        existing, adults=adults, children=children + [replace(c) for c in extra], qf_value=qf
    )


def _why_not_validated(missing: list[str]) -> str:
    listed = " ; ".join(m.rstrip(".") for m in missing[:3])
    if len(missing) > 3:
        listed += " ; …"
    return f"le dossier ne pourra pas être validé ({listed}) : ses inscriptions ne pourraient pas être réservées"


class Analyser:
    def __init__(
        self,
        table: Table,
        mapping: ImportMapping,
        ref: Reference,
        today: date,
        load_family: FamilyLoader | None = None,
        load_subscriptions: SubscriptionLoader | None = None,
    ):
        self.table, self.mapping, self.ref, self.today = table, mapping, ref, today
        self.load_family, self.load_subscriptions = load_family, load_subscriptions

    def run(self) -> Analysis:
        general = [
            f"Aucune colonne n'est associée au champ obligatoire « {label} »."
            for label in self.mapping.missing_required()
        ]
        reader = RowReader(self.table, self.mapping, self.ref, self.today)
        rows = [reader.read(i) for i in range(len(self.table.rows))]
        if any(r.registrations for r in rows) and self.ref.year is None:
            general.append(
                "Aucune année scolaire en cours ni à venir : créez-la dans « Calendrier » "
                "avant d'importer des inscriptions."
            )
        self._find_duplicates(rows)
        plans = self._group(rows)
        problems: list[RowProblem] = []
        duplicates: list[DuplicateRow] = []
        incomplete = 0
        for plan in plans:
            new = plan.new_rows
            # Rows already wrong are left out: once corrected, they will not be missing.
            plan.missing = missing_for_validation(
                dossier_check(plan.adults, [r.child for r in new if not r.problems])
            )
            if new and plan.missing and not any(r.registrations for r in new):
                incomplete += 1
            for row in new:
                if plan.missing and row.registrations and not row.problems:
                    row.problems.append(
                        RowProblem(row.line, "", "", _why_not_validated(plan.missing))
                    )
            for row in plan.rows:
                if row.existing is None:
                    problems += row.problems
                else:
                    duplicates.append(self._duplicate(plan, row))
        report = DryRunReport(
            file=self.table.name,
            rows=len(rows),
            problems=tuple(sorted(problems, key=lambda p: p.line)),
            duplicates=tuple(duplicates),
            groups=tuple(
                GroupCount(
                    tuple(len(r.registrations) for r in plan.new_rows),
                    tuple(r.line for r in plan.rows if r.existing is not None),
                )
                for plan in plans
            ),
            general=tuple(general),
            incomplete=incomplete,
            year_label=self.ref.year.label if self.ref.year else "",
        )
        return Analysis(report, plans)

    def _find_duplicates(self, rows: list[ParsedRow]) -> None:
        seen: dict[tuple, int] = {}
        for row in rows:
            child = row.child
            if child.birth_date is None or not child.first_name:
                continue
            key = child_key(child.last_name, child.first_name, child.birth_date)
            if key in seen:
                row.problems.append(
                    RowProblem(
                        row.line,
                        "",
                        "",
                        f"{child.display_name}, né(e) le {child.birth_date:%d/%m/%Y}, est "
                        f"en double dans le fichier (déjà ligne {seen[key]})",
                    )
                )
                continue
            seen[key] = row.line
            row.existing = self.ref.children.get(key)

    def _group(self, rows: list[ParsedRow]) -> list[FamilyPlan]:
        plans: dict[tuple, FamilyPlan] = {}
        for row in rows:
            key = row.family_key or ("line", row.line)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = FamilyPlan([], reference=row.reference)
            plan.rows.append(row)
            if plan.qf is None:
                plan.qf = row.qf
        for plan in plans.values():
            plan.adults = _family_adults(plan.rows)
            for row in plan.rows:
                if not row.child.last_name and plan.adults:
                    row.child.last_name = plan.adults[0].last_name
        return list(plans.values())

    def _duplicate(self, plan: FamilyPlan, row: ParsedRow) -> DuplicateRow:
        existing = row.existing
        problems = [p for p in row.problems]
        reference = existing.family_reference
        if existing.family_status == FamilyStatus.ARCHIVED:
            problems.append(
                RowProblem(
                    row.line,
                    "",
                    "",
                    f"le dossier {reference} est archivé : désarchivez-le ou ignorez la ligne",
                )
            )
        elif row.registrations and self.load_family is not None:
            merged = merged_family(
                self.load_family(existing.family_id), plan, row, [r.child for r in plan.new_rows]
            )
            missing = missing_for_validation(dossier_check(merged.adults, merged.children))
            if missing:
                reason = _why_not_validated(missing).replace(
                    "le dossier", f"le dossier {reference}"
                )
                problems.append(RowProblem(row.line, "", "", reason))
            child = next(c for c in merged.children if c.id == existing.id)
            level = self.ref.levels.get(child.class_id)
            for registration in row.registrations:
                activity = registration.activity
                if child.school_id is not None and not activity.concerns(child.school_id, level):
                    problems.append(
                        RowProblem(
                            row.line,
                            registration.column,
                            "",
                            f"{existing.name} ({reference}) n'est pas concerné(e) par "
                            f"l'activité {activity.name} (école ou classe de son dossier)",
                        )
                    )
        if row.registrations and self.load_subscriptions is not None and self.ref.year:
            year = self.ref.year
            taken = self.load_subscriptions(existing.id)
            for registration in row.registrations:
                for activity_id, start, end in taken:
                    if (
                        activity_id == registration.activity.id
                        and start != year.start
                        and start <= year.end
                        and end >= year.start
                    ):
                        problems.append(
                            RowProblem(
                                row.line,
                                registration.column,
                                "",
                                f"{existing.name} est déjà inscrit(e) à "
                                f"{registration.activity.name} du {start:%d/%m/%Y} au "
                                f"{end:%d/%m/%Y} : modifiez cette inscription dans son "
                                "dossier ou ignorez la ligne",
                            )
                        )
        return DuplicateRow(
            line=row.line,
            child_name=existing.name,
            birth_date=existing.birth_date,
            family_reference=reference,
            family_name=existing.family_name,
            registrations=len(row.registrations),
            problems=tuple(problems),
            child_id=existing.id,
        )
