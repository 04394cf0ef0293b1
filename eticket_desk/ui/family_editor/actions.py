"""What the dossier editor's buttons do: save, validate, portal access, archiving and merging
with another dossier (the régisseur's, merge_dialog.py). A new dossier that looks like another
one of the store is not saved before the agent chose between opening that one and creating it
all the same (duplicate_prompt.py).

Every write goes through `ctx.write`, which announces what the use case declares (the
family list and this dossier's `FamilyTopic`); the dossier shown next is read on the worker
too, right after the write.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services.families.data import FamilyData, family_display_name
from eticket_desk.services.families.dossiers import (
    load_family_quietly,
    save_family,
    set_archived,
    validate_family,
)
from eticket_desk.services.families.duplicates import likely_duplicates
from eticket_desk.services.families.portal import PortalLetter, issue_portal_access
from eticket_desk.services.mail.letters import queue_portal_letter
from eticket_desk.ui.family_editor import duplicate_prompt, prompts
from eticket_desk.ui.family_editor.checks import check_adult, check_child, split_key
from eticket_desk.ui.family_editor.merge_dialog import MergeDialog
from eticket_desk.ui.family_editor.signals import emit
from eticket_desk.ui.messages import show_error

if TYPE_CHECKING:
    from eticket_desk.ui.family_editor.dialog import FamilyEditorDialog

    _Base = FamilyEditorDialog
else:
    _Base = object


def portal_letter_writer() -> Callable[[PortalLetter], Path]:
    """Imported before the access is issued: no new password without its letter."""
    from eticket_desk.reports.portal_letter import render

    def write(letter: PortalLetter) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="eticket-"))
        return render(letter, folder / f"acces-portail-{letter.family_reference}.pdf")

    return write


def open_file(path: Path, parent=None) -> None:
    """The letter in the in-app preview, ready to print. It carries a one-time password, so it
    stays in a temporary folder, never in the documents kept beside the database."""
    from eticket_desk.ui import pdf_preview

    pdf_preview.preview(path, "Lettre d'accès au portail", parent)


class DossierActions(_Base):
    """The button half of FamilyEditorDialog (mixed into it)."""

    # ------------------------------------------------------------ checking

    def check_all(self) -> bool:
        """Run every field check; on a wrong field, show it (tab, person, cursor) and say no."""
        today = self.ctx.store.clock.today()
        family_errors = self.family_tab.check_all()
        for page in (self.adults_page, self.third_parties_page):
            for entry in page.entries:
                entry.errors = check_adult(entry.data)
        for entry in self.children_page.entries:
            entry.errors = check_child(entry.data, today)
        for page in self._pages():
            page.refresh()
            page.select(page.current_row())
        self._refresh()
        if family_errors:
            self.tabs.setCurrentWidget(self.family_tab)
            self.family_tab.focus_field(next(iter(family_errors)))
            return False
        for page in (self.adults_page, self.children_page, self.third_parties_page):
            first = page.first_error()
            if first is not None:
                self.tabs.setCurrentWidget(page)
                page.show_error(*first)
                return False
        return True

    def show_server_errors(self, errors: dict[str, str]) -> None:
        """Put the service's ValidationFailed messages beside their fields."""
        adult_count = len(self.adults_page.entries)
        unplaced: dict[str, str] = {}
        for key, message in errors.items():
            parts = split_key(key)
            if parts is None:
                if key in ("qf_value", "qf_date"):
                    self.family_tab.errors[key] = message
                else:
                    unplaced[key] = message
                continue
            kind, index, name = parts
            if kind == "children":
                page, row = self.children_page, index
            elif index < adult_count:
                page, row = self.adults_page, index
            else:
                page, row = self.third_parties_page, index - adult_count
            if 0 <= row < len(page.entries):
                page.entries[row].errors[name] = message
            else:
                unplaced[key] = message
        self.family_tab.show_errors()
        for page in self._pages():
            page.refresh()
        self._refresh()
        if unplaced:
            show_error(self, ValidationFailed(unplaced))
        for page in (self.adults_page, self.children_page, self.third_parties_page):
            first = page.first_error()
            if first is not None:
                self.tabs.setCurrentWidget(page)
                page.show_error(*first)
                return
        if self.family_tab.errors:
            self.tabs.setCurrentWidget(self.family_tab)
            self.family_tab.focus_field(next(iter(self.family_tab.errors)))

    # ------------------------------------------------------------ saving

    def save(self, then: Callable[[], None] | None = None) -> None:
        """Check, then save through the task runner; `then` runs after a successful save."""
        if self._busy or self.is_read_only():
            return
        if not self.check_all():
            return
        if self._data.id is None and not (self._everyone() or self.children_page.entries):
            self._info = ""
            self.message.setStyleSheet("color: #c62828;")
            self.message.setText(self.tr("Ajoutez au moins un adulte avant d'enregistrer."))
            return
        if not self.is_dirty() and self._data.id is not None:
            if then is not None:
                then()
            return
        data = self.collect()
        self._set_busy(True)
        if data.id is None:  # a new dossier: does it look like one the store holds?
            store, actor = self.ctx.store, self.ctx.actor
            self.ctx.runner.submit(
                lambda: likely_duplicates(store, actor, data.adults, data.children),
                lambda found: self._on_duplicates_looked_up(found, data, then),
                self._on_save_failed,
            )
            return
        self._write(data, then)

    def _on_duplicates_looked_up(self, found, data: FamilyData, then) -> None:
        answer = duplicate_prompt.ask_duplicate(self, found) if found else None
        if answer is None or answer == duplicate_prompt.DuplicateAnswer.CREATE:
            self._write(data, then)
        elif answer == duplicate_prompt.DuplicateAnswer.OPEN:
            self.ctx.runner.submit(
                self._reader(found[0].family_id), self._on_other_opened, self._on_save_failed
            )
        else:
            self._set_busy(False)

    def _on_other_opened(self, other: FamilyData) -> None:
        """The existing dossier instead of the new one (what was typed is left)."""
        self._set_busy(False)
        self._info = self.tr("Dossier existant ouvert : rien n'a été créé.")
        self.show_family(other)

    def _write(self, data: FamilyData, then: Callable[[], None] | None) -> None:
        self.ctx.write(
            save_family,
            data,
            on_done=lambda saved: self._on_saved(saved, then),
            on_error=self._on_save_failed,
        )

    def _on_saved(self, saved: FamilyData, then: Callable[[], None] | None) -> None:
        self._busy = False
        self._info = self.tr("Dossier enregistré à %s.") % self.ctx.store.clock.now().strftime(
            "%H:%M"
        )
        self.show_family(saved)
        emit(self.family_saved, saved.id)
        if then is not None:
            then()

    def _on_save_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if isinstance(exc, ValidationFailed):
            self.show_server_errors(exc.errors)
        else:
            show_error(self, exc, self.tr("Enregistrement impossible"))

    def _on_save_button_clicked(self) -> None:
        self.save()

    def _on_save_shortcut_activated(self) -> None:
        if self.save_button.isVisible() and not self.is_read_only():
            self.save()

    # ------------------------------------------------------------ validating

    def _on_validate_button_clicked(self) -> None:
        self.save(then=self._validate)

    def _validate(self) -> None:
        family_id, read = self._data.id, self._reader(self._data.id)
        self._set_busy(True)
        self.ctx.write(
            validate_family,
            family_id,
            then=lambda missing: (missing, read()),
            on_done=self._on_validated,
            on_error=self._on_action_failed,
        )

    def _on_validated(self, outcome: tuple[list[str], FamilyData]) -> None:
        missing, data = outcome
        self._busy = False
        self._info = "" if missing else self.tr("✔ Dossier validé.")
        self.show_family(data)
        emit(self.family_saved, data.id)
        if missing:
            prompts.tell_validation_refused(self, missing)

    # ------------------------------------------------------------ portal access

    def _on_portal_button_clicked(self) -> None:
        self.save(then=self._issue_portal_access)

    def _issue_portal_access(self) -> None:
        adult_id = prompts.choose_portal_guardian(self, self._data)
        if adult_id is None:
            return
        family_id, read = self._data.id, self._reader(self._data.id)

        def issue(write: Callable[[PortalLetter], Path]) -> None:
            self.ctx.write(
                issue_portal_access,
                family_id,
                adult_id,
                then=lambda letter: (letter, write(letter), read()),
                on_done=lambda result: self._on_portal_issued(result, adult_id),
                on_error=self._on_action_failed,
            )

        self._set_busy(True)
        # the letter's writer first, on the worker: no new password without its letter
        self.ctx.runner.submit(portal_letter_writer, issue, self._on_action_failed)

    def _on_portal_issued(
        self, result: tuple[PortalLetter, Path, FamilyData], adult_id: uuid.UUID | None = None
    ) -> None:
        letter, path, data = result
        self._busy = False
        self.show_family(data)
        prompts.tell_portal_issued(self, letter.login, path)
        open_file(path, self)
        guardian = next((a for a in data.adults if a.id == adult_id), None)
        if guardian is not None and guardian.mail_consent and guardian.email:
            name = f"{guardian.first_name} {guardian.last_name.upper()}".strip()
            if prompts.ask_portal_by_mail(self, name, guardian.email):
                self.ctx.write(
                    queue_portal_letter,
                    data.id,
                    adult_id,
                    path,
                    letter.login + letter.issued_on.isoformat() + path.parent.name,
                    on_error=self._on_action_failed,
                )

    # ------------------------------------------------------------ archiving

    def _on_archive_button_clicked(self) -> None:
        archive = self._data.status != FamilyStatus.ARCHIVED
        if not prompts.confirm_archive(self, self._data.reference, archive):
            return
        if archive:
            self.save(then=lambda: self._set_archived(True))
        else:
            self._set_archived(False)

    def _set_archived(self, archived: bool) -> None:
        family_id, read = self._data.id, self._reader(self._data.id)
        self._set_busy(True)
        self.ctx.write(
            set_archived,
            family_id,
            archived,
            then=lambda _none: read(),
            on_done=lambda data: self._on_archived(archived, data),
            on_error=self._on_action_failed,
        )

    def _on_archived(self, archived: bool, data: FamilyData) -> None:
        self._busy = False
        self._info = self.tr("Dossier archivé.") if archived else self.tr("Dossier désarchivé.")
        self.show_family(data)

    # ------------------------------------------------------------ merging

    def _on_merge_button_clicked(self) -> None:
        self.save(then=self._open_merge)

    def _open_merge(self) -> None:
        """The family search's merge dialog, this dossier proposed (what was typed is saved)."""
        data = self._data
        label = f"{data.reference} {family_display_name(data.adults)}".strip()
        self.merge_dialog = MergeDialog(self.ctx, data.id, label, self)
        self.merge_dialog.accepted.connect(self._on_merge_dialog_accepted)
        self.merge_dialog.open()

    def _on_merge_dialog_accepted(self) -> None:
        counts = self.merge_dialog.merged
        if counts is None:
            return
        if counts.kept_reference == self._data.reference:
            self._info = self.tr("Dossier %1 fusionné dans celui-ci.").replace(
                "%1", counts.absorbed_reference
            )
        else:
            self._info = self.tr("Ce dossier a été fusionné dans %1 et archivé.").replace(
                "%1", counts.kept_reference
            )
        self._set_busy(True)
        self.ctx.runner.submit(
            self._reader(self._data.id), self._on_merged_read, self._on_action_failed
        )

    def _on_merged_read(self, data: FamilyData) -> None:
        self._busy = False
        self.show_family(data)

    # ------------------------------------------------------------ shared

    def _reader(self, family_id: uuid.UUID) -> Callable[[], FamilyData]:
        """Reads the dossier again (on the worker, after a write), with no audit line."""
        store, actor = self.ctx.store, self.ctx.actor
        return lambda: load_family_quietly(store, actor, family_id)

    def _on_action_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        show_error(self, exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self._refresh()
