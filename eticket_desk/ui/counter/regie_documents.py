"""The régie's documents: cheques to hand to the trésorerie and their deposit slip, the
slips made before, and the till journals of past sessions, each printed again on demand."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.money import format_cents
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.counter.deposit_slips import (
    list_deposit_slips,
    make_deposit_slip,
    print_deposit_slip,
    undeposited_cheques,
)
from eticket_desk.services.counter.sale_cancellation import cancel_sale, open_till_receipts
from eticket_desk.services.counter.till_journal import list_till_sessions, print_till_journal
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import compact_rows, format_datetime, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import big_label
from eticket_desk.ui.messages import show_error

CHEQUE_HEADERS = ("Reçu le", "Quittance", "Famille", "N° de chèque", "Banque", "Tireur", "Montant")


def _table(headers: tuple[str, ...], stretch: int) -> QTableWidget:
    """A read-only list; the `stretch` column takes the room left, the others fit their text."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    compact_rows(table)
    return table


def _item(text: str, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class RegieDocumentsDialog(QDialog):
    """Three tabs: « Chèques à remettre », « Bordereaux », « Journaux de caisse »."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Documents de la régie"))
        self.resize(1100, 600)
        self.cheques = []
        self.tabs = QTabWidget()
        self.tabs.addTab(self._cheques_page(), self.tr("Chèques à remettre"))
        self.tabs.addTab(self._receipts_page(), self.tr("Quittances de la caisse"))
        self.slips_page = self._slips_page()
        self.tabs.addTab(self.slips_page, self.tr("Bordereaux"))
        self.tabs.addTab(self._journals_page(), self.tr("Journaux de caisse"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("Fermer"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.reload()

    # ------------------------------------------------------------ pages

    def _receipts_page(self) -> QWidget:
        page = QWidget()
        self.receipt_table = _table(
            ("Quittance", "Heure", "Famille", "Objet", "Montant", "État"), 2
        )
        self.cancel_button = QPushButton(self.tr("Annuler la quittance…"))
        self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        layout = QVBoxLayout(page)
        layout.addWidget(
            note_label(
                self.tr(
                    "Les quittances de la caisse ouverte. Une vente de tickets faite par erreur "
                    "s'annule ici tant que la caisse est ouverte et que les tickets n'ont pas "
                    "servi : l'argent est rendu, les tickets repris, la quittance garde son "
                    "numéro et figure « annulée » au journal."
                )
            )
        )
        layout.addWidget(self.receipt_table, 1)
        layout.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _cheques_page(self) -> QWidget:
        page = QWidget()
        self.cheque_table = _table(CHEQUE_HEADERS, stretch=2)
        self.cheque_table.itemChanged.connect(self._on_cheque_table_item_changed)
        self.selection_label = big_label(factor=1.3)
        self.make_button = QPushButton(self.tr("Établir le &bordereau…"))
        self.make_button.clicked.connect(self._on_make_button_clicked)
        row = QHBoxLayout()
        row.addWidget(self.selection_label, 1)
        row.addWidget(self.make_button)
        layout = QVBoxLayout(page)
        layout.addWidget(
            note_label(
                self.tr(
                    "Les chèques reçus et pas encore remis au Trésor Public. Décochez ceux qui "
                    "restent au coffre ; chaque chèque ne figure que sur un seul bordereau."
                )
            )
        )
        layout.addWidget(self.cheque_table, 1)
        layout.addLayout(row)
        return page

    def _slips_page(self) -> QWidget:
        page = QWidget()
        self.slip_table = _table(("Numéro", "Établi le", "Par", "Chèques", "Montant"), stretch=2)
        self.slip_table.doubleClicked.connect(self._on_slip_print_button_clicked)
        self.slip_print_button = QPushButton(self.tr("Imprimer le bordereau…"))
        self.slip_print_button.clicked.connect(self._on_slip_print_button_clicked)
        layout = QVBoxLayout(page)
        layout.addWidget(self.slip_table, 1)
        layout.addWidget(self.slip_print_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _journals_page(self) -> QWidget:
        page = QWidget()
        self.till_table = _table(
            ("Ouverte le", "Par", "Clôturée le", "Quittances", "Encaissé"), stretch=1
        )
        self.till_table.doubleClicked.connect(self._on_journal_print_button_clicked)
        self.journal_print_button = QPushButton(self.tr("Imprimer le journal…"))
        self.journal_print_button.clicked.connect(self._on_journal_print_button_clicked)
        layout = QVBoxLayout(page)
        layout.addWidget(self.till_table, 1)
        layout.addWidget(self.journal_print_button, 0, Qt.AlignmentFlag.AlignRight)
        return page

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        ctx = self.ctx
        ctx.runner.submit(
            lambda: (
                undeposited_cheques(ctx.store, ctx.actor),
                list_deposit_slips(ctx.store, ctx.actor),
                list_till_sessions(ctx.store, ctx.actor),
                open_till_receipts(ctx.store, ctx.actor),
            ),
            self._show,
            lambda exc: show_error(self, exc),
        )

    def _show(self, result) -> None:
        self.cheques, slips, tills, self.receipts = result
        self._show_receipts()
        table = self.cheque_table
        table.blockSignals(True)
        table.setRowCount(len(self.cheques))
        for row, c in enumerate(self.cheques):
            first = _item(format_datetime(c.received_at))
            first.setFlags(first.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            first.setCheckState(Qt.CheckState.Checked)
            table.setItem(row, 0, first)
            values = (c.receipt_number, f"{c.family_reference} {c.family_name}".strip())
            values += (c.number, c.bank, c.drawer)
            for column, text in enumerate(values, start=1):
                table.setItem(row, column, _item(text))
            table.setItem(row, 6, _item(format_cents(c.amount_cents), right=True))
        table.blockSignals(False)
        self._on_cheque_table_item_changed()
        self.slips = slips
        self.slip_table.setRowCount(len(slips))
        for row, s in enumerate(slips):
            values = (s.number, format_datetime(s.made_at), s.by, str(s.cheques))
            for column, text in enumerate(values):
                self.slip_table.setItem(row, column, _item(text, right=column == 3))
            self.slip_table.setItem(row, 4, _item(format_cents(s.total_cents), right=True))
        self.slip_print_button.setEnabled(bool(slips))
        self.tills = tills
        self.till_table.setRowCount(len(tills))
        for row, t in enumerate(tills):
            closed = format_datetime(t.closed_at) if t.closed_at else self.tr("ouverte")
            values = (format_datetime(t.opened_at), t.opened_by, closed, str(t.receipts))
            for column, text in enumerate(values):
                self.till_table.setItem(row, column, _item(text, right=column == 3))
            self.till_table.setItem(row, 4, _item(format_cents(t.total_cents), right=True))
        self.journal_print_button.setEnabled(bool(tills))

    def _show_receipts(self) -> None:
        table = self.receipt_table
        table.setRowCount(len(self.receipts))
        for row, r in enumerate(self.receipts):
            what = self.tr("Tickets") if r.kind == "tickets" else self.tr("Factures")
            state = self.tr("annulée") if r.cancelled else ""
            values = (r.number, f"{r.at:%H:%M}", r.family, what)
            for column, text in enumerate(values):
                table.setItem(row, column, _item(text))
            table.setItem(row, 4, _item(format_cents(r.total_cents), right=True))
            table.setItem(row, 5, _item(state))
        self.cancel_button.setEnabled(bool(self.receipts))

    def chosen_cheques(self) -> list:
        table = self.cheque_table
        return [
            c
            for row, c in enumerate(self.cheques)
            if table.item(row, 0).checkState() == Qt.CheckState.Checked
        ]

    def _on_cheque_table_item_changed(self, _item=None) -> None:
        chosen = self.chosen_cheques()
        total = sum(c.amount_cents for c in chosen)
        if not self.cheques:
            text = self.tr("Aucun chèque à remettre.")
        else:
            text = self.tr("%d chèque(s) coché(s) sur %d — %s") % (
                len(chosen),
                len(self.cheques),
                format_cents(total),
            )
        self.selection_label.setText(text)
        self.make_button.setEnabled(bool(chosen))

    # ------------------------------------------------------------ actions

    def _on_make_button_clicked(self) -> None:
        chosen = self.chosen_cheques()
        if not chosen:
            return
        question = self.tr("Établir un bordereau de %d chèque(s) pour %s ?") % (
            len(chosen),
            format_cents(sum(c.amount_cents for c in chosen)),
        )
        if not messages.ask_yes_no(self, self.tr("Remise de chèques"), question):
            return
        ctx = self.ctx
        ids = [c.payment_id for c in chosen]

        def printed(slip):
            out = document_path(ctx.store, "deposit_slip", slip.made_at.year, f"{slip.number}.pdf")
            return slip, print_deposit_slip(ctx.store, ctx.actor, slip.id, out)

        self.make_button.setEnabled(False)
        ctx.write(
            make_deposit_slip,
            ids,
            then=printed,
            on_done=self._on_slip_made,
            on_error=self._on_failed,
        )

    def _on_slip_made(self, result) -> None:
        slip, path = result
        self.reload()
        self.tabs.setCurrentWidget(self.slips_page)
        pdf_preview.preview(path, self.tr("Bordereau %s") % slip.number, self)

    def _on_slip_print_button_clicked(self, _index=None) -> None:
        row = self.slip_table.currentRow()
        if not 0 <= row < len(self.slips):
            return
        slip, ctx = self.slips[row], self.ctx
        out = document_path(ctx.store, "deposit_slip", slip.made_at.year, f"{slip.number}.pdf")
        ctx.runner.submit(
            lambda: print_deposit_slip(ctx.store, ctx.actor, slip.id, out),
            lambda path: pdf_preview.preview(path, self.tr("Bordereau %s") % slip.number, self),
            self._on_failed,
        )

    def _on_journal_print_button_clicked(self, _index=None) -> None:
        row = self.till_table.currentRow()
        if not 0 <= row < len(self.tills):
            return
        till, ctx = self.tills[row], self.ctx
        name = f"journal-{till.opened_at:%Y-%m-%d-%H%M}.pdf"
        out = document_path(ctx.store, "journal", till.opened_at.year, name)
        ctx.runner.submit(
            lambda: print_till_journal(ctx.store, ctx.actor, till.id, out),
            lambda path: pdf_preview.preview(path, self.tr("Journal de caisse"), self),
            self._on_failed,
        )

    def _on_cancel_button_clicked(self) -> None:
        row = self.receipt_table.currentRow()
        if not 0 <= row < len(self.receipts):
            return
        receipt, ctx = self.receipts[row], self.ctx
        reason = messages.ask_text(
            self,
            self.tr("Annuler la quittance %s") % receipt.number,
            self.tr("Motif de l'annulation (%s, %s) :")
            % (receipt.family, format_cents(receipt.total_cents)),
        )
        if not reason:
            return
        ctx.write(
            cancel_sale,
            receipt.sale_id,
            reason,
            on_done=self._on_sale_cancelled,
            on_error=self._on_failed,
        )

    def _on_sale_cancelled(self, sentence: str) -> None:
        self.reload()
        messages.show_info(self, self.tr("Quittance annulée"), sentence)

    def _on_failed(self, exc: Exception) -> None:
        self._on_cheque_table_item_changed()
        show_error(self, exc)
