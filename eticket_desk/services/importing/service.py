"""The import's use cases: guess the mapping, preview, dry run, import (all or nothing)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Subscription
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.activities import activities_in
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.dossiers import load_family_in
from eticket_desk.services.families.duplicates import (
    alike_among,
    facts_of,
    likely_duplicates_of_each,
)
from eticket_desk.services.importing.analysis import Analyser, Analysis
from eticket_desk.services.importing.guess import guess_mapping
from eticket_desk.services.importing.reading import Table, read_table
from eticket_desk.services.importing.reference import read_reference
from eticket_desk.services.importing.report import (
    Decision,
    Decisions,
    DryRunReport,
    ImportRefused,
    ImportResult,
    alike_in_file,
)
from eticket_desk.services.importing.rows import RowReader
from eticket_desk.services.importing.targets import TARGETS, ImportMapping
from eticket_desk.services.importing.writer import ImportWriter, Progress
from eticket_desk.services.subscriptions.forms import book_drafts


def _require(actor: Actor, mapping: ImportMapping) -> None:
    actor.require(Permission.FAMILY_EDIT)
    if mapping.activities:
        actor.require(Permission.BOOKING_EDIT)


def read_import_file(path: Path | str) -> Table:
    """The file's first sheet as text (UnreadableFile, in French, when it cannot be read)."""
    return read_table(path)


def guess_import_mapping(store: Store, table: Table) -> ImportMapping:
    """The mapping guessed from the headers, against the base's activities."""
    with store.read() as session:
        return guess_mapping(table, activities_in(session))


def known_activities(store: Store) -> list[tuple[str, str]]:
    """(code, name) of the activities a registration column can be mapped to."""
    with store.read() as session:
        return [(a.code, a.name) for a in activities_in(session)]


@dataclass(frozen=True)
class PreviewCell:
    text: str
    problem: str = ""  # why this value will not be accepted


@dataclass(frozen=True)
class ImportPreview:
    """The first rows as the import will read them: one column per mapped field."""

    headers: tuple[str, ...]
    lines: tuple[int, ...]
    rows: tuple[tuple[PreviewCell, ...], ...]


def preview_import(
    store: Store, actor: Actor, table: Table, mapping: ImportMapping, count: int = 10
) -> ImportPreview:
    actor.require(Permission.FAMILY_EDIT)
    with store.read() as session:
        ref = read_reference(session, store.clock.today(), with_children=False)
    reader = RowReader(table, mapping, ref, store.clock.today())
    keys = [t.key for t in TARGETS if t.key in mapping.fields]
    headers = [t.label for t in TARGETS if t.key in mapping.fields]
    for column, code in sorted(mapping.activities.items()):
        keys.append(f"activity:{column}")
        activity = ref.activities.get(code)
        headers.append(f"Inscription {activity.name if activity else code}")
    rows, lines = [], []
    for index in range(min(count, len(table.rows))):
        row = reader.read(index)
        lines.append(row.line)
        cells = []
        for key in keys:
            raw = (
                table.cell(index, int(key.split(":")[1]))
                if key.startswith("activity:")
                else table.cell(index, mapping.fields[key])
            )
            if key in row.bad:
                cells.append(PreviewCell(raw, row.bad[key]))
            else:
                cells.append(PreviewCell(row.shown.get(key, raw)))
        rows.append(tuple(cells))
    return ImportPreview(tuple(headers), tuple(lines), tuple(rows))


def _analyse(session: Session, actor: Actor, table: Table, mapping: ImportMapping, today: date):
    ref = read_reference(session, today)

    def subscriptions(child_id: uuid.UUID) -> list[tuple[uuid.UUID, date, date]]:
        return list(
            session.execute(
                select(Subscription.activity_id, Subscription.start, Subscription.end).where(
                    Subscription.child_id == child_id
                )
            ).tuples()
        )

    analysis = Analyser(
        table,
        mapping,
        ref,
        today,
        load_family=lambda family_id: load_family_in(session, actor, family_id),
        load_subscriptions=subscriptions,
    ).run()
    analysis.report = replace(analysis.report, likely=_likely_duplicates(session, analysis))
    return analysis, ref


