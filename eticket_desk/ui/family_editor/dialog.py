"""The "Dossier famille" dialog: its layout, the dossier on screen, dirty state and closing
(what it shows of that state, header to buttons: status.py).

It opens at once and reads the schools and the dossier through the task runner, as every
screen reads; the tabs wait, disabled, until they are shown (then a validated family's
planning takes the keyboard). A change to the family made elsewhere shows once read again,
unless the agent has typed into the dossier."""

from __future__ import annotations

import uuid
from copy import deepcopy
from dataclasses import replace

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import SchoolInfo, list_schools
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.core.fields import format_phone
from eticket_desk.services.families.data import (
    PHONE_FIELDS,
    FamilyData,
)
from eticket_desk.services.families.dossiers import load_family
from eticket_desk.services.invoicing.debit_rejects import reject_flag
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.family_editor import prompts
from eticket_desk.ui.family_editor.actions import DossierActions
from eticket_desk.ui.family_editor.adult_form import AdultForm
from eticket_desk.ui.family_editor.certificate_box import BoxesColumn, CertificateBox
from eticket_desk.ui.family_editor.child_form import ChildForm
from eticket_desk.ui.family_editor.conflicts import ConflictBanner
from eticket_desk.ui.family_editor.family_tab import FamilyTab
from eticket_desk.ui.family_editor.funder_box import FunderBox
from eticket_desk.ui.family_editor.header import DossierHeader
from eticket_desk.ui.family_editor.mandate_box import MandateBox
from eticket_desk.ui.family_editor.merge_dialog import MergeDialog
from eticket_desk.ui.family_editor.people import DossierPeople
from eticket_desk.ui.family_editor.people_page import PeoplePage
from eticket_desk.ui.family_editor.rows import describe_adult, describe_child
from eticket_desk.ui.family_editor.status import DossierStatus
from eticket_desk.ui.family_editor.wallet_tab import WalletTab
from eticket_desk.ui.family_editor.widgets import plain_button
from eticket_desk.ui.mail.family_mails_tab import FamilyMailsTab
from eticket_desk.ui.messages import show_error
from eticket_desk.ui.planning import WeekGrid
from eticket_desk.ui.portal.documents_panel import DocumentsPanel

READ_ONLY_STYLE = (
    "QLineEdit:read-only, QPlainTextEdit:read-only { background: #f1f1f1; color: #3c3c3c; }"
)


