"""Second page of the import wizard: which column feeds which field, and a preview."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from eticket_desk.services import importing
from eticket_desk.services.importing import TARGETS, ImportMapping, ImportPreview
from eticket_desk.ui.admin.forms import error_label, note_label
from eticket_desk.ui.import_wizard.tables import fit_columns, item, make_table
from eticket_desk.ui.messages import error_text

if TYPE_CHECKING:
    from eticket_desk.ui.import_wizard.wizard import ImportWizard

PREVIEW_ROWS = 10


class MappingPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._filling = False
        self.setTitle(self.tr("Les colonnes"))
        self.setSubTitle(
            self.tr(
                "Chaque champ est lu dans la colonne choisie, proposée d'après les titres du "
                "fichier. À droite, les premières lignes telles qu'elles seront lues."
            )
        )
        self.field_combos: dict[str, QComboBox] = {}
        self.activity_combos: dict[str, QComboBox] = {}
        self.unknown_checks: dict[int, QCheckBox] = {}

        self._fields = QWidget()
        self._form = QFormLayout(self._fields)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._fields)
        scroll.setMinimumWidth(400)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.preview_table = make_table([])
        self.preview_table.verticalHeader().show()
        self.preview_label = QLabel(
            self.tr("Les %d premières lignes, telles qu'elles seront lues :") % PREVIEW_ROWS
        )
        self.error_label = error_label()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 0, 0, 0)
        right_layout.addWidget(self.preview_label)
        right_layout.addWidget(self.preview_table, 1)
        right_layout.addWidget(
            note_label(
                self.tr(
                    "En rouge, les valeurs refusées (le motif s'affiche au survol). Inscriptions : "
                    "« L M J V », « lun,mar,jeu,ven », « LMJV », « x » (tous les jours de "
                    "l'activité), suivis au besoin de « paires » ou « impaires »."
                )
            )
        )
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroll)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([430, 600])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)

    # ------------------------------------------------------------ filling

    def initializePage(self) -> None:  # noqa: N802
        self._build(self._wizard.table.headers, self._wizard.activities, self._wizard.mapping)
        self.refresh_preview()

    def _combo(self, headers: tuple[str, ...], column: int | None) -> QComboBox:
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(12)
        combo.addItem(self.tr("(aucune)"), -1)
        for index, header in enumerate(headers):
            combo.addItem(header, index)
        combo.setCurrentIndex(0 if column is None else column + 1)
        combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        return combo

    def _section(self, title: str) -> None:
        label = QLabel(title)
        font = label.font()
        font.setBold(True)
        label.setFont(font)
        if self._form.rowCount():
            label.setContentsMargins(0, 8, 0, 0)
        self._form.addRow(label)

    def _build(self, headers, activities, mapping: ImportMapping) -> None:
        self._filling = True
        while self._form.rowCount():
            self._form.removeRow(0)
        self.field_combos.clear()
        self.activity_combos.clear()
        self.unknown_checks.clear()
        group = None
        for target in TARGETS:
            if target.group != group:
                group = target.group
                self._section(self.tr(group))
            combo = self._combo(headers, mapping.fields.get(target.key))
            combo.setObjectName(f"combo_{target.key}")
            self.field_combos[target.key] = combo
            self._form.addRow(target.label.split(" (responsable")[0] + " :", combo)
        self._section(self.tr("Inscriptions (une colonne par activité)"))
        columns = {code: column for column, code in mapping.activities.items()}
        for code, name in activities:
            combo = self._combo(headers, columns.get(code))
            combo.setObjectName(f"activity_{code}")
            self.activity_combos[code] = combo
            self._form.addRow(name + " :", combo)
        known = {code for code, _name in activities}
        for column, code in sorted(mapping.activities.items()):
            if code not in known:
                check = QCheckBox(self.tr("Signaler « %s » (activité inconnue)") % code)
                check.setChecked(True)
                check.setToolTip(
                    self.tr(
                        "Aucune activité n'a ce code : l'essai signalera chaque ligne inscrite. "
                        "Décochez pour ignorer la colonne."
                    )
                )
                check.toggled.connect(self._on_combo_current_index_changed)
                self.unknown_checks[column] = check
                self._form.addRow(check)
        if not activities:
            self._form.addRow(note_label(self.tr("Aucune activité n'est enregistrée.")))
        self._filling = False

    def current_mapping(self) -> ImportMapping:
        mapping = ImportMapping()
        for key, combo in self.field_combos.items():
            if combo.currentData() >= 0:
                mapping.fields[key] = combo.currentData()
        for code, combo in self.activity_combos.items():
            if combo.currentData() >= 0:
                mapping.activities[combo.currentData()] = code
        for column, check in self.unknown_checks.items():
            if check.isChecked():
                mapping.activities.setdefault(column, self._wizard.mapping.activities[column])
        return mapping

    # ------------------------------------------------------------ preview

    def _on_combo_current_index_changed(self, *_args) -> None:
        if not self._filling:
            self.refresh_preview()

    def refresh_preview(self) -> None:
        wizard = self._wizard
        mapping = self.current_mapping()
        wizard.mapping = mapping
        missing = mapping.missing_required()
        self.error_label.setText(
            self.tr("Choisissez la colonne de : %s.") % ", ".join(missing) if missing else ""
        )
        self.error_label.setVisible(bool(missing))
        ctx, table = wizard.ctx, wizard.table
        ctx.runner.submit(
            lambda: importing.preview_import(ctx.store, ctx.actor, table, mapping, PREVIEW_ROWS),
            self._on_preview_loaded,
            self._on_preview_failed,
        )
        self.completeChanged.emit()

    def _on_preview_loaded(self, preview: ImportPreview) -> None:
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(preview.headers))
        table.setHorizontalHeaderLabels(list(preview.headers))
        table.setRowCount(len(preview.rows))
        table.setVerticalHeaderLabels([self.tr("Ligne %d") % line for line in preview.lines])
        for r, cells in enumerate(preview.rows):
            for c, cell in enumerate(cells):
                table.setItem(r, c, item(cell.text, problem=cell.problem))
        fit_columns(table, 220)

    def _on_preview_failed(self, exc: Exception) -> None:
        self.error_label.setText(error_text(exc))
        self.error_label.setVisible(True)

    def isComplete(self) -> bool:  # noqa: N802
        return self._wizard.mapping is not None and not self._wizard.mapping.missing_required()