def _likely_duplicates(session: Session, analysis: Analysis) -> tuple[str, ...]:
    """A line for each new dossier of the file that looks like one of the base, then for each
    two new dossiers of the file alike (a warning: the agent checks, the import is not
    refused)."""
    # a family whose children all are new: the others' go to a dossier of the base
    plans = [p for p in analysis.families if p.new_rows and len(p.new_rows) == len(p.rows)]
    facts = [facts_of(plan.adults, [r.child for r in plan.new_rows]) for plan in plans]
    found = []
    for plan, alikes in zip(plans, likely_duplicates_of_each(session, facts), strict=True):
        for alike in alikes:
            found.append(
                f"ligne {plan.rows[0].line} : doublon possible — nouveau dossier qui ressemble "
                f"au dossier {alike.label} ; vérifiez-le après l'import (fusion possible)"
            )
    for first, second, alike in alike_among(facts):
        found.append(alike_in_file(plans[first].rows[0].line, plans[second].rows[0].line, alike))
    return tuple(found)


def dry_run_import(
    store: Store, actor: Actor, table: Table, mapping: ImportMapping
) -> DryRunReport:
    """Every bad row with its line and a French reason, the duplicates, the counts;
    nothing is written."""
    _require(actor, mapping)
    with store.read() as session:
        analysis, _ref = _analyse(session, actor, table, mapping, store.clock.today())
    return analysis.report


@changes(Topic.FAMILIES, Topic.BOOKINGS)
def import_families(
    store: Store,
    actor: Actor,
    table: Table,
    mapping: ImportMapping,
    decisions: Decisions | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Imports the whole file in one write transaction, or nothing (ImportRefused) when a
    row is still bad. `decisions` says, per line of a duplicate, merge (default) or skip."""
    _require(actor, mapping)
    actor.require(Permission.FAMILY_VALIDATE)
    decisions = dict(decisions or {})
    with store.write(actor) as session:
        analysis: Analysis
        analysis, ref = _analyse(session, actor, table, mapping, session.info["now"].date())
        if not analysis.report.can_import(decisions):
            raise ImportRefused(analysis.report, decisions)
        writer = ImportWriter(session, actor, analysis, ref, decisions, progress)
        result = writer.write()
    # Then the days of the registrations, a chunk of forms per transaction (like
    # « Appliquer les semaines types », which completes them if this is interrupted).
    offset = len(analysis.families)
    run = book_drafts(
        store,
        actor,
        writer.drafts,
        label=f"Réservations de l'import « {analysis.report.file} »",
        progress=None
        if progress is None
        else lambda done, total: progress(offset + done, offset + total) or True,
    )
    return replace(result, booked_days=run.booked, waiting_days=run.waiting)


@changes(Topic.FAMILIES, Topic.BOOKINGS)
def import_file(
    store: Store,
    actor: Actor,
    path: Path | str,
    *,
    dry_run: bool = False,
    skip_duplicates: bool = False,
) -> DryRunReport | ImportResult:
    """For the command line: read, guess the mapping, dry run; import unless `dry_run`.

    Raises ImportRefused (its message lists the first bad rows) when the file is not clean.
    Duplicates are merged, or skipped with `skip_duplicates`.
    """

    table = read_import_file(path)
    mapping = guess_import_mapping(store, table)
    report = dry_run_import(store, actor, table, mapping)
    if dry_run:
        return report
    decision = Decision.SKIP if skip_duplicates else Decision.MERGE
    decisions = {d.line: decision for d in report.duplicates}
    if not report.can_import(decisions):
        raise ImportRefused(report, decisions)
    return import_families(store, actor, table, mapping, decisions)
