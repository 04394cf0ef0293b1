"""The form of one child: identity, school and class, diet, health data and authorisations."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from eticket_desk.services.catalogue.organisation import SchoolInfo
from eticket_desk.services.core.fields import InvalidInput, check_child_birth_date
from eticket_desk.services.families.data import DIETS, ChildData
from eticket_desk.ui.family_editor.checks import Entry
from eticket_desk.ui.family_editor.signals import emit
from eticket_desk.ui.family_editor.widgets import (
    NOTE_STYLE,
    CheckedLineEdit,
    DateField,
    FieldWithError,
)


def _key(value: uuid.UUID | None) -> str | None:
    """Combo item data: Qt compares strings reliably, not Python objects."""
    return str(value) if value is not None else None


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


class ChildForm(QWidget):
    """Edits one ChildData in place; health fields are hidden for roles without the right."""

    edited = Signal(str)  # field name
    errors_changed = Signal()

    def __init__(self, today: Callable[[], date], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._today = today
        self._entry: Entry | None = None
        self._loading = False
        self._schools: list[SchoolInfo] = []
        self.health_visible = True

        self.last_name = CheckedLineEdit()
        self.first_name = CheckedLineEdit()
        self.birth_date = DateField(self._default_birth_date)
        self.school = QComboBox()
        self.school_class = QComboBox()
        self.class_field = FieldWithError(self.school_class)
        self.diet = QComboBox()
        for key, label in DIETS.items():
            self.diet.addItem(label, key)
        self.diet_field = FieldWithError(self.diet)
        for combo in (self.school, self.school_class, self.diet):
            # long school names must not widen the form past the window: the school has a
            # line of its own across the form, and its popup is as wide as the names
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)

        identity = QGroupBox(self.tr("Enfant"))
        form = QFormLayout(identity)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(self.tr("Nom *"), self.last_name)
        form.addRow(self.tr("Prénom *"), self.first_name)
        form.addRow(self.tr("Date de naissance"), self.birth_date)
        form.addRow(self.tr("Régime"), self.diet_field)

        schooling = QGroupBox(self.tr("Scolarité"))
        school_form = QFormLayout(schooling)
        school_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        school_form.addRow(self.tr("École"), self.school)
        school_form.addRow(self.tr("Classe"), self.class_field)

        self.allergies = QLineEdit()
        self.allergies.setPlaceholderText(self.tr("ex. arachide, lactose"))
        self.pai = QCheckBox(self.tr("PAI"))
        self.pai.setToolTip(self.tr("Projet d'accueil individualisé"))
        self.treatments = QPlainTextEdit()
        self.treatments.setTabChangesFocus(True)
        self.treatments.setFixedHeight(70)
        self.health = QGroupBox(self.tr("Santé"))
        health_form = QFormLayout(self.health)
        health_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        health_form.addRow(self.tr("Allergies"), self.allergies)
        health_form.addRow("", self.pai)
        health_form.addRow(self.tr("Traitements\nmédicaux"), self.treatments)
        self.health_note = QLabel(self.tr("Données de santé réservées aux profils habilités"))
        self.health_note.setStyleSheet(NOTE_STYLE)
        self.health_note.setWordWrap(True)
        health_form.addRow(self.health_note)

        authorisations = QGroupBox(self.tr("Autorisations"))
        auth_layout = QHBoxLayout(authorisations)
        self.image_authorised = QCheckBox(self.tr("Autorisation droit à l'image"))
        self.outing_authorised = QCheckBox(self.tr("Autorisation de sortie"))
        auth_layout.addWidget(self.image_authorised)
        auth_layout.addWidget(self.outing_authorised)
        auth_layout.addStretch(1)

        grid = QGridLayout(self)
        grid.addWidget(identity, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.health, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(schooling, 1, 0, 1, 2)
        grid.addWidget(authorisations, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(3, 1)
        chain = [
            self.last_name.line_edit,
            self.first_name.line_edit,
            self.birth_date.known,
            self.birth_date.date_edit,
            self.diet,
            self.allergies,
            self.pai,
            self.treatments,
            self.school,
            self.school_class,
            self.image_authorised,
            self.outing_authorised,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

        self.last_name.edited.connect(lambda text: self._set("last_name", text))
        self.first_name.edited.connect(lambda text: self._set("first_name", text))
        self.last_name.checked.connect(lambda m: self._on_field_checked("last_name", m))
        self.first_name.checked.connect(lambda m: self._on_field_checked("first_name", m))
        self.birth_date.edited.connect(lambda value: self._set("birth_date", value))
        self.birth_date.editing_finished.connect(self._on_birth_date_editing_finished)
        self.school.currentIndexChanged.connect(self._on_school_current_index_changed)
        self.school_class.currentIndexChanged.connect(self._on_school_class_current_index_changed)
        self.diet.currentIndexChanged.connect(
            lambda _i: self._set("diet", self.diet.currentData() or "")
        )
        self.allergies.textEdited.connect(lambda text: self._set("allergies", text))
        self.pai.toggled.connect(lambda checked: self._set("pai", checked))
        self.treatments.textChanged.connect(
            lambda: self._set("treatments", self.treatments.toPlainText())
        )
        self.image_authorised.toggled.connect(lambda c: self._set("image_authorised", c))
        self.outing_authorised.toggled.connect(lambda c: self._set("outing_authorised", c))

    def _default_birth_date(self) -> date:
        today = self._today()
        return today.replace(year=today.year - 6, month=1, day=1)

    # ------------------------------------------------------------ setup

    def set_schools(self, schools: list[SchoolInfo]) -> None:
        self._schools = schools
        self._loading = True
        self.school.clear()
        self.school.addItem(self.tr("(non renseignée)"), None)
        for school in schools:
            self.school.addItem(school.name, str(school.id))
        self._loading = False

    def set_health_visible(self, visible: bool) -> None:
        self.health_visible = visible
        for widget in (self.allergies, self.pai, self.treatments):
            widget.setVisible(visible)
            label = self.health.layout().labelForField(widget)
            if label is not None:
                label.setVisible(visible)
        self.health_note.setVisible(not visible)

    def _fill_classes(self, school_id: uuid.UUID | None) -> None:
        self.school_class.clear()
        self.school_class.addItem(self.tr("(non renseignée)"), None)
        school = next((s for s in self._schools if s.id == school_id), None)
        for school_class in school.classes if school else ():
            self.school_class.addItem(school_class.name, str(school_class.id))

    # ------------------------------------------------------------ PersonForm

    def load(self, entry: Entry | None) -> None:
        self._entry = entry
        child = entry.data if entry is not None else ChildData()
        self._loading = True
        try:
            self.last_name.set_text(child.last_name)
            self.first_name.set_text(child.first_name)
            self.birth_date.set_value(child.birth_date)
            self.school.setCurrentIndex(max(0, self.school.findData(_key(child.school_id))))
            self._fill_classes(child.school_id)
            self.school_class.setCurrentIndex(
                max(0, self.school_class.findData(_key(child.class_id)))
            )
            self.diet.setCurrentIndex(max(0, self.diet.findData(child.diet)))
            self.allergies.setText(child.allergies or "")
            self.allergies.setCursorPosition(0)
            self.pai.setChecked(bool(child.pai))
            self.treatments.setPlainText(child.treatments or "")
            self.image_authorised.setChecked(child.image_authorised)
            self.outing_authorised.setChecked(child.outing_authorised)
        finally:
            self._loading = False
        self.show_errors()

    def show_errors(self) -> None:
        errors = self._entry.errors if self._entry is not None else {}
        self.last_name.set_error(errors.get("last_name", ""))
        self.first_name.set_error(errors.get("first_name", ""))
        self.birth_date.set_error(errors.get("birth_date", ""))
        self.class_field.set_error(errors.get("class_id", "") or errors.get("school_id", ""))
        self.diet_field.set_error(errors.get("diet", ""))

    def focus_field(self, name: str) -> None:
        widget = {
            "first_name": self.first_name.line_edit,
            "birth_date": self.birth_date.known,
            "school_id": self.school,
            "class_id": self.school_class,
            "diet": self.diet,
        }.get(name, self.last_name.line_edit)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(widget, QLineEdit):
            widget.selectAll()

    def set_read_only(self, read_only: bool) -> None:
        self.last_name.set_read_only(read_only)
        self.first_name.set_read_only(read_only)
        self.birth_date.set_read_only(read_only)
        for widget in (
            self.school,
            self.school_class,
            self.diet,
            self.pai,
            self.image_authorised,
            self.outing_authorised,
        ):
            widget.setEnabled(not read_only)
        self.allergies.setReadOnly(read_only)
        self.treatments.setReadOnly(read_only)

    def run_checks(self) -> None:
        if self.birth_date.date_edit.hasFocus():
            self._on_birth_date_editing_finished()

    # ------------------------------------------------------------ slots

    def _set(self, name: str, value: object) -> None:
        if self._loading or self._entry is None:
            return
        if name in ("allergies", "pai", "treatments") and not self.health_visible:
            return  # hidden from this role: sent back as None, the stored value is kept
        setattr(self._entry.data, name, value)
        emit(self.edited, name)

    def _on_field_checked(self, name: str, message: str) -> None:
        if self._loading or self._entry is None:
            return
        if message:
            self._entry.errors[name] = message
        elif self._entry.errors.pop(name, None) is None:
            return
        emit(self.errors_changed)

    def _on_birth_date_editing_finished(self) -> None:
        if self._loading or self._entry is None:
            return
        try:
            check_child_birth_date(self.birth_date.value(), self._today())
        except InvalidInput as exc:
            message = exc.message
        else:
            message = ""
        self.birth_date.set_error(message)
        self._on_field_checked("birth_date", message)

    def _on_school_current_index_changed(self, _index: int) -> None:
        if self._loading or self._entry is None:
            return
        school_id = _uuid(self.school.currentData())
        self._loading = True
        self._fill_classes(school_id)
        self._loading = False
        self._entry.data.class_id = None
        self._entry.errors.pop("class_id", None)
        self.class_field.set_error("")
        self._set("school_id", school_id)

    def _on_school_class_current_index_changed(self, _index: int) -> None:
        if self._loading or self._entry is None:
            return
        if self._entry.errors.pop("class_id", None):
            self.class_field.set_error("")
            emit(self.errors_changed)
        self._set("class_id", _uuid(self.school_class.currentData()))
