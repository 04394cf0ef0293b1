"""The "Écoles et classes" settings tab: the schools of the town and their classes."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.organisation import LEVELS, ClassInfo, SchoolInfo
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui.admin.forms import note_label
from eticket_desk.ui.admin.school_dialogs import ClassDialog, SchoolDialog
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import show_error

ID_ROLE = Qt.ItemDataRole.UserRole


def class_order(school_class: ClassInfo) -> tuple[int, str]:
    """By level (PS first, CM2 last), then by name: « PS », « PS-MS A », « MS »…"""
    level = LEVELS.index(school_class.level) if school_class.level in LEVELS else len(LEVELS)
    return level, school_class.name


class SchoolsPage(QWidget):
    """A tree: each school, its address, and its classes with their level."""

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._schools: list[SchoolInfo] = []

        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(
            [self.tr("École / classe"), self.tr("Niveau"), self.tr("Adresse")]
        )
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.add_school_button = QPushButton(self.tr("Ajouter une école…"))
        self.add_class_button = QPushButton(self.tr("Ajouter une classe…"))
        self.add_school_button.clicked.connect(self._on_add_school_button_clicked)
        self.add_class_button.clicked.connect(self._on_add_class_button_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_school_button)
        buttons.addWidget(self.add_class_button)
        buttons.addStretch(1)
        for button in (self.add_school_button, self.add_class_button):
            button.setVisible(editable)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree, 1)
        layout.addWidget(
            note_label(
                self.tr(
                    "Chaque enfant est inscrit dans une école et une classe : les listes de présence "
                    "et les effectifs de la cantine sont établis par école."
                )
            )
        )
        ctx.bus.changed.connect(self._on_bus_changed)
        self.loaded = False  # the schools come from the task runner
        self.load()

    def load(self) -> None:
        """Reads the schools on the task runner; adding a class waits for them."""
        store = self._ctx.store
        self.add_class_button.setEnabled(False)
        self._ctx.runner.submit(
            lambda: organisation.list_schools(store), self._on_loaded, self._on_load_failed
        )

    def _on_loaded(self, schools: list[SchoolInfo]) -> None:
        selected = self.selected_school_id()
        self._schools = schools
        self.add_class_button.setEnabled(True)
        self.loaded = True
        self.tree.clear()
        for school in self._schools:
            item = QTreeWidgetItem([school.name, "", school.address])
            item.setData(0, ID_ROLE, school.id)
            font = item.font(0)
            font.setBold(True)
            item.setFont(0, font)
            for school_class in sorted(school.classes, key=class_order):
                child = QTreeWidgetItem([school_class.name, school_class.level, ""])
                child.setData(0, ID_ROLE, school.id)
                item.addChild(child)
            self.tree.addTopLevelItem(item)
            item.setExpanded(True)
            if school.id == selected:
                self.tree.setCurrentItem(item)

    def _on_load_failed(self, exc: Exception) -> None:
        show_error(self, exc, self.tr("Lecture des écoles impossible"))

    def schools(self) -> list[SchoolInfo]:
        return list(self._schools)

    def school_item(self, name: str) -> QTreeWidgetItem | None:
        items = self.tree.findItems(name, Qt.MatchFlag.MatchExactly, 0)
        return next((i for i in items if i.parent() is None), None)

    def selected_school_id(self) -> uuid.UUID | None:
        item = self.tree.currentItem()
        return item.data(0, ID_ROLE) if item is not None else None

    def open_school_dialog(self) -> SchoolDialog:
        dialog = SchoolDialog(self._ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_class_dialog(self) -> ClassDialog:
        dialog = ClassDialog(self._ctx, self._schools, self.selected_school_id(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.SCHOOLS in topics:
            self.load()

    def _on_add_school_button_clicked(self) -> None:
        self.open_school_dialog()

    def _on_add_class_button_clicked(self) -> None:
        self.open_class_dialog()
