"""The "Organisation" settings tab: the commune, its régie and trésorerie, invoice mentions,
and the logo printed on invoices and letters."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import InvalidInput, ValidationFailed
from eticket_desk.rules.money import format_cents, parse_cents
from eticket_desk.rules.payfip import MODE_LABELS, check_numcli
from eticket_desk.services.catalogue import organisation, organisation_logo
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.core import fields as field_checks
from eticket_desk.services.core.changes import Change, Topic
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import FieldErrors, note_label, show_text_starts
from eticket_desk.ui.admin.treasury_section import KEYS as TREASURY_KEYS
from eticket_desk.ui.admin.treasury_section import TreasurySection
from eticket_desk.ui.context import AppContext

# Live checks while typing (the service applies the same ones on save).
_LIVE_CHECKS = {
    "postcode": field_checks.check_postcode,
    "treasury_postcode": field_checks.check_postcode,
    "phone": field_checks.check_phone,
    "email": field_checks.check_email,
    "payfip_id": check_numcli,
}


def format_amount(cents: int) -> str:
    """150000 -> '1 500,00' (the euro sign is shown beside the field)."""
    return format_cents(cents).replace("€", "").strip()


class OrganisationPage(QWidget):
    """Every field of `OrganisationData`, saved together with "Enregistrer"."""

    def __init__(self, ctx: AppContext, editable: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._editable = editable
        self._dirty = False
        self.errors = FieldErrors()
        self.editors: dict[str, QLineEdit] = {}

        self.mentions_edit = QPlainTextEdit()
        self.mentions_edit.setPlaceholderText(
            self.tr("Voies de recours, délai de paiement, modalités de règlement…")
        )
        self.mentions_edit.setMinimumHeight(110)
        self.zone_combo = QComboBox()
        for zone in ("A", "B", "C"):
            self.zone_combo.addItem(self.tr("Zone {zone}").format(zone=zone), zone)
        self.ceiling_edit = self._line("cash_ceiling_cents", self.tr("ex. 1 500,00"))
        self.payfip_mode_combo = QComboBox()
        for mode, label in MODE_LABELS.items():
            self.payfip_mode_combo.addItem(self.tr(label), mode)

        commune = self._group(
            self.tr("Collectivité"),
            [
                ("name", self.tr("Nom de la collectivité"), self._line("name")),
                ("address1", self.tr("Adresse"), self._line("address1")),
                ("address2", self.tr("Complément d'adresse"), self._line("address2")),
                ("postcode", self.tr("Code postal"), self._line("postcode", "74500")),
                ("city", self.tr("Ville"), self._line("city")),
                ("phone", self.tr("Téléphone"), self._line("phone", "04 50 00 00 00")),
                ("email", self.tr("E-mail"), self._line("email", "periscolaire@mairie.fr")),
            ],
        )
        euros = QWidget()
        euros_layout = QHBoxLayout(euros)
        euros_layout.setContentsMargins(0, 0, 0, 0)
        euros_layout.addWidget(self.ceiling_edit, 1)
        euros_layout.addWidget(QLabel("€"))
        regie = self._group(
            self.tr("Régie"),
            [
                ("regie_name", self.tr("Nom de la régie"), self._line("regie_name")),
                (
                    "payable_to",
                    self.tr("Ordre des chèques"),
                    self._line("payable_to", "Trésor Public"),
                ),
                ("cash_ceiling_cents", self.tr("Plafond d'encaisse de la régie"), euros),
                (
                    "payfip_id",
                    self.tr("Numéro client PayFiP"),
                    self._line("payfip_id", self.tr("6 chiffres")),
                ),
                ("payfip_mode", self.tr("Mode PayFiP"), self.payfip_mode_combo),
            ],
        )
        treasury = self._group(
            self.tr("Trésorerie (SGC)"),
            [
                (
                    "treasury_name",
                    self.tr("Nom"),
                    self._line("treasury_name", self.tr("ex. SGC de Thonon-les-Bains")),
                ),
                ("treasury_address1", self.tr("Adresse"), self._line("treasury_address1")),
                (
                    "treasury_address2",
                    self.tr("Complément d'adresse"),
                    self._line("treasury_address2"),
                ),
                ("treasury_postcode", self.tr("Code postal"), self._line("treasury_postcode")),
                ("treasury_city", self.tr("Ville"), self._line("treasury_city")),
            ],
        )
        families = self._group(
            self.tr("Familles et factures"),
            [
                ("school_zone", self.tr("Zone de vacances scolaires"), self.zone_combo),
                (
                    "portal_url",
                    self.tr("Adresse du portail famille"),
                    self._portal_line(),
                ),
                ("invoice_mentions", self.tr("Mentions légales des factures"), self.mentions_edit),
            ],
        )

        logo = self._logo_group()
        self.treasury_section = TreasurySection(self.errors, editable)
        self.treasury_section.edited.connect(self._on_editor_edited)

        columns = QHBoxLayout()
        for groups in ((commune, regie, logo), (treasury, families)):
            column = QVBoxLayout()
            for group in groups:
                column.addWidget(group)
            column.addStretch(1)
            columns.addLayout(column, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(columns)
        body_layout.addWidget(self.treasury_section)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.viewport().setAutoFillBackground(False)
        body.setAutoFillBackground(False)

        self.status_label = note_label()
        self.save_button = QPushButton(self.tr("Enregistrer"))
        self.save_button.clicked.connect(self._on_save_button_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)

        for key, editor in self.editors.items():
            editor.textEdited.connect(self._on_editor_edited)
            if key in _LIVE_CHECKS:
                editor.editingFinished.connect(lambda key=key: self._check_live(key))
        self.mentions_edit.textChanged.connect(self._on_editor_edited)
        self.zone_combo.activated.connect(self._on_editor_edited)
        self.payfip_mode_combo.activated.connect(self._on_editor_edited)
        # Read-only rather than disabled: the text stays readable and can be copied.
        for widget in [*self.editors.values(), self.mentions_edit]:
            widget.setReadOnly(not editable)
        self.zone_combo.setEnabled(editable)
        self.payfip_mode_combo.setEnabled(editable)
        self.save_button.setVisible(editable)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.load()

    def _logo_group(self) -> QGroupBox:
        self.logo_label = QLabel()
        self.logo_label.setFixedSize(200, 80)
        self.logo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_label.setStyleSheet("border: 1px solid #c8c8c8; background: white;")
        self.logo_button = QPushButton(self.tr("Logo…"))
        self.remove_logo_button = QPushButton(self.tr("Retirer le logo"))
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        self.remove_logo_button.clicked.connect(self._on_remove_logo_button_clicked)
        self.logo_button.setVisible(self._editable)
        self.remove_logo_button.setVisible(self._editable)
        buttons = QVBoxLayout()
        buttons.addWidget(self.logo_button)
        buttons.addWidget(self.remove_logo_button)
        buttons.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.logo_label)
        row.addLayout(buttons)
        row.addStretch(1)
        box = QGroupBox(self.tr("Logo des factures et des lettres"))
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(
            note_label(self.tr("Une image PNG ou JPEG de 1 Mo au plus, imprimée en en-tête."))
        )
        return box

    def _read_logo(self) -> None:
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: organisation_logo.load_logo(store), self._show_logo, self._on_load_failed
        )

    def _show_logo(self, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_label.setPixmap(
                pixmap.scaled(
                    self.logo_label.size() - self.logo_label.size() / 10,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_label.setPixmap(QPixmap())
            self.logo_label.setText(self.tr("Aucun logo"))
        self.has_logo = bool(data)
        self.remove_logo_button.setEnabled(self.has_logo)

    def _save_logo(self, path: Path | None) -> None:
        self.logo_button.setEnabled(False)
        self._ctx.write(
            organisation_logo.save_logo,
            path,
            on_done=lambda _none: self._on_logo_saved(path),
            on_error=self._on_logo_failed,
        )

    def _on_logo_saved(self, path: Path | None) -> None:
        self.logo_button.setEnabled(True)
        self._read_logo()
        self.status_label.setText(
            self.tr("Logo enregistré.") if path is not None else self.tr("Logo retiré.")
        )

    def _on_logo_failed(self, exc: BaseException) -> None:
        self.logo_button.setEnabled(True)
        messages.show_error(self, exc)

    def _on_logo_button_clicked(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self,
            self.tr("Choisir le logo"),
            "",
            self.tr("Images PNG ou JPEG (*.png *.jpg *.jpeg)"),
        )
        if name:
            self._save_logo(Path(name))

    def _on_remove_logo_button_clicked(self) -> None:
        self._save_logo(None)

    def _line(self, key: str, placeholder: str = "") -> QLineEdit:
        editor = QLineEdit()
        editor.setPlaceholderText(placeholder)
        self.editors[key] = editor
        return editor

    def _portal_line(self) -> QLineEdit:
        """Printed on each guardian's letter: the commune's own login page on the server."""
        editor = self._line("portal_url", "https://serveur/portail/commune/connexion")
        editor.setToolTip(
            self.tr(
                "L'adresse imprimée sur les courriers d'accès : la page de connexion de la "
                "commune sur le serveur central, https://<serveur>/portail/<commune>/connexion "
                "(<commune> est affiché par « eticket-central add-tenant »)."
            )
        )
        return editor

    def _group(self, title: str, rows: list[tuple[str, str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for key, label, editor in rows:
            form.addRow(label + " :", self.errors.wrap(key, editor))
        return box

    # -- data --------------------------------------------------------------------------------

    def load(self) -> None:
        """Reads the town and its logo on the task runner; saving waits for them, so the form
        never sends back what it showed before."""
        store = self._ctx.store
        self.loaded = False
        self.save_button.setEnabled(False)
        self._ctx.runner.submit(
            lambda: (organisation.load_organisation(store), organisation_logo.load_logo(store)),
            self._on_loaded,
            self._on_load_failed,
        )

    def _on_load_failed(self, exc: Exception) -> None:
        messages.show_error(self, exc, self.tr("Lecture de la commune impossible"))

    def _on_loaded(self, loaded: tuple[OrganisationData, bytes | None]) -> None:
        data, logo = loaded
        for key, editor in self.editors.items():
            if key == "cash_ceiling_cents":
                editor.setText(format_amount(data.cash_ceiling_cents))
            elif key == "phone":
                editor.setText(field_checks.format_phone(data.phone))
            else:
                editor.setText(getattr(data, key))
        self.mentions_edit.blockSignals(True)
        self.mentions_edit.setPlainText(data.invoice_mentions)
        self.mentions_edit.blockSignals(False)
        self.zone_combo.setCurrentIndex(max(self.zone_combo.findData(data.school_zone), 0))
        mode_index = self.payfip_mode_combo.findData(data.payfip_mode)
        self.payfip_mode_combo.setCurrentIndex(max(mode_index, 0))
        self.treasury_section.load(data)
        self._show_logo(logo)
        show_text_starts(self)
        self.errors.clear()
        self._dirty = False
        self.save_button.setEnabled(True)
        self.loaded = True

    def data(self) -> OrganisationData:
        """What the form holds; raises ValidationFailed if the ceiling is not an amount."""
        values = {}
        for f in fields(OrganisationData):
            if f.name in ("cash_ceiling_cents", "invoice_mentions", "school_zone", "payfip_mode"):
                continue
            if f.name in TREASURY_KEYS:
                continue
            values[f.name] = self.editors[f.name].text()
        values.update(self.treasury_section.values())
        try:
            ceiling = parse_cents(self.editors["cash_ceiling_cents"].text() or "0")
        except InvalidInput as exc:
            raise ValidationFailed({"cash_ceiling_cents": exc.message}) from None
        return OrganisationData(
            **values,
            cash_ceiling_cents=ceiling,
            invoice_mentions=self.mentions_edit.toPlainText(),
            school_zone=self.zone_combo.currentData(),
            payfip_mode=self.payfip_mode_combo.currentData(),
        )

    def _check_live(self, key: str) -> None:
        try:
            _LIVE_CHECKS[key](self.editors[key].text())
        except InvalidInput as exc:
            self.errors.set(key, exc.message)
        else:
            self.errors.set(key, "")

    # -- slots -------------------------------------------------------------------------------

    def _on_editor_edited(self, *_args: object) -> None:
        self._dirty = True
        self.status_label.setText(self.tr("Modifications non enregistrées."))

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.ORGANISATION in topics and not self._dirty:
            self.load()

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        try:
            data = self.data()
        except ValidationFailed as exc:
            self._on_save_failed(exc)
            return
        self.save_button.setEnabled(False)
        self._ctx.write(
            organisation.save_organisation,
            data,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, _result: object) -> None:
        self.save_button.setEnabled(True)
        self.load()
        self.status_label.setText(self.tr("Informations de l'organisation enregistrées."))

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            unplaced = self.errors.show(exc.errors)
            self.status_label.setText(
                self.tr("Rien n'a été enregistré : corrigez les champs en rouge.")
            )
            if unplaced:
                messages.show_error(self, ValidationFailed(unplaced))
            return
        messages.show_error(self, exc)
