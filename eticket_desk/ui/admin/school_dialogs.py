"""The small dialogs that add a school (with its classes PS…CM2) or a class to a school."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.catalogue import organisation
from eticket_desk.services.catalogue.organisation import LEVELS, SchoolInfo
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext


class SchoolDialog(QDialog):
    """Name and address of a new school; one class per level is created with it."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Ajouter une école"))
        self.errors = FieldErrors()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("ex. École élémentaire Jules Ferry"))
        self.address_edit = QLineEdit()
        form = QFormLayout()
        form.addRow(self.tr("Nom de l'école :"), self.errors.wrap("name", self.name_edit))
        form.addRow(self.tr("Adresse :"), self.address_edit)
        self.buttons, self.save_button = save_cancel_buttons(self, self.tr("Ajouter"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            note_label(
                self.tr(
                    "Les classes {levels} sont créées avec l'école ; vous pourrez ensuite ajouter "
                    "les classes à plusieurs niveaux (ex. « CE1-CE2 B »)."
                ).format(levels=", ".join(LEVELS[:-1]) + " et " + LEVELS[-1])
            )
        )
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        self.save_button.setEnabled(False)
        self._ctx.write(
            organisation.add_school,
            self.name_edit.text(),
            self.address_edit.text(),
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _school: SchoolInfo) -> None:
        self.save_button.setEnabled(True)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self.errors.set("name", exc.message)
        else:
            messages.show_error(self, exc)


class ClassDialog(QDialog):
    """A class added to a school: its name as the school says it, and its level."""

    def __init__(
        self,
        ctx: AppContext,
        schools: list[SchoolInfo],
        school_id: uuid.UUID | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.setWindowTitle(self.tr("Ajouter une classe"))
        self.errors = FieldErrors()
        self.school_combo = QComboBox()
        for school in schools:
            self.school_combo.addItem(school.name, school.id)
        if school_id is not None:
            self.school_combo.setCurrentIndex(max(self.school_combo.findData(school_id), 0))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("ex. CE1-CE2 B"))
        self.level_combo = QComboBox()
        for level in LEVELS:
            self.level_combo.addItem(level, level)
        form = QFormLayout()
        form.addRow(self.tr("École :"), self.school_combo)
        form.addRow(self.tr("Nom de la classe :"), self.errors.wrap("name", self.name_edit))
        form.addRow(self.tr("Niveau :"), self.level_combo)
        self.buttons, self.save_button = save_cancel_buttons(self, self.tr("Ajouter"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        school_id = self.school_combo.currentData()
        name, level = self.name_edit.text(), self.level_combo.currentData()
        self.save_button.setEnabled(False)
        self._ctx.write(
            organisation.add_class,
            school_id,
            name,
            level,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, InvalidInput):
            self.errors.set("name", exc.message)
        else:
            messages.show_error(self, exc)
