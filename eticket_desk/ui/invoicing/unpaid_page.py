"""The « Impayés » tab: what is left to pay, totalled by age (not yet due, 1 to 30 days late…),
family by family with their invoices; the ticked families get a reminder letter."""

from __future__ import annotations

import uuid
from collections import defaultdict
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.invoicing import queries as invoice_queries
from eticket_desk.services.invoicing import reminders
from eticket_desk.services.invoicing.queries import AGE_BUCKETS, InvoiceSummary, age_bucket
from eticket_desk.services.mail.letters import queue_reminders
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import compact_rows, format_date, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import OK_COLOUR, coloured
from eticket_desk.ui.invoicing import common
from eticket_desk.ui.invoicing.common import RIGHT, count, money

ALL = ""  # the « Total » row: every age
FAMILY_ROLE = Qt.ItemDataRole.UserRole


def _cell(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(RIGHT)
    return item


class UnpaidPage(QWidget):
    """Totals by age above (a row chosen filters the list), families and invoices below."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.invoices: list[InvoiceSummary] = []
        self.loaded = False  # nothing is said about the invoices before they are read
        self.checked: set[uuid.UUID] = set()
        self.letters: list[Path] = []
        self._bucket = ALL

        self.buckets_table = QTableWidget(len(AGE_BUCKETS) + 1, 4)
        self.buckets_table.setHorizontalHeaderLabels(
            [self.tr("Ancienneté"), self.tr("Factures"), self.tr("Familles"), self.tr("Reste dû")]
        )
        self.buckets_table.verticalHeader().hide()
        self.buckets_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.buckets_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.buckets_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.buckets_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        compact_rows(self.buckets_table)
        rows = len(AGE_BUCKETS) + 1
        height = self.buckets_table.verticalHeader().defaultSectionSize() * rows
        self.buckets_table.setFixedHeight(height + header.sizeHint().height() + 4)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(
            [
                self.tr("Famille / facture"),
                self.tr("Échéance"),
                self.tr("Retard"),
                self.tr("Ancienneté"),
                self.tr("Reste dû"),
            ]
        )
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        tree_header = self.tree.header()  # fixed widths: thousands of lines
        tree_header.setStretchLastSection(False)
        tree_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        metrics = self.tree.fontMetrics()
        for column, sample in enumerate(
            ("", "00/00/0000", "0000 j", "plus de 90 jours", "99 999,99 €")
        ):
            if sample:
                tree_header.resizeSection(column, metrics.horizontalAdvance(sample) + 24)

        self.check_late_button = QPushButton(self.tr("Cocher les familles en retard"))
        self.uncheck_button = QPushButton(self.tr("Tout décocher"))
        self.letters_button = QPushButton(self.tr("&Lettres de relance…"))
        self.mail_letters_button = QPushButton(self.tr("Relancer par e-&mail"))
        self.selection_label = QLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_late_button)
        buttons.addWidget(self.uncheck_button)
        buttons.addWidget(self.selection_label, 1)
        buttons.addWidget(self.mail_letters_button)
        buttons.addWidget(self.letters_button)

        self.letters_label = coloured(QLabel(), OK_COLOUR)
        self.show_letters_button = QPushButton(self.tr("Voir les lettres"))
        self.letters_folder_button = QPushButton(self.tr("Ouvrir le dossier"))
        self.letters_bar = QWidget()
        bar = QHBoxLayout(self.letters_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.letters_label, 1)
        bar.addWidget(self.show_letters_button)
        bar.addWidget(self.letters_folder_button)
        self.letters_bar.setVisible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.buckets_table)
        layout.addWidget(
            note_label(
                self.tr(
                    "Choisissez une ligne pour n'afficher que cette ancienneté. Une lettre de "
                    "relance reprend toutes les factures échues de la famille et lui laisse "
                    "15 jours pour payer ; seules les familles en retard peuvent être cochées."
                )
            )
        )
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.letters_bar)

        self.buckets_table.itemSelectionChanged.connect(self._on_buckets_table_selection_changed)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        self.check_late_button.clicked.connect(self._on_check_late_button_clicked)
        self.uncheck_button.clicked.connect(self._on_uncheck_button_clicked)
        self.letters_button.clicked.connect(self._on_letters_button_clicked)
        self.mail_letters_button.clicked.connect(self._on_mail_letters_button_clicked)
        self.show_letters_button.clicked.connect(self._on_show_letters_button_clicked)
        self.letters_folder_button.clicked.connect(self._on_letters_folder_button_clicked)
        self._update_selection()

    # -- data ------------------------------------------------------------------------------

    def refresh(self) -> None:
        store, actor = self.ctx.store, self.ctx.actor
        self.ctx.runner.submit(
            lambda: invoice_queries.unpaid_invoices(store, actor),
            self._on_loaded,
            lambda exc: messages.show_error(self, exc),
        )

    def bucket_of(self, invoice: InvoiceSummary) -> str:
        return age_bucket(invoice.days_late(self.ctx.store.clock.today()))

    def late_families(self) -> set[uuid.UUID]:
        today = self.ctx.store.clock.today()
        return {i.family_id for i in self.invoices if i.due_date < today}

    def _on_loaded(self, invoices: list[InvoiceSummary]) -> None:
        self.invoices = invoices
        self.loaded = True
        self.checked &= self.late_families()
        self._fill_buckets()
        self._fill_tree()

    def _fill_buckets(self) -> None:
        by_bucket: dict[str, list[InvoiceSummary]] = defaultdict(list)
        for invoice in self.invoices:
            by_bucket[self.bucket_of(invoice)].append(invoice)
        rows = [(label, by_bucket[label]) for _low, label in AGE_BUCKETS]
        rows.append((ALL, self.invoices))
        self.buckets_table.blockSignals(True)
        for row, (label, invoices) in enumerate(rows):
            families = {i.family_id for i in invoices}
            texts = (
                label[:1].upper() + label[1:] if label else self.tr("Total"),
                count(len(invoices)),
                count(len(families)),
                money(sum(i.left_cents for i in invoices)),
            )
            for column, text in enumerate(texts):
                item = _cell(text, right=column > 0)
                item.setData(Qt.ItemDataRole.UserRole, label)
                if not label:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.buckets_table.setItem(row, column, item)
        self.buckets_table.blockSignals(False)

    def _fill_tree(self) -> None:
        today = self.ctx.store.clock.today()
        shown = [i for i in self.invoices if not self._bucket or self.bucket_of(i) == self._bucket]
        families: dict[uuid.UUID, list[InvoiceSummary]] = defaultdict(list)
        for invoice in shown:
            families[invoice.family_id].append(invoice)
        late = self.late_families()
        self.tree.blockSignals(True)
        self.tree.clear()
        items = []
        for family_id, invoices in sorted(
            families.items(), key=lambda kv: (kv[1][0].due_date, kv[1][0].family_reference)
        ):
            first = invoices[0]
            top = QTreeWidgetItem(
                [
                    f"{first.family_reference} — {first.family_name}",
                    "",
                    self._days(first.days_late(today)),
                    "",
                    money(sum(i.left_cents for i in invoices)),
                ]
            )
            top.setData(0, FAMILY_ROLE, family_id)
            top.setTextAlignment(4, RIGHT)
            top.setTextAlignment(2, RIGHT)
            if family_id in late:
                top.setFlags(top.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = family_id in self.checked
                top.setCheckState(0, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            else:
                top.setToolTip(0, self.tr("Aucune facture échue : pas de relance."))
            for invoice in invoices:
                child = QTreeWidgetItem(
                    [
                        f"{invoice.number} — {invoice.period_label}",
                        format_date(invoice.due_date),
                        self._days(invoice.days_late(today)),
                        self.bucket_of(invoice),
                        money(invoice.left_cents),
                    ]
                )
                child.setTextAlignment(4, RIGHT)
                child.setTextAlignment(2, RIGHT)
                top.addChild(child)
            items.append(top)
        self.tree.addTopLevelItems(items)
        self.tree.blockSignals(False)
        self._update_selection()

    def _days(self, days: int) -> str:
        return self.tr("{n} j").format(n=count(days)) if days else ""

    def family_items(self) -> list[QTreeWidgetItem]:
        return [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]

    def set_checked(self, family_ids: set[uuid.UUID]) -> None:
        self.checked = set(family_ids) & self.late_families()
        self._fill_tree()

    def _update_selection(self) -> None:
        n = len(self.checked)
        if n:
            text = self.tr("{n} famille(s) cochée(s)").format(n=count(n))
        elif self.loaded and not self.invoices:
            text = self.tr("Aucune facture à régler : rien à relancer.")
        elif self.loaded and not self.late_families():
            text = self.tr("Aucune facture échue : rien à relancer pour l'instant.")
        else:
            text = ""
        self.selection_label.setText(text)
        self.letters_button.setEnabled(n > 0)
        self.mail_letters_button.setEnabled(n > 0)
        self.check_late_button.setEnabled(bool(self.late_families()))
        self.uncheck_button.setEnabled(n > 0)

    # -- slots -----------------------------------------------------------------------------

    def _on_buckets_table_selection_changed(self) -> None:
        rows = self.buckets_table.selectionModel().selectedRows()
        self._bucket = (
            self.buckets_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
            if rows
            else ALL
        )
        self._fill_tree()

    def _on_tree_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        family_id = item.data(0, FAMILY_ROLE)
        if column != 0 or family_id is None:
            return
        if item.checkState(0) == Qt.CheckState.Checked:
            self.checked.add(family_id)
        else:
            self.checked.discard(family_id)
        self._update_selection()

    def _on_check_late_button_clicked(self) -> None:
        shown = {item.data(0, FAMILY_ROLE) for item in self.family_items()}
        self.set_checked(self.checked | (shown & self.late_families()))

    def _on_uncheck_button_clicked(self) -> None:
        self.set_checked(set())

    def _on_letters_button_clicked(self) -> None:
        order = {i.family_id: n for n, i in reversed(list(enumerate(self.invoices)))}
        family_ids = sorted(self.checked, key=order.__getitem__)  # the oldest debt first
        store, actor = self.ctx.store, self.ctx.actor
        self.letters_button.setEnabled(False)
        self.ctx.runner.submit(
            lambda: reminders.print_reminders(store, actor, family_ids),
            self._on_letters_written,
            self._on_letters_failed,
        )

    def _on_mail_letters_button_clicked(self) -> None:
        """The ticked families' reminders by e-mail, to the payers who accepted it."""
        self.mail_letters_button.setEnabled(False)
        self.ctx.write(
            queue_reminders,
            sorted(self.checked, key=str),
            on_done=self._on_mail_letters_queued,
            on_error=self._on_letters_failed,
        )

    def _on_mail_letters_queued(self, result) -> None:
        self._update_selection()
        text = self.tr("{n} relance(s) mise(s) en file d'envoi par e-mail.").format(
            n=count(result.queued)
        )
        if result.skipped:
            text += " " + self.tr("Sans accord pour l'e-mail : {names}.").format(
                names=", ".join(name for name, _reason in result.skipped)
            )
        self.letters_label.setText(text)
        self.letters_bar.setVisible(True)

    def _on_letters_written(self, paths: list[Path]) -> None:
        self.letters = list(paths)
        self._update_selection()
        folder = self.letters[0].parent if self.letters else ""
        self.letters_label.setText(
            self.tr("{n} lettre(s) de relance écrite(s) dans {folder}").format(
                n=count(len(self.letters)), folder=folder
            )
        )
        self.letters_bar.setVisible(True)
        if len(self.letters) == 1:
            self._on_show_letters_button_clicked()

    def _on_letters_failed(self, exc: BaseException) -> None:
        self._update_selection()
        messages.show_error(self, exc)

    def _on_show_letters_button_clicked(self) -> None:
        for path in self.letters:
            title = self.tr("Lettre de relance — {name}").format(name=path.stem)
            pdf_preview.preview(path, title, self)

    def _on_letters_folder_button_clicked(self) -> None:
        if self.letters:
            common.open_folder(self.letters[0].parent)
