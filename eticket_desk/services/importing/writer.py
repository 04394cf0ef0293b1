"""Writing an analysed file inside one write transaction: dossiers, merges, registrations.

Dossiers go through `save_family_in` (the editor's checks, gapless numbers taken in this
transaction) and are validated when complete; registrations become subscriptions over the
school year, applied by the subscription planner in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import Child, Family
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.numbering import take_family_numbers
from eticket_desk.services.core.store import Actor
from eticket_desk.services.families.data import FamilyData
from eticket_desk.services.families.dossiers import load_family_in, save_family_in
from eticket_desk.services.importing.analysis import Analysis, FamilyPlan, merged_family
from eticket_desk.services.importing.reference import Reference
from eticket_desk.services.importing.report import (
    Decision,
    Decisions,
    ImportResult,
)
from eticket_desk.services.importing.rows import ParsedRow
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, save_subscriptions_in

Progress = Callable[[int, int], None]
SOURCE = "import"
BATCH = 100  # new dossiers inserted together


class ImportWriter:
    def __init__(
        self,
        session: Session,
        actor: Actor,
        analysis: Analysis,
        ref: Reference,
        decisions: Decisions,
        progress: Progress | None = None,
    ):
        self.session, self.actor, self.analysis, self.ref = session, actor, analysis, ref
        self.decisions, self.progress = decisions, progress
        self.child_ids: dict[int, uuid.UUID] = {}  # line -> child id
        self.created: list[tuple[uuid.UUID, list[ParsedRow]]] = []  # new dossiers, in order
        self.next_number = 0
        self.references: list[str] = []
        self.today = session.info["now"].date()
        self.notes = (
            f"Importé le {self.today:%d/%m/%Y} depuis le fichier « {analysis.report.file} »"
        )

    def _merging(self, row: ParsedRow) -> bool:
        return row.existing is not None and (
            self.decisions.get(row.line, Decision.MERGE) == Decision.MERGE
        )

    def write(self) -> ImportResult:
        plans = self.analysis.families
        drafts_total = sum(
            len(r.registrations)
            for plan in plans
            for r in plan.rows
            if r.existing is None or self._merging(r)
        )
        total = len(plans) + drafts_total
        new_families = sum(1 for plan in plans if self._creates_family(plan))
        self.next_number = take_family_numbers(self.session, new_families)
        for done, plan in enumerate(plans, start=1):
            self._write_family(plan)
            if done % BATCH == 0 or done == len(plans):
                self.session.flush()
                if self.progress is not None:
                    self.progress(done, total)
        self.session.flush()
        self._created_children()
        drafts = self._drafts(plans)
        # The registrations are recorded with the dossiers, all or nothing; their days are
        # booked right after, chunk by chunk, by the same run as the saved week templates.
        save_subscriptions_in(self.session, self.actor, drafts, SOURCE)
        self.drafts = drafts  # booked next (the progress bar goes on from `done`)
        counts = self.analysis.report.counts(self.decisions)
        record(
            self.session,
            "import",
            "family",
            None,
            f"Import du fichier « {self.analysis.report.file} » : {counts.sentence()}",
            file=self.analysis.report.file,
            families=counts.families,
            children=counts.children,
            registrations=counts.registrations,
            merged=counts.merged,
            skipped=counts.skipped,
            references=", ".join(self.references[:1] + self.references[-1:]),
        )
        return ImportResult(counts, tuple(self.references), 0, 0)

    def _creates_family(self, plan: FamilyPlan) -> bool:
        return bool(plan.new_rows) and not any(self._merging(r) for r in plan.rows)

    def _write_family(self, plan: FamilyPlan) -> None:
        new = plan.new_rows
        target: uuid.UUID | None = None
        for row in plan.rows:
            if not self._merging(row):
                continue
            self.session.flush()  # the dossier is read back: pending rows go first
            extra = new if target is None else []
            existing = load_family_in(self.session, self.actor, row.existing.family_id)
            data = merged_family(existing, plan, row, [r.child for r in extra])
            family_id = self._save(data)
            self.child_ids[row.line] = row.existing.id
            if extra:
                target = family_id
                added = self._children_of(family_id)[len(existing.children) :]
                for r, child_id in zip(extra, added, strict=True):
                    self.child_ids[r.line] = child_id
        if new and target is None:
            data = FamilyData(
                adults=plan.adults,
                children=[r.child for r in new],
                qf_value=plan.qf,
                notes=self.notes
                + (f" (référence d'origine {plan.reference})." if plan.reference else "."),
            )
            family_id = self._save(data, number=self.next_number)
            self.next_number += 1
            self.created.append((family_id, new))

    def _save(self, data: FamilyData, number: int | None = None) -> uuid.UUID:
        return save_family_in(
            self.session,
            self.actor,
            data,
            validate=True,
            classes=self.ref.classes,
            number=number,
            flush=number is None,
        )

    def _created_children(self) -> None:
        """The new dossiers' references and children's ids, read back in a few queries."""
        ids = [family_id for family_id, _rows in self.created]
        references: dict[uuid.UUID, str] = {}
        children: dict[uuid.UUID, list[uuid.UUID]] = {}
        for start in range(0, len(ids), 900):
            part = ids[start : start + 900]
            for family_id, reference in self.session.execute(
                select(Family.id, Family.reference).where(Family.id.in_(part))
            ):
                references[family_id] = reference
            for child_id, family_id in self.session.execute(
                select(Child.id, Child.family_id)
                .where(Child.family_id.in_(part))
                .order_by(Child.family_id, Child.position)
            ):
                children.setdefault(family_id, []).append(child_id)
        for family_id, rows in self.created:
            self.references.append(references[family_id])
            for r, child_id in zip(rows, children[family_id], strict=True):
                self.child_ids[r.line] = child_id

    def _children_of(self, family_id: uuid.UUID) -> list[uuid.UUID]:
        return [c.id for c in self.session.get(Family, family_id).children]

    def _drafts(self, plans: list[FamilyPlan]) -> list[SubscriptionDraft]:
        year = self.ref.year
        drafts = []
        for plan in plans:
            for row in plan.rows:
                if row.existing is not None and not self._merging(row):
                    continue
                for registration in row.registrations:
                    drafts.append(
                        SubscriptionDraft(
                            child_id=self.child_ids[row.line],
                            activity_id=registration.activity.id,
                            start=year.start,
                            end=year.end,
                            template=registration.template,
                            period_label=year.label,
                        )
                    )
        return drafts
