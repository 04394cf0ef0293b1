"""The « Trésor public et prélèvements » section of Paramètres › Organisation: how the commune
collects (régie or titres), its SIRET and PES V2 codes, and the SEPA creditor settings."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.treasury import (
    COLLECTION_MODES,
    ORGANISATION_CHECKS,
    PAIN_VERSIONS,
    check_bic,
)
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.ui.admin.forms import FieldErrors, note_label

# The OrganisationData fields this section edits (the page leaves them to it).
KEYS = (
    "collection_mode",
    "siret",
    "pes_id_post",
    "pes_cod_col",
    "pes_cod_bud",
    "sepa_ics",
    "sepa_iban",
    "sepa_bic",
    "sepa_pain_version",
    "sepa_debit_delay_days",
)

# The same checks as the service's, run as the agent leaves a field.
_LIVE_CHECKS = {**ORGANISATION_CHECKS, "sepa_bic": check_bic}

_PAIN_LABELS = {
    "pain.008.001.02": "pain.008.001.02 (version historique, la plus répandue)",
    "pain.008.001.08": "pain.008.001.08 (adresse structurée, norme 2019)",
}


class TreasurySection(QGroupBox):
    """The fields of money to the Trésor; the page loads, reads and saves them with the rest."""

    edited = Signal()

    def __init__(self, errors: FieldErrors, editable: bool, parent: QWidget | None = None):
        super().__init__(self.tr("Trésor public et prélèvements"), parent)
        self._errors = errors
        self.editors: dict[str, QLineEdit] = {}

        self.mode_combo = QComboBox()
        for mode, label in COLLECTION_MODES.items():
            self.mode_combo.addItem(self.tr(label), mode)
        self.pain_combo = QComboBox()
        for version in PAIN_VERSIONS:
            self.pain_combo.addItem(self.tr(_PAIN_LABELS[version]), version)
        self.delay_spin = QSpinBox()
        self.delay_spin.setRange(2, 60)
        self.delay_spin.setSuffix(self.tr(" jours après la date de la facture"))

        self.mode_hint = note_label()
        # The layouts hang on the section before any row is added, so Qt owns every field.
        columns = QHBoxLayout()
        QVBoxLayout(self).addLayout(columns)
        left = QVBoxLayout()
        right = QVBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(12)
        columns.addLayout(right, 1)
        pes = QFormLayout()
        sepa = QFormLayout()
        left.addWidget(self._subtitle(self.tr("Encaissement et PES V2")))
        left.addLayout(pes)
        left.addWidget(self.mode_hint)
        left.addStretch(1)
        right.addWidget(self._subtitle(self.tr("Prélèvement SEPA")))
        right.addLayout(sepa)
        right.addWidget(
            note_label(
                self.tr(
                    "Donnés par la trésorerie (SGC) et la banque de la collectivité. La facture "
                    "d'une famille prélevée annonce la date du prélèvement, au délai choisi."
                )
            )
        )
        right.addStretch(1)
        self._rows(
            pes,
            [
                ("collection_mode", self.tr("Mode d'encaissement"), self.mode_combo),
                ("siret", self.tr("SIRET de la collectivité"), self._line("siret", "14 chiffres")),
                (
                    "pes_id_post",
                    self.tr("Code poste comptable (IdPost)"),
                    self._line("pes_id_post", self.tr("7 chiffres")),
                ),
                (
                    "pes_cod_col",
                    self.tr("Code collectivité (CodCol)"),
                    self._line("pes_cod_col", self.tr("3 chiffres")),
                ),
                (
                    "pes_cod_bud",
                    self.tr("Code budget (CodBud)"),
                    self._line("pes_cod_bud", self.tr("2 chiffres")),
                ),
            ],
        )
        self._rows(
            sepa,
            [
                (
                    "sepa_ics",
                    self.tr("Identifiant créancier SEPA (ICS)"),
                    self._line("sepa_ics", "FR12ZZZ123456"),
                ),
                (
                    "sepa_iban",
                    self.tr("IBAN du compte crédité"),
                    self._line("sepa_iban", "FR76 3000 1000 …"),
                ),
                (
                    "sepa_bic",
                    self.tr("BIC"),
                    self._line("sepa_bic", self.tr("déduit de l'IBAN si laissé vide")),
                ),
                (
                    "sepa_pain_version",
                    self.tr("Version du fichier de prélèvement"),
                    self.pain_combo,
                ),
                ("sepa_debit_delay_days", self.tr("Délai avant prélèvement"), self.delay_spin),
            ],
        )

        for key, editor in self.editors.items():
            editor.textEdited.connect(self._on_any_edited)
            editor.editingFinished.connect(lambda key=key: self._check_live(key))
            editor.setReadOnly(not editable)
        self.mode_combo.activated.connect(self._on_any_edited)
        self.mode_combo.currentIndexChanged.connect(self._show_mode_hint)
        self.pain_combo.activated.connect(self._on_any_edited)
        self.delay_spin.valueChanged.connect(self._on_any_edited)
        for widget in (self.mode_combo, self.pain_combo):
            widget.setEnabled(editable)
        self.delay_spin.setReadOnly(not editable)
        self._show_mode_hint()

    def _subtitle(self, text: str) -> QLabel:
        return QLabel(f"<b>{text}</b>")

    def _line(self, key: str, placeholder: str = "") -> QLineEdit:
        editor = QLineEdit()
        editor.setPlaceholderText(placeholder)
        self.editors[key] = editor
        return editor

    def _rows(self, form: QFormLayout, rows: list[tuple[str, str, QWidget]]) -> None:
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for key, label, editor in rows:
            form.addRow(label + " :", self._errors.wrap(key, editor))

    # -- data --------------------------------------------------------------------------------

    def load(self, data: OrganisationData) -> None:
        widgets = (self.mode_combo, self.pain_combo, self.delay_spin)
        for widget in widgets:
            widget.blockSignals(True)
        for key, editor in self.editors.items():
            editor.setText(getattr(data, key))
        self.mode_combo.setCurrentIndex(max(self.mode_combo.findData(data.collection_mode), 0))
        self.pain_combo.setCurrentIndex(max(self.pain_combo.findData(data.sepa_pain_version), 0))
        self.delay_spin.setValue(data.sepa_debit_delay_days)
        for widget in widgets:
            widget.blockSignals(False)
        self._show_mode_hint()

    def values(self) -> dict[str, object]:
        """The section's fields, keyed like OrganisationData (checked by save_organisation)."""
        values: dict[str, object] = {key: editor.text() for key, editor in self.editors.items()}
        values["collection_mode"] = self.mode_combo.currentData()
        values["sepa_pain_version"] = self.pain_combo.currentData()
        values["sepa_debit_delay_days"] = self.delay_spin.value()
        return values

    def _check_live(self, key: str) -> None:
        try:
            _LIVE_CHECKS[key](self.editors[key].text())
        except InvalidInput as exc:
            self._errors.set(key, exc.message)
        else:
            self._errors.set(key, "")

    # -- slots -------------------------------------------------------------------------------

    def _on_any_edited(self, *_args: object) -> None:
        self.edited.emit()

    def _show_mode_hint(self, *_args: object) -> None:
        if self.mode_combo.currentData() == "titres":
            text = self.tr(
                "Titres de recettes : chaque facturation est transmise à Hélios (fichier "
                "PES V2) ; le SIRET et les trois codes sont obligatoires pour l'exporter. Les "
                "factures portent le code datamatrix de paiement chez les buralistes."
            )
        else:
            text = self.tr(
                "Régie de recettes : le régisseur encaisse au guichet. Le SIRET et les codes "
                "PES ne servent qu'en mode « Titres de recettes » ; ils peuvent rester vides."
            )
        self.mode_hint.setText(text)
