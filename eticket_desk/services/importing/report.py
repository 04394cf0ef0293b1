"""What a dry run and an import tell the agent: bad rows, duplicates, counts, decisions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path

from babel.numbers import format_decimal

from eticket_desk.reports.csv_export import write_csv_file
from eticket_desk.rules.duplicates import Likeness
from eticket_desk.rules.errors import DomainError


class Decision(StrEnum):
    """What to do with a row whose child is already in the base."""

    MERGE = "merge"
    SKIP = "skip"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS = {Decision.MERGE: "Fusionner", Decision.SKIP: "Ignorer la ligne"}


@dataclass(frozen=True)
class RowProblem:
    """One reason a row cannot be imported; `line` is the line in the file (header = 1)."""

    line: int
    column: str  # the header of the column at fault ("" for the row as a whole)
    value: str
    reason: str  # French, lower-case start: « la classe « CE3 » est inconnue à l'école… »

    @property
    def message(self) -> str:
        return f"ligne {self.line} : {self.reason}"


@dataclass(frozen=True)
class DuplicateRow:
    """A row whose child is already in the base (same names and birth date)."""

    line: int
    child_name: str
    birth_date: date
    family_reference: str
    family_name: str
    registrations: int  # what merging would subscribe the existing child to
    problems: tuple[RowProblem, ...]  # why merging is not possible (skipping always is)
    child_id: uuid.UUID | None = None


@dataclass(frozen=True)
class GroupCount:
    """One family of the file: its new children (their registrations) and its duplicates."""

    new_children: tuple[int, ...]
    duplicate_lines: tuple[int, ...]


def _n(value: int) -> str:
    return format_decimal(value, locale="fr_FR")


@dataclass(frozen=True)
class ImportCounts:
    families: int = 0  # new dossiers
    children: int = 0  # new children
    registrations: int = 0  # child × activity subscriptions
    merged: int = 0
    skipped: int = 0

    def sentence(self, done: bool = True) -> str:
        """ "412 familles, 695 enfants, 1 230 inscriptions importées" (without "importées"
        before the import)."""
        text = (
            f"{_n(self.families)} famille{'s' if self.families > 1 else ''}, "
            f"{_n(self.children)} enfant{'s' if self.children > 1 else ''}, "
            f"{_n(self.registrations)} inscription{'s' if self.registrations > 1 else ''}"
        )
        if done:
            text += f" importée{'s' if self.registrations > 1 else ''}"
        if self.merged:
            text += f" ; {_n(self.merged)} doublon{'s' if self.merged > 1 else ''} fusionné"
            text += "s" if self.merged > 1 else ""
        if self.skipped:
            text += f" ; {_n(self.skipped)} ligne{'s' if self.skipped > 1 else ''} ignorée"
            text += "s" if self.skipped > 1 else ""
        return text


Decisions = dict[int, Decision]  # line -> decision; a line not in it is merged


@dataclass(frozen=True)
class DryRunReport:
    file: str
    rows: int
    problems: tuple[RowProblem, ...]
    duplicates: tuple[DuplicateRow, ...]
    groups: tuple[GroupCount, ...]
    general: tuple[str, ...] = ()  # problems of the whole file (mapping, school year)
    incomplete: int = 0  # dossiers that will be imported incomplete (no registration)
    year_label: str = ""
    # New dossiers of the file that look like one of the base (rules.duplicates): a line each,
    # « ligne 12 : ce dossier ressemble au dossier F00012 Dupont (Léa, né(e) le …) »; then two
    # new dossiers of the file alike (`alike_in_file`). Warnings, not errors.
    likely: tuple[str, ...] = ()

    def decision(self, decisions: Decisions | None, line: int) -> Decision:
        return (decisions or {}).get(line, Decision.MERGE)

    def problems_for(self, decisions: Decisions | None = None) -> list[RowProblem]:
        """Every problem, with those of the duplicates the agent chose to merge."""
        found = list(self.problems)
        for dup in self.duplicates:
            if self.decision(decisions, dup.line) == Decision.MERGE:
                found += dup.problems
        return sorted(found, key=lambda p: p.line)

    def bad_lines(self, decisions: Decisions | None = None) -> list[int]:
        return sorted({p.line for p in self.problems_for(decisions)})

    def can_import(self, decisions: Decisions | None = None) -> bool:
        return not self.general and not self.problems_for(decisions) and bool(self.groups)

    def text(self, decisions: Decisions | None = None) -> str:
        """The dry run in French, for the command line: counts, then every bad row."""
        counts = self.counts(decisions)
        problems = self.problems_for(decisions)
        lines = [
            f"{self.file} : {_n(self.rows)} ligne(s) lue(s).",
            f"À importer : {counts.sentence(done=False)}.",
            f"Lignes en erreur : {len(self.bad_lines(decisions))} ; doublons : "
            f"{len(self.duplicates)}.",
        ]
        lines += [f"• {message}" for message in self.general]
        lines += [f"• {problem.message}" for problem in problems]
        lines += [
            f"• ligne {d.line} : {d.child_name} est déjà dans le dossier {d.family_reference} "
            f"({self.decision(decisions, d.line).label.lower()})"
            for d in self.duplicates
        ]
        lines += [f"• {line}" for line in self.likely]
        return "\n".join(lines)

    def counts(self, decisions: Decisions | None = None) -> ImportCounts:
        registrations = {d.line: d.registrations for d in self.duplicates}
        families = children = subscribed = merged = skipped = 0
        for group in self.groups:
            merging = [
                line
                for line in group.duplicate_lines
                if self.decision(decisions, line) == Decision.MERGE
            ]
            merged += len(merging)
            skipped += len(group.duplicate_lines) - len(merging)
            subscribed += sum(registrations.get(line, 0) for line in merging)
            if group.new_children:
                families += 0 if merging else 1
                children += len(group.new_children)
                subscribed += sum(group.new_children)
        return ImportCounts(families, children, subscribed, merged, skipped)


@dataclass(frozen=True)
class ImportResult:
    counts: ImportCounts
    references: tuple[str, ...]  # the new dossiers' references, in file order
    booked_days: int
    waiting_days: int

    def sentence(self) -> str:
        return self.counts.sentence()


def alike_in_file(first_line: int, second_line: int, alike: Likeness) -> str:
    """« ligne 9 : doublon possible — nouveau dossier qui ressemble à celui de la ligne 2,
    nouveau lui aussi (Moreau ; Jules, né(e) le 12/03/2019) ; … »."""
    born = alike.child.birth_date.strftime("%d/%m/%Y")
    return (
        f"ligne {second_line} : doublon possible — nouveau dossier qui ressemble à celui de la "
        f"ligne {first_line}, nouveau lui aussi ({alike.adult.last_name} ; "
        f"{alike.child.first_name}, né(e) le {born}) ; vérifiez-les après l'import (fusion "
        "possible)"
    )


class ImportRefused(DomainError):
    """The file still has bad rows: nothing was written."""

    def __init__(self, report: DryRunReport, decisions: Decisions | None = None) -> None:
        problems = report.problems_for(decisions)
        lines = list(report.general) + [p.message for p in problems[:10]]
        more = len(problems) - 10
        text = "Rien n'a été importé : le fichier doit d'abord être corrigé.\n" + "\n".join(
            f"• {line}" for line in lines
        )
        if more > 0:
            text += f"\n… et {more} autre(s) erreur(s)."
        super().__init__(text)
        self.report = report


def save_problems_csv(problems: list[RowProblem], path: Path | str) -> Path:
    """The bad rows as a CSV Excel opens in French (utf-8 with BOM, semicolons)."""
    rows = ([p.line, p.column, p.value, p.reason] for p in problems)
    return write_csv_file(path, ("Ligne", "Colonne", "Valeur", "Motif"), rows)
