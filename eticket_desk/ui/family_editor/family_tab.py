"""The "Famille" tab: quotient familial (amount, date, source), the SEPA mandate's box
(mandate_box.py, given by the dialog) and the dossier's notes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.core.fields import InvalidInput
from eticket_desk.services.families.data import QF_SOURCES
from eticket_desk.ui.family_editor.signals import emit
from eticket_desk.ui.family_editor.widgets import NOTE_STYLE, CheckedLineEdit, DateField


def parse_qf(text: str) -> int | None:
    """'1 250' -> 1250; '' -> None; anything else raises InvalidInput."""
    digits = text.replace(" ", "").replace("\u202f", "").replace("\xa0", "").removesuffix("€")
    if not digits:
        return None
    if not digits.isdigit():
        raise InvalidInput("Le quotient familial est un nombre entier d'euros (ex. 850).")
    value = int(digits)
    if value > 10000:
        raise InvalidInput("Le quotient familial doit être compris entre 0 et 10 000.")
    return value


def _check_qf_text(text: str) -> str:
    value = parse_qf(text)
    return "" if value is None else str(value)


class FamilyTab(QWidget):
    """Edits the family-level fields; `values()` gives them back for the save."""

    edited = Signal()
    errors_changed = Signal()

    def __init__(
        self,
        today: Callable[[], date],
        parent: QWidget | None = None,
        extra: QWidget | None = None,
    ) -> None:
        """`extra`: a box shown between the QF and the notes (the SEPA mandate's)."""
        super().__init__(parent)
        self._today = today
        self._loading = False
        self.errors: dict[str, str] = {}

        self.qf_value = CheckedLineEdit(_check_qf_text)
        self.qf_value.line_edit.setPlaceholderText(self.tr("non renseigné"))
        self.qf_value.line_edit.setMaximumWidth(120)
        self.qf_value.line_edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        qf_row = QWidget()
        qf_layout = QHBoxLayout(qf_row)
        qf_layout.setContentsMargins(0, 0, 0, 0)
        qf_layout.addWidget(self.qf_value)
        unit = QLabel(self.tr("€ par mois"))
        unit.setFixedHeight(self.qf_value.line_edit.sizeHint().height())
        qf_layout.addWidget(unit, 0, Qt.AlignmentFlag.AlignTop)
        qf_layout.addStretch(1)
        self.qf_date = DateField(today)
        self.qf_source = QComboBox()
        for source in QF_SOURCES:
            self.qf_source.addItem(source or self.tr("Non renseignée"), source)
        self.qf_source.setMinimumContentsLength(20)
        hint = QLabel(
            self.tr(
                "Le quotient familial détermine la tranche de tarif appliquée aux tickets et aux "
                "factures. Sans quotient, le tarif le plus élevé s'applique."
            )
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(NOTE_STYLE)

        qf_box = QGroupBox(self.tr("Quotient familial"))
        form = QFormLayout(qf_box)
        form.addRow(self.tr("&Quotient familial"), qf_row)
        form.addRow(self.tr("Date du QF"), self.qf_date)
        form.addRow(self.tr("Source"), self.qf_source)
        form.addRow(hint)
        form.labelForField(qf_row).setBuddy(self.qf_value.line_edit)

        notes_box = QGroupBox(self.tr("Notes sur le dossier"))
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText(
            self.tr("Informations utiles à l'accueil (garde alternée, pièces à fournir…)")
        )
        notes_layout = QVBoxLayout(notes_box)
        notes_layout.addWidget(self.notes)

        layout = QVBoxLayout(self)
        layout.addWidget(qf_box)
        if extra is not None:
            layout.addWidget(extra)
        layout.addWidget(notes_box, 1)
        buttons = extra.buttons() if extra is not None and hasattr(extra, "buttons") else []
        chain = [
            self.qf_value.line_edit,
            self.qf_date.known,
            self.qf_date.date_edit,
            self.qf_source,
            *buttons,
            self.notes,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

        self.qf_value.edited.connect(self._on_any_edited)
        self.qf_value.checked.connect(self._on_qf_value_checked)
        self.qf_date.edited.connect(self._on_any_edited)
        self.qf_date.editing_finished.connect(self._on_qf_date_editing_finished)
        self.qf_source.currentIndexChanged.connect(self._on_any_edited)
        self.notes.textChanged.connect(self._on_any_edited)

    # ------------------------------------------------------------ data

    def load(self, qf_value: int | None, qf_date: date | None, qf_source: str, notes: str) -> None:
        self._loading = True
        try:
            self.errors.clear()
            self.qf_value.set_text("" if qf_value is None else str(qf_value))
            self.qf_value.set_error("")
            self.qf_date.set_value(qf_date)
            self.qf_date.set_error("")
            index = self.qf_source.findData(qf_source)
            if index < 0:  # a source typed elsewhere: keep it
                self.qf_source.addItem(qf_source, qf_source)
                index = self.qf_source.count() - 1
            self.qf_source.setCurrentIndex(index)
            self.notes.setPlainText(notes)
        finally:
            self._loading = False

    def values(self) -> tuple[int | None, date | None, str, str]:
        """(qf_value, qf_date, qf_source, notes); a wrong QF reads as None (see errors)."""
        try:
            value = parse_qf(self.qf_value.text())
        except InvalidInput:
            value = None
        return (
            value,
            self.qf_date.value(),
            self.qf_source.currentData() or "",
            self.notes.toPlainText(),
        )

    def check_all(self) -> dict[str, str]:
        self.errors.clear()
        try:
            parse_qf(self.qf_value.text())
        except InvalidInput as exc:
            self.errors["qf_value"] = exc.message
        qf_date = self.qf_date.value()
        if qf_date is not None and qf_date > self._today():
            self.errors["qf_date"] = self.tr("La date du quotient familial est dans le futur.")
        self.show_errors()
        return dict(self.errors)

    def show_errors(self) -> None:
        self.qf_value.set_error(self.errors.get("qf_value", ""))
        self.qf_date.set_error(self.errors.get("qf_date", ""))

    def focus_field(self, name: str) -> None:
        widget = self.qf_date.known if name == "qf_date" else self.qf_value.line_edit
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        self.qf_value.set_read_only(read_only)
        self.qf_date.set_read_only(read_only)
        self.qf_source.setEnabled(not read_only)
        self.notes.setReadOnly(read_only)

    # ------------------------------------------------------------ slots

    def _on_any_edited(self, *_args: object) -> None:
        if not self._loading:
            emit(self.edited)

    def _on_qf_value_checked(self, message: str) -> None:
        if self._loading:
            return
        if message:
            self.errors["qf_value"] = message
        else:
            self.errors.pop("qf_value", None)
        emit(self.errors_changed)

    def _on_qf_date_editing_finished(self) -> None:
        if self._loading:
            return
        qf_date = self.qf_date.value()
        message = ""
        if qf_date is not None and qf_date > self._today():
            message = self.tr("La date du quotient familial est dans le futur.")
        self.qf_date.set_error(message)
        if message:
            self.errors["qf_date"] = message
        else:
            self.errors.pop("qf_date", None)
        emit(self.errors_changed)
