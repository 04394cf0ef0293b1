"""The dialog that creates, edits or (read-only) shows one activity, every field of its spec."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import BILLING_LABELS, LEVELS, ActivitySpec, BillingMode
from eticket_desk.rules.calendar import WEEKDAY_SHORT, CalendarSet
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services.catalogue import activities
from eticket_desk.services.catalogue.organisation import SchoolInfo
from eticket_desk.ui import messages
from eticket_desk.ui.activities.caf_box import CafBox
from eticket_desk.ui.activities.deadline_editor import DeadlineEditor
from eticket_desk.ui.activities.school_list import MAX_PLACES, SchoolCapacityList
from eticket_desk.ui.admin.forms import FieldErrors, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext

DEFAULT_COLOUR = "#2563eb"


def _row(*widgets: QWidget) -> QWidget:
    """Widgets side by side, packed to the left."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    layout.addStretch(1)
    return box


class ActivityDialog(QDialog):
    """New activity when `spec` is None; otherwise edits it, or only shows it (`editable`)."""

    activity_saved = Signal(object)  # ActivitySpec

    def __init__(
        self,
        ctx: AppContext,
        spec: ActivitySpec | None = None,
        *,
        schools: list[SchoolInfo],
        calendar: CalendarSet,
        editable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._spec = spec
        self._editable = editable
        self._calendar = calendar  # read by the screen on the task runner, as the schools
        self._colour = DEFAULT_COLOUR
        self.errors = FieldErrors()
        if spec is None:
            self.setWindowTitle(self.tr("Nouvelle activité"))
        else:
            self.setWindowTitle(self.tr("Activité {name}").format(name=spec.name))

        # -- identity
        self.code_edit = QLineEdit()
        self.code_edit.setMaxLength(20)
        self.code_edit.setPlaceholderText(self.tr("ex. GARDERIE_SOIR"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("ex. Garderie du soir"))
        self.colour_button = QPushButton()
        self.active_check = QCheckBox(self.tr("Active (proposée à la réservation)"))
        self.active_check.setChecked(True)
        identity = QFormLayout()
        identity.addRow(self.tr("Code :"), self.errors.wrap("code", self.code_edit))
        identity.addRow(self.tr("Nom :"), self.errors.wrap("name", self.name_edit))
        identity.addRow(self.tr("Couleur :"), self.errors.wrap("colour", _row(self.colour_button)))
        identity.addRow("", self.active_check)

        # -- when and for whom
        self.weekday_checks = [QCheckBox(name) for name in WEEKDAY_SHORT]
        self.school_list = SchoolCapacityList(schools)
        self.level_checks = {level: QCheckBox(level) for level in LEVELS}
        whom_box = QGroupBox(self.tr("Jours et public"))
        whom = QFormLayout(whom_box)
        whom.addRow(self.tr("Jours :"), self.errors.wrap("weekdays", _row(*self.weekday_checks)))
        whom.addRow(self.tr("Écoles :"), self.errors.wrap("school_capacities", self.school_list))
        whom.addRow("", note_label(self.tr("Aucune école cochée : toutes les écoles.")))
        whom.addRow(
            self.tr("Niveaux :"), self.errors.wrap("levels", _row(*self.level_checks.values()))
        )
        whom.addRow("", note_label(self.tr("Aucun niveau coché : tous les niveaux.")))

        # -- seats
        self.unlimited_check = QCheckBox(self.tr("illimitée"))
        self.capacity_spin = QSpinBox()
        self.capacity_spin.setRange(1, MAX_PLACES)
        self.capacity_spin.setValue(30)
        self.capacity_spin.setSuffix(self.tr(" places"))
        seats_box = QGroupBox(self.tr("Capacité"))
        seats = QFormLayout(seats_box)
        seats.addRow(
            self.tr("Places par jour :"),
            self.errors.wrap("capacity", _row(self.unlimited_check, self.capacity_spin)),
        )
        seats.addRow(
            "",
            note_label(
                self.tr(
                    "Toutes écoles confondues ; une école peut avoir en plus sa propre limite. "
                    "Complet, une réservation passe en liste d'attente."
                )
            ),
        )

        # -- deadline
        self.deadline_editor = DeadlineEditor()
        deadline_box = QGroupBox(self.tr("Délai de réservation et d'annulation"))
        QVBoxLayout(deadline_box).addWidget(self.deadline_editor)

        # -- billing
        self.billing_combo = QComboBox()
        for mode, label in BILLING_LABELS.items():
            self.billing_combo.addItem(label, mode.value)
        self.ticket_edit = QLineEdit()
        self.ticket_edit.setMaxLength(30)
        self.ticket_edit.setPlaceholderText(self.tr("ex. REPAS"))
        billing_box = QGroupBox(self.tr("Facturation"))
        self._billing_form = QFormLayout(billing_box)
        self._billing_form.addRow(self.tr("Mode :"), self.billing_combo)
        self._ticket_row = self.errors.wrap("ticket_type", self.ticket_edit)
        self._billing_form.addRow(self.tr("Type de ticket :"), self._ticket_row)
        self.product_code_edit = QLineEdit()
        self.product_code_edit.setMaxLength(4)
        self.product_code_edit.setPlaceholderText(self.tr("ex. CANT"))
        self.nature_edit = QLineEdit()
        self.nature_edit.setMaxLength(10)
        self.nature_edit.setPlaceholderText(self.tr("ex. 7067"))
        self._billing_form.addRow(
            self.tr("Code produit (PES) :"),
            self.errors.wrap("product_code", _row(self.product_code_edit)),
        )
        self._billing_form.addRow(
            self.tr("Imputation (nature) :"),
            self.errors.wrap("accounting_nature", _row(self.nature_edit)),
        )
        self._billing_form.addRow(
            "",
            note_label(
                self.tr(
                    "Pour les titres de recettes (export PES V2) : donnés par la trésorerie "
                    "ou le logiciel de finances."
                )
            ),
        )
        self.care_share_spin = QSpinBox()
        self.care_share_spin.setRange(0, 100)
        self.care_share_spin.setSuffix(" %")
        self.care_share_spin.setAccessibleName(
            self.tr("Part éligible au crédit d’impôt (garde), en pourcentage du prix")
        )
        self._billing_form.addRow(
            self.tr("Part garde :"),
            self.errors.wrap(
                "care_share_bp",
                _row(self.care_share_spin, QLabel(self.tr("éligible au crédit d’impôt"))),
            ),
        )
        self.care_share_spin.setToolTip(
            self.tr(
                "Attestation de frais de garde (enfants de moins de 6 ans) : 100 % pour une "
                "garderie, 0 % pour un repas ; pour la cantine, la part encadrement."
            )
        )

        self.caf_box = CafBox(self.errors)  # « Heures CAF / MSA »

        self.fields = QWidget()
        left = QVBoxLayout()
        left.addLayout(identity)
        left.addWidget(whom_box)
        left.addWidget(self.caf_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(seats_box)
        right.addWidget(deadline_box)
        right.addWidget(billing_box)
        right.addStretch(1)
        columns = QHBoxLayout(self.fields)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

        self.buttons, self.save_button = save_cancel_buttons(self, self.tr("Enregistrer"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.buttons)

        self.code_edit.textEdited.connect(self._on_code_edit_edited)
        self.colour_button.clicked.connect(self._on_colour_button_clicked)
        self.unlimited_check.toggled.connect(self._on_unlimited_check_toggled)
        self.billing_combo.currentIndexChanged.connect(self._on_billing_combo_changed)
        self.deadline_editor.rule_changed.connect(self._on_deadline_editor_rule_changed)
        for check in self.weekday_checks:
            check.toggled.connect(self._on_deadline_editor_rule_changed)
        self._fill(spec)
        if not editable:
            self._make_read_only()
        # An explicit minimum replaces the layout's own: keep the larger, so a long school
        # name is never squeezed under its capacity field.
        self.setMinimumWidth(max(980, self.layout().minimumSize().width()))
        # The wrapped notes of the billing box need their two lines (care share row added).
        self.setMinimumHeight(max(570, self.layout().minimumSize().height()))

    # -- filling -----------------------------------------------------------------------------

    def _fill(self, spec: ActivitySpec | None) -> None:
        if spec is None:
            spec = ActivitySpec(
                code="",
                name="",
                weekdays=(0, 1, 3, 4),
                deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY),
                billing_mode=BillingMode.UNIT,
            )
        self.code_edit.setText(spec.code)
        self.name_edit.setText(spec.name)
        self.set_colour(spec.colour)
        self.active_check.setChecked(spec.active)
        for number, check in enumerate(self.weekday_checks):
            check.setChecked(number in spec.weekdays)
        self.school_list.set_capacities(spec.school_capacities)
        for level, check in self.level_checks.items():
            check.setChecked(level in spec.levels)
        self.unlimited_check.setChecked(spec.capacity is None)
        if spec.capacity is not None:
            self.capacity_spin.setValue(spec.capacity)
        self._on_unlimited_check_toggled(spec.capacity is None)
        self.deadline_editor.set_rule(spec.deadline)
        self.billing_combo.setCurrentIndex(self.billing_combo.findData(spec.billing_mode.value))
        self.ticket_edit.setText(spec.ticket_type)
        self.product_code_edit.setText(spec.product_code)
        self.nature_edit.setText(spec.accounting_nature)
        self.caf_box.set_spec(spec)
        self.care_share_spin.setValue(spec.care_share_bp // 100)
        self._on_billing_combo_changed()
        self._on_deadline_editor_rule_changed()

    def _make_read_only(self) -> None:
        for editor in (
            self.code_edit,
            self.name_edit,
            self.ticket_edit,
            self.product_code_edit,
            self.nature_edit,
        ):
            editor.setReadOnly(True)
        for widget in (
            self.colour_button,
            self.active_check,
            self.school_list,
            self.unlimited_check,
            self.capacity_spin,
            self.care_share_spin,
            self.deadline_editor.kind_combo,
            self.deadline_editor.weekday_combo,
            self.deadline_editor.time_edit,
            self.billing_combo,
            *self.weekday_checks,
            *self.level_checks.values(),
        ):
            widget.setEnabled(False)
        self.caf_box.set_read_only()
        self.save_button.hide()
        cancel = self.buttons.findChild(QPushButton, "cancel_button")
        if cancel is not None:
            cancel.setText(self.tr("Fermer"))
        self.setWindowTitle(self.tr("Activité {name} (consultation)").format(name=self.name()))

    def name(self) -> str:
        return self.name_edit.text().strip()

    def is_editable(self) -> bool:
        return self._editable

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str) -> None:
        self._colour = colour
        pixmap = QPixmap(28, 16)
        pixmap.fill(QColor(colour))
        self.colour_button.setIcon(QIcon(pixmap))
        self.colour_button.setIconSize(pixmap.size())
        self.colour_button.setText(self.tr("{colour} — changer…").format(colour=colour.lower()))

    def current_spec(self) -> ActivitySpec:
        """What the form holds, as the rules see it (not checked yet)."""
        mode = BillingMode(self.billing_combo.currentData())
        base = self._spec or ActivitySpec(
            code="", name="", weekdays=(), deadline=self.deadline_editor.rule(), billing_mode=mode
        )
        return replace(
            base,
            code=self.code_edit.text().strip().upper(),
            name=self.name_edit.text(),
            weekdays=tuple(n for n, c in enumerate(self.weekday_checks) if c.isChecked()),
            deadline=self.deadline_editor.rule(),
            billing_mode=mode,
            capacity=None if self.unlimited_check.isChecked() else self.capacity_spin.value(),
            school_capacities=self.school_list.capacities(),
            levels=tuple(level for level, c in self.level_checks.items() if c.isChecked()),
            ticket_type=self.ticket_edit.text() if mode == BillingMode.PREPAID else "",
            colour=self._colour,
            active=self.active_check.isChecked(),
            product_code=self.product_code_edit.text().strip().upper(),
            accounting_nature=self.nature_edit.text().strip(),
            **self.caf_box.values(),
            care_share_bp=self.care_share_spin.value() * 100,
        )

    # -- slots -------------------------------------------------------------------------------

    def _on_code_edit_edited(self, text: str) -> None:
        if text != text.upper():
            cursor = self.code_edit.cursorPosition()
            self.code_edit.setText(text.upper())
            self.code_edit.setCursorPosition(cursor)

    def _on_colour_button_clicked(self) -> None:
        chooser = QColorDialog(QColor(self._colour), self)
        chooser.setWindowTitle(self.tr("Couleur de l'activité"))
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.colorSelected.connect(self._on_chooser_color_selected)
        chooser.open()

    def _on_chooser_color_selected(self, colour: QColor) -> None:
        if colour.isValid():
            self.set_colour(colour.name())

    def _on_unlimited_check_toggled(self, checked: bool) -> None:
        self.capacity_spin.setEnabled(not checked and self._editable)

    def _on_billing_combo_changed(self, _index: int = 0) -> None:
        prepaid = BillingMode(self.billing_combo.currentData()) == BillingMode.PREPAID
        self._billing_form.setRowVisible(self._ticket_row, prepaid)
        if not prepaid:
            self.errors.set("ticket_type", "")

    def _on_deadline_editor_rule_changed(self, *_args: object) -> None:
        self.deadline_editor.explain(
            self.current_spec(), self._calendar, self._ctx.store.clock.now()
        )

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        spec = self.current_spec()
        self.save_button.setEnabled(False)
        self._ctx.write(
            activities.save_activity,
            spec,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, saved: ActivitySpec) -> None:
        self.save_button.setEnabled(True)
        self._spec = saved
        self.activity_saved.emit(saved)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            unplaced = self.errors.show(exc.errors)
            if unplaced:
                messages.show_error(self, ValidationFailed(unplaced))
            return
        messages.show_error(self, exc)
