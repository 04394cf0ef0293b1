"""The run preview: the families to invoice (each can be excluded), the lines of the one
selected grouped by child with their basis of calculation, the families already invoiced
for the period, and the count and total that will be issued, kept up to date."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.text import first_upper
from eticket_desk.services.invoicing.drafts import DraftInvoice, RunPreview
from eticket_desk.ui.admin.forms import compact_rows, note_label
from eticket_desk.ui.counter.widgets import scaled
from eticket_desk.ui.invoicing.common import count, invoices_word, money, unpriced_text
from eticket_desk.ui.invoicing.preview_model import DraftColumn, DraftsFilter, DraftsModel


def _days(days: str) -> str:
    """The days a line bills, small under its basis, as the invoice prints them."""
    if not days:
        return ""
    return f"<br><span style='color:#555; font-size:small'>Jours facturés : {escape(days)}</span>"


def draft_html(draft: DraftInvoice) -> str:
    """The lines of one family's draft, child by child, as the invoice will print them."""
    parts = [f"<h3>{escape(draft.reference)} — {escape(draft.family_name)}</h3>"]
    for child in draft.children:
        where = f" — {escape(child.school)}" if child.school else ""
        parts.append(f"<p style='margin-bottom:2px'><b>{escape(child.name)}</b>{where}</p>")
        rows = "".join(
            f"<tr><td>{escape(line.activity)}</td><td>{escape(line.basis)}{_days(line.days)}</td>"
            f"<td align='right' style='white-space:nowrap'>{money(line.amount_cents)}</td></tr>"
            for _activity_id, line in child.lines
        )
        parts.append(
            "<table width='100%' cellspacing='0' cellpadding='3' border='0'>"
            "<tr style='color:#555'><td>Prestation</td><td>Base de calcul</td>"
            f"<td align='right'>Montant</td></tr>{rows}"
            f"<tr><td></td><td align='right'><i>Sous-total</i></td>"
            f"<td align='right'><i>{money(child.subtotal_cents)}</i></td></tr></table>"
        )
    parts.append(f"<p align='right'><b>Total : {money(draft.total_cents)}</b></p>")
    return "".join(parts)


class PreviewPage(QWidget):
    """Shows a RunPreview; `model` holds the exclusions the run will honour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview: RunPreview | None = None
        self.model = DraftsModel(self)
        self.proxy = DraftsFilter(self.model)
        self.summary_label = scaled(QLabel(), 1.25)
        self.summary_label.setWordWrap(True)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Rechercher une famille ou un enfant…"))
        self.search_edit.setClearButtonEnabled(True)
        self.include_all_button = QPushButton(self.tr("Ne rien exclure"))
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_edit, 1)
        search_row.addWidget(self.include_all_button)

        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)  # the drafts come sorted by reference
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()  # fixed widths: thousands of rows
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DraftColumn.FAMILY, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        for column, sample in (
            (DraftColumn.EXCLUDED, self.tr("Exclure")),
            (DraftColumn.REFERENCE, "F000000"),
            (DraftColumn.CHILDREN, "Bérénice, Charlotte, Maël"),
            (DraftColumn.TOTAL, "99 999,99 €"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 28)
        compact_rows(self.table)
        self.detail = QTextBrowser()
        self.detail.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 380])
        splitter.setChildrenCollapsible(False)

        self.already_list = QListWidget()
        self.already_list.setMaximumHeight(90)
        self.already_box = QGroupBox()
        already_layout = QVBoxLayout(self.already_box)
        already_layout.addWidget(
            note_label(
                self.tr(
                    "Ces familles ont déjà une facture pour cette période : elles ne sont pas "
                    "facturées une seconde fois (une facture annulée par un avoir peut l'être)."
                )
            )
        )
        already_layout.addWidget(self.already_list)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addLayout(search_row)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.already_box)
        self.unpriced_label = note_label()
        layout.addWidget(self.unpriced_label)

        self.model.exclusions_changed.connect(self._on_model_exclusions_changed)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.include_all_button.clicked.connect(self._on_include_all_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    def set_preview(self, preview: RunPreview) -> None:
        self.preview = preview
        self.search_edit.clear()
        self.model.set_preview(preview)
        self.already_list.clear()
        self.already_list.addItems([f"{ref} — {name}" for ref, name in preview.already_invoiced])
        self.already_box.setTitle(
            self.tr("Déjà facturées pour cette période : {n}").format(
                n=count(len(preview.already_invoiced))
            )
        )
        self.already_box.setVisible(bool(preview.already_invoiced))
        self.unpriced_label.setText(unpriced_text(preview))
        self.unpriced_label.setVisible(bool(preview.unpriced))
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def row_of(self, reference: str) -> int:
        """The line shown for a family (after sorting and filtering), or -1."""
        source = self.model.row_of(reference)
        if source < 0:
            return -1
        return self.proxy.mapFromSource(self.model.index(source, 0)).row()

    def set_excluded(self, reference: str, excluded: bool) -> None:
        self.model.set_excluded(self.model.row_of(reference), excluded)

    def summary(self) -> str:
        if self.preview is None:
            return ""
        text = self.tr("{period} : {invoices} pour {total}").format(
            period=first_upper(self.preview.period.label),
            invoices=invoices_word(self.model.kept_count()),
            total=money(self.model.kept_total()),
        )
        excluded = self.model.excluded_count()
        if excluded:
            text += self.tr(" — {n} exclue(s) ({amount})").format(
                n=count(excluded), amount=money(self.preview.total_cents - self.model.kept_total())
            )
        return text

    # -- slots -----------------------------------------------------------------------------

    def _on_model_exclusions_changed(self) -> None:
        self.summary_label.setText(self.summary())
        self.include_all_button.setEnabled(self.model.excluded_count() > 0)

    def _on_search_edit_text_changed(self, text: str) -> None:
        self.proxy.set_text(text)
        if self.proxy.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _on_include_all_button_clicked(self) -> None:
        for row in range(self.model.rowCount()):
            self.model.set_excluded(row, False)

    def _on_table_selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.clear()
            return
        draft = self.model.draft_at(self.proxy.mapToSource(rows[0]).row())
        self.detail.setHtml(draft_html(draft))
