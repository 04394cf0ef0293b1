"""Small helpers shared by the invoicing screens: French numbers and amounts, read-only
tables, and opening a folder in the system's file manager."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.numbers import format_decimal
from PySide6.QtCore import QSortFilterProxyModel, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from eticket_desk.rules.money import format_cents
from eticket_desk.rules.text import fold
from eticket_desk.ui.admin.forms import compact_rows

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@lru_cache(maxsize=8192)  # lists of thousands of invoices repeat the same amounts
def money(cents: int) -> str:
    """12562 -> '125,62 €' with ordinary spaces (what a person reads and a test compares)."""
    return plain(format_cents(cents))


def count(value: int) -> str:
    """5812 -> '5 812'."""
    if -1000 < value < 1000:
        return str(value)
    return plain(format_decimal(value, locale="fr_FR"))


def plain(text: str) -> str:
    """babel's narrow and non-breaking spaces as ordinary ones."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def invoices_word(value: int) -> str:
    return f"{count(value)} facture" + ("" if value == 1 else "s")


def first_names(child: str) -> str:
    """« Léa Marie DUPONT » -> « Léa Marie » (the family name is written in capitals)."""
    words = [w for w in child.split() if not (w.isupper() and len(w) > 1)]
    return " ".join(words) or child


def table_view(model, stretch: int) -> QTableView:
    """A read-only, sortable list of rows; column `stretch` takes the room left."""
    proxy = QSortFilterProxyModel(model.parent())
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    view = QTableView()
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    compact_rows(view)
    return view


def source_rows(view: QTableView) -> list[int]:
    """The model rows of the selected lines of a `table_view`, in the order shown."""
    proxy = view.model()
    rows = {proxy.mapToSource(index).row() for index in view.selectionModel().selectedRows()}
    return sorted(rows, key=lambda r: proxy.mapFromSource(proxy.sourceModel().index(r, 0)).row())


def matches(needle: str, *texts: str) -> bool:
    """Accent- and case-blind « contains », as the family search."""
    wanted = fold(needle.strip())
    return not wanted or any(wanted in fold(text) for text in texts)


def open_folder(path: Path) -> None:
    """Shows a folder in the system's file manager (tests replace this)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def unpriced_text(preview) -> str:
    """« Sans tarif, non facturé : Bus 16h30, Bus fin école. » ("" when every fare is priced)."""
    if not preview.unpriced:
        return ""
    return "Sans tarif de forfait, non facturé : " + ", ".join(preview.unpriced) + "."