class FamilyEditorDialog(DossierPeople, DossierActions, DossierStatus, QDialog):
    """Create or edit one family dossier; saves, validates, archives and issues portal access."""

    family_saved = Signal(object)  # the family UUID, after each successful save or validation

    def __init__(
        self, ctx: AppContext, family_id: uuid.UUID | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._busy = False
        self._closing = False
        self._info = ""
        self._data = FamilyData()
        self._baseline: tuple = ()
        self._schools: list[SchoolInfo] = []
        self.setStyleSheet(READ_ONLY_STYLE)
        self.resize(1000, 700)
        self.setMinimumSize(900, 620)
        self._build()
        self.planning: WeekGrid | None = None
        self.wallet: WalletTab | None = None  # a tab once the family has a wallet to show
        new = FamilyData(health_visible=ctx.actor.can(Permission.HEALTH_VIEW))
        self.show_family(new)
        self.loaded = False  # the schools and the dossier come from the task runner
        self._set_busy(True)
        self.tabs.setEnabled(False)
        store, actor = ctx.store, ctx.actor

        def read() -> tuple[list[SchoolInfo], FamilyData]:
            data = new if family_id is None else load_family(store, actor, family_id)
            return list_schools(store), data

        ctx.runner.submit(read, self._on_loaded, self._on_load_failed)
        ctx.bus.changed.connect(self._on_bus_changed)

    def _on_loaded(self, loaded: tuple[list[SchoolInfo], FamilyData]) -> None:
        self._schools, data = loaded
        self.child_form.set_schools(self._schools)
        self._busy = False
        self.tabs.setEnabled(True)
        self.show_family(data)
        self.loaded = True
        if data.id is None:
            self.tabs.setCurrentIndex(1)
        elif data.status == FamilyStatus.VALIDATED and self.planning is not None:
            self.tabs.setCurrentWidget(self.planning)  # the main screen of a known family
        else:
            self.tabs.setCurrentIndex(0)
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._on_tabs_current_changed()
        self._load_debit_flag()

    def _load_debit_flag(self) -> None:
        """The rejected debits' warning of the header (read apart: a family without any)."""
        store, actor, family_id = self.ctx.store, self.ctx.actor, self._data.id
        if family_id is not None and actor.can(Permission.FAMILY_VIEW):
            self.ctx.runner.submit(
                lambda: reject_flag(store, actor, family_id),
                lambda flag: self.header.set_debit_flag(flag.text),
            )

    def _on_load_failed(self, exc: Exception) -> None:
        show_error(self, exc, self.tr("Ouverture du dossier impossible"))
        self._close_now()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        """Changed elsewhere (another screen, a pull): read again, unless typed into or
        writing (its own write shows what it saved)."""
        family_id = self._data.id
        if not self.loaded or self._busy or family_id is None or self.is_dirty():
            return
        if Topic.FAMILIES in topics or FamilyTopic(family_id) in topics:
            self.ctx.runner.submit(self._reader(family_id), self._on_read_again)
            self._load_debit_flag()

    def _on_read_again(self, data: FamilyData) -> None:
        if data != self._data and not self._busy and not self.is_dirty():
            self.show_family(data)

    def _on_tabs_current_changed(self, _index: int = 0) -> None:
        """The planning takes the keyboard as it shows: Page Down works without a click
        (which would book the cell clicked)."""
        if self.planning is not None and self.tabs.currentWidget() is self.planning:
            self.planning.focus_grid()

    # ------------------------------------------------------------ layout

    def _build(self) -> None:
        today = self.ctx.store.clock.today
        self.header = DossierHeader()
        self.conflicts = ConflictBanner(self.ctx)  # fields changed here and elsewhere too
        self.mandate_box = MandateBox(self.ctx)  # « Prélèvement SEPA », saved on its own
        self.funder_box = FunderBox(self.ctx)  # « Régime (heures CAF / MSA) », on its own too
        self.certificate_box = CertificateBox(self.ctx)  # the tax certificate of a year
        extra = BoxesColumn(self.mandate_box, self.funder_box, self.certificate_box)
        self.family_tab = FamilyTab(today, extra=extra)
        self.adult_form = AdultForm(third_party=False)
        self.adults_page = PeoplePage(
            self.adult_form,
            add_text=self.tr("&Ajouter un adulte"),
            empty_text=self.tr(
                "Aucun adulte dans le dossier.\nCliquez sur « Ajouter un adulte » (Alt+A)."
            ),
            new_item=self._new_adult,
            describe=describe_adult,
        )
        self.child_form = ChildForm(today)
        self.children_page = PeoplePage(
            self.child_form,
            add_text=self.tr("&Ajouter un enfant"),
            empty_text=self.tr(
                "Aucun enfant dans le dossier.\nCliquez sur « Ajouter un enfant » (Alt+A)."
            ),
            new_item=self._new_child,
            describe=lambda child: describe_child(child, self._schools),
        )
        self.third_party_form = AdultForm(third_party=True)
        self.third_parties_page = PeoplePage(
            self.third_party_form,
            add_text=self.tr("&Ajouter un tiers"),
            empty_text=self.tr(
                "Aucune autre personne (grand-parent, assistante maternelle…).\n"
                "Cliquez sur « Ajouter un tiers » (Alt+A)."
            ),
            new_item=self._new_third_party,
            describe=describe_adult,
        )
        self.adult_form.set_address_source(self._first_adult)
        self.tabs = QTabWidget()
        for page in (
            self.family_tab,
            self.adults_page,
            self.children_page,
            self.third_parties_page,
        ):
            self.tabs.addTab(page, "")

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.save_button = plain_button(self.tr("&Enregistrer"))
        self.save_button.setToolTip(self.tr("Enregistrer le dossier (Ctrl+S)"))
        self.validate_button = plain_button(self.tr("&Valider le dossier"))
        self.portal_button = plain_button(self.tr("Accès &portail…"))
        self.archive_button = plain_button(self.tr("A&rchiver"))
        self.merge_button = plain_button(self.tr("Fusionner avec un autre dossier…"))
        self.merge_button.setToolTip(
            self.tr("Réunir ce dossier et un doublon : l'un des deux est gardé, l'autre archivé")
        )
        self.merge_dialog: MergeDialog | None = None
        self.close_button = plain_button(self.tr("Fer&mer"))
        self.close_button.setToolTip(self.tr("Fermer le dossier (Échap)"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        for button in (
            self.save_button,
            self.validate_button,
            self.portal_button,
            self.archive_button,
            self.merge_button,
            self.close_button,
        ):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.conflicts)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        chain = [
            self.tabs,
            self.save_button,
            self.validate_button,
            self.portal_button,
            self.archive_button,
            self.merge_button,
            self.close_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Save),
            self,
            activated=self._on_save_shortcut_activated,
        )
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.validate_button.clicked.connect(self._on_validate_button_clicked)
        self.portal_button.clicked.connect(self._on_portal_button_clicked)
        self.archive_button.clicked.connect(self._on_archive_button_clicked)
        self.merge_button.clicked.connect(self._on_merge_button_clicked)
        self.close_button.clicked.connect(self.reject)
        self.family_tab.edited.connect(self._on_dossier_edited)
        self.family_tab.errors_changed.connect(self._on_dossier_edited)
        for page in self._pages():
            page.edited.connect(self._on_dossier_edited)
        self.adult_form.flag_claimed.connect(self._on_adult_form_flag_claimed)
        self.third_party_form.flag_claimed.connect(self._on_third_party_form_flag_claimed)

    def _pages(self) -> tuple[PeoplePage, PeoplePage, PeoplePage]:
        return self.adults_page, self.children_page, self.third_parties_page

    # ------------------------------------------------------------ the dossier on screen

    def show_family(self, data: FamilyData) -> None:
        """Put a dossier (as loaded or just saved) on screen; it becomes the unmodified state."""
        self._data = data
        adults = [replace(a) for a in data.adults]
        for adult in adults:
            for name in PHONE_FIELDS:
                setattr(adult, name, format_phone(getattr(adult, name)))
        rows = [max(page.current_row(), 0) for page in self._pages()]
        self.child_form.set_health_visible(data.health_visible)
        self.adults_page.set_items([a for a in adults if not a.third_party], rows[0])
        self.children_page.set_items([replace(c) for c in data.children], rows[1])
        self.third_parties_page.set_items([a for a in adults if a.third_party], rows[2])
        self.family_tab.load(data.qf_value, data.qf_date, data.qf_source, data.notes)
        if data.id != self.mandate_box.family_id:
            self.mandate_box.set_family(data.id)
        if data.id != self.funder_box.family_id:
            self.funder_box.set_family(data.id)
        self.certificate_box.set_family(data.id)
        read_only = self.is_read_only()
        self.family_tab.set_read_only(read_only)
        for page in self._pages():
            page.set_read_only(read_only)
        self._baseline = self._snapshot()
        self.conflicts.show_for(data.id)
        self._show_planning(data)
        self._refresh()

    def _show_planning(self, data: FamilyData) -> None:
        """The week grid tab, once the dossier exists; reloaded after each save."""
        if data.id is None:
            return
        if getattr(self, "planning", None) is None:
            self.planning = WeekGrid(self.ctx, data.id)
            self.tabs.addTab(self.planning, self.tr("P&lanning"))
            self.wallet = WalletTab(self.ctx, data.id, self.tabs)
            self.documents = DocumentsPanel(self.ctx, data.id)
            self.tabs.addTab(self.documents, self.tr("&Documents"))
            self.mails = FamilyMailsTab(self.ctx, data.id)
            self.tabs.addTab(self.mails, self.tr("Co&urriels"))
        else:
            self.planning.reload()

    def discard_changes(self) -> None:
        """Back to the dossier as last loaded or saved."""
        self.show_family(self._data)

    def is_read_only(self) -> bool:
        return self._data.status == FamilyStatus.ARCHIVED or not self.ctx.actor.can(
            Permission.FAMILY_EDIT
        )

    def collect(self) -> FamilyData:
        """The dossier as typed, ready for save_family."""
        qf_value, qf_date, qf_source, notes = self.family_tab.values()
        return FamilyData(
            id=self._data.id,
            reference=self._data.reference,
            status=self._data.status,
            updated_at=self._data.updated_at,
            version=self._data.version,
            health_visible=self._data.health_visible,
            adults=deepcopy(self._everyone()),
            children=deepcopy(self.children_page.items()),
            qf_value=qf_value,
            qf_date=qf_date,
            qf_source=qf_source,
            notes=notes,
        )

    def _snapshot(self) -> tuple:
        return (
            deepcopy(self.adults_page.items()),
            deepcopy(self.children_page.items()),
            deepcopy(self.third_parties_page.items()),
            self.family_tab.values(),
            self.family_tab.qf_value.text(),
        )

    def is_dirty(self) -> bool:
        return self._snapshot() != self._baseline

    def has_errors(self) -> bool:
        return bool(self.family_tab.errors) or any(p.has_errors() for p in self._pages())

    def _on_dossier_edited(self) -> None:
        if self._info and self.is_dirty():
            self._info = ""
        self._refresh()

    # ------------------------------------------------------------ closing

    def reject(self) -> None:
        """Fermer, Échap and the window's close box all come here."""
        if self._closing or self.is_read_only() or not self.is_dirty():
            self._close_now()
            return
        answer = prompts.ask_unsaved_changes(self)
        if answer == QMessageBox.StandardButton.Save:
            self.save(then=self._close_now)
        elif answer == QMessageBox.StandardButton.Discard:
            self._close_now()

    def _close_now(self) -> None:
        self._closing = True
        super().reject()
        self._closing = False
