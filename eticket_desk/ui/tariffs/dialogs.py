"""The dialogs of the « Tarifs » screen: a new ticket type, and a new dated tariff of a ticket
type or of an invoiced activity (the same bracket editor)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.money import format_cents, parse_cents
from eticket_desk.rules.pricing import Bracket, check_brackets
from eticket_desk.rules.templates import fare_labels
from eticket_desk.services.catalogue import tariffs
from eticket_desk.services.catalogue.activity_tariffs import (
    ActivityTariffInfo,
    save_activity_tariff,
)
from eticket_desk.services.catalogue.tariffs import TariffInfo, TicketTypeInfo
from eticket_desk.ui import messages
from eticket_desk.ui.admin.forms import (
    FieldErrors,
    error_label,
    french_locale,
    grow_to_fit,
    note_label,
    save_cancel_buttons,
)
from eticket_desk.ui.context import AppContext


def cents_text(cents: int) -> str:
    """160 -> '1,60' (what a person types in a price cell)."""
    return format_cents(cents).replace("\xa0€", "").replace(" €", "").strip()


def _wrapped(layout: QHBoxLayout) -> QWidget:
    widget = QWidget()
    layout.setContentsMargins(0, 0, 0, 0)
    widget.setLayout(layout)
    return widget


class TicketTypeDialog(QDialog):
    """« Nouveau type de ticket » : a code, a name and the care share of its price (tax
    certificate); with `ticket`, that type's name and care share changed (its code kept)."""

    ticket_type_saved = Signal(object)  # TicketTypeInfo

    def __init__(
        self, ctx: AppContext, parent: QWidget | None = None, ticket: TicketTypeInfo | None = None
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ticket = ticket
        self.setWindowTitle(
            self.tr("Type de ticket") if ticket else self.tr("Nouveau type de ticket")
        )
        self.errors = FieldErrors()
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(self.tr("ex. GARDERIE"))
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(self.tr("ex. Garderie du soir"))
        self.care_share_spin = QSpinBox()
        self.care_share_spin.setRange(0, 100)
        self.care_share_spin.setSuffix(" %")
        self.care_share_spin.setToolTip(
            self.tr("Attestation de frais de garde : 100 % pour une garderie, 0 % pour un repas.")
        )
        share_row = QHBoxLayout()
        share_row.addWidget(self.care_share_spin)
        share_row.addWidget(QLabel(self.tr("éligible au crédit d’impôt")))
        share_row.addStretch(1)
        if ticket is not None:
            self.code_edit.setText(ticket.code)
            self.code_edit.setReadOnly(True)
            self.name_edit.setText(ticket.name)
            self.care_share_spin.setValue(ticket.care_share_bp // 100)
        form = QFormLayout()
        form.addRow(self.tr("Code"), self.errors.wrap("code", self.code_edit))
        form.addRow(self.tr("Nom"), self.name_edit)
        form.addRow(self.tr("Part garde"), self.errors.wrap("care_share_bp", _wrapped(share_row)))
        buttons, self.save_button = save_cancel_buttons(
            self, self.tr("Enregistrer") if ticket else self.tr("Créer")
        )
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(
            note_label(self.tr("Le code identifie les tickets d'une activité prépayée."))
        )
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        self.save_button.setEnabled(False)
        self._ctx.write(
            tariffs.save_ticket_type,
            self.code_edit.text(),
            self.name_edit.text(),
            active=self._ticket.active if self._ticket is not None else True,
            care_share_bp=self.care_share_spin.value() * 100,
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    def _on_save_done(self, info: TicketTypeInfo) -> None:
        self.save_button.setEnabled(True)
        self.ticket_type_saved.emit(info)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed) and not self.errors.show(exc.errors):
            return
        messages.show_error(self, exc)


class TariffDialog(QDialog):
    """« Nouveau tarif » of a ticket type: its start date and its brackets, pre-filled from
    `current` (the bracket editor the activity tariffs share)."""

    tariff_saved = Signal(object)  # TariffInfo or ActivityTariffInfo

    def __init__(
        self,
        ctx: AppContext,
        ticket_type: TicketTypeInfo | None,
        current: TariffInfo | None,
        parent: QWidget | None = None,
        *,
        title: str = "",
        note: str = "",
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ticket_type = ticket_type
        self.setWindowTitle(
            title or self.tr("Nouveau tarif — {name}").format(name=ticket_type.name)
        )
        self.errors = FieldErrors()

        tomorrow = ctx.store.clock.today() + timedelta(days=1)
        self.date_edit = QDateEdit(QDate(tomorrow.year, tomorrow.month, tomorrow.day))
        self.date_edit.setLocale(french_locale())
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        form = QFormLayout()
        form.addRow(self.tr("À partir du"), self.errors.wrap("valid_from", self.date_edit))

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("QF jusqu'à (€)"), self.tr("Prix (€)"), self.tr("Hors commune (€)")]
        )
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(190)
        self.add_button = QPushButton(self.tr("Ajouter une tranche"))
        self.remove_button = QPushButton(self.tr("Retirer la dernière tranche"))
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        row_buttons = QHBoxLayout()
        row_buttons.addWidget(self.add_button)
        row_buttons.addWidget(self.remove_button)
        row_buttons.addStretch(1)
        self.brackets_error = error_label()
        self.brackets_error.setObjectName("error_brackets")

        buttons, self.save_button = save_cancel_buttons(self, self.tr("Enregistrer le tarif"))
        self.save_button.clicked.connect(self._on_save_button_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.table)
        layout.addLayout(row_buttons)
        layout.addWidget(self.brackets_error)
        layout.addWidget(
            note_label(
                note
                or self.tr(
                    "Laissez vide le plafond de la dernière tranche (« et au-delà »). Une "
                    "famille sans quotient familial valide paie la dernière tranche. Un nouveau "
                    "tarif ne change jamais les ventes déjà faites : il s'applique aux tickets "
                    "vendus à partir de sa date."
                )
            )
        )
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        for bracket in current.brackets if current else (Bracket(None, 0, 0),):
            self.add_row(bracket)

    # -- rows ------------------------------------------------------------------------------

    def add_row(self, bracket: Bracket | None = None) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        texts = ("", "", "")
        if bracket is not None:
            texts = (
                "" if bracket.qf_max is None else str(bracket.qf_max),
                cents_text(bracket.price_cents),
                cents_text(bracket.outside_price_cents),
            )
        for column, text in enumerate(texts):
            edit = QLineEdit(text)
            edit.setFrame(False)
            if column == 0:
                edit.setPlaceholderText(self.tr("et au-delà"))
            else:
                edit.setPlaceholderText("0,00")
            self.table.setCellWidget(row, column, edit)
        return row

    def cell(self, row: int, column: int) -> QLineEdit:
        return self.table.cellWidget(row, column)

    def brackets(self) -> list[Bracket]:
        """The typed brackets; InvalidInput in French for a cell that is not a number."""
        result = []
        for row in range(self.table.rowCount()):
            qf_text = self.cell(row, 0).text().strip()
            if qf_text and not qf_text.isdigit():
                raise InvalidInput(
                    self.tr("Ligne {n} : « {text} » n'est pas un quotient (nombre entier).").format(
                        n=row + 1, text=qf_text
                    )
                )
            prices = []
            for column in (1, 2):
                text = self.cell(row, column).text().strip()
                if not text:
                    raise InvalidInput(
                        self.tr("Ligne {n} : indiquez les deux prix.").format(n=row + 1)
                    )
                try:
                    prices.append(parse_cents(text))
                except InvalidInput as exc:
                    raise InvalidInput(
                        self.tr("Ligne {n} : {message}").format(n=row + 1, message=exc.message)
                    ) from None
            result.append(Bracket(int(qf_text) if qf_text else None, prices[0], prices[1]))
        return result

    def valid_from(self) -> date:
        return self.date_edit.date().toPython()

    def _show_brackets_error(self, message: str) -> None:
        self.brackets_error.setText(message)
        self.brackets_error.setVisible(bool(message))
        if message:
            grow_to_fit(self)

    # -- slots -----------------------------------------------------------------------------

    def _on_add_button_clicked(self) -> None:
        self.add_row()

    def _on_remove_button_clicked(self) -> None:
        if self.table.rowCount() > 1:
            self.table.removeRow(self.table.rowCount() - 1)

    def _on_save_button_clicked(self) -> None:
        self.errors.clear()
        self._show_brackets_error("")
        try:
            brackets = self.brackets()
            check_brackets(brackets)
        except ValidationFailed as exc:
            self._show_brackets_error("\n".join(exc.errors.values()))
            return
        except DomainError as exc:
            self._show_brackets_error(exc.message)
            return
        valid_from = self.valid_from()
        if self.CHECKS_DATE and valid_from < self._ctx.store.clock.today():
            self.errors.set(
                "valid_from",
                self.tr(
                    "Un nouveau tarif ne peut pas commencer dans le passé : les ventes déjà "
                    "faites gardent leur prix."
                ),
            )
            return
        self.save_button.setEnabled(False)
        self._ctx.write(
            *self.saving(valid_from, brackets),
            on_done=self._on_save_done,
            on_error=self._on_save_failed,
        )

    CHECKS_DATE = True  # refuse a past start here, before asking the service

    def saving(self, valid_from: date, brackets: list[Bracket]) -> tuple:
        """The use case and its arguments (after the store and the actor)."""
        return tariffs.save_tariff, self._ticket_type.id, valid_from, brackets

    def _on_save_done(self, info: TariffInfo) -> None:
        self.save_button.setEnabled(True)
        self.tariff_saved.emit(info)
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(exc, ValidationFailed):
            self._show_brackets_error("\n".join(exc.errors.values()))
            return
        if isinstance(exc, InvalidInput) and self.valid_from() < self._ctx.store.clock.today():
            self.errors.set("valid_from", exc.message)  # the service's refusal of a past date
            return
        messages.show_error(self, exc)


class ActivityTariffDialog(TariffDialog):
    """« Nouveau tarif » of an invoiced activity: a price per day, or the price of one fare
    option; the service refuses a start in the past and its message shows under the date."""

    CHECKS_DATE = False

    def __init__(
        self,
        ctx: AppContext,
        activity: ActivitySpec,
        fare_option: str,
        current: ActivityTariffInfo | None,
        parent: QWidget | None = None,
    ) -> None:
        what = ""
        if fare_option:
            what = fare_labels(activity.code).get(fare_option, fare_option)
            title = self.tr_static("Nouveau tarif — {name}, forfait « {fare} »").format(
                name=activity.name, fare=what
            )
            note = self.tr_static(
                "Le prix du forfait d'un enfant pour une période, par tranche de quotient "
                "familial. Laissez vide le plafond de la dernière tranche (« et au-delà »). "
                "Un tarif ne peut pas commencer dans le passé : les factures déjà émises "
                "gardent leur prix."
            )
        else:
            title = self.tr_static("Nouveau prix par jour — {name}").format(name=activity.name)
            note = self.tr_static(
                "Le prix d'un jour facturé, par tranche de quotient familial. Laissez vide le "
                "plafond de la dernière tranche (« et au-delà »). Un tarif ne peut pas "
                "commencer dans le passé : les factures déjà émises gardent leur prix."
            )
        super().__init__(ctx, None, current, parent, title=title, note=note)
        heading = QLabel(
            self.tr("{name} — forfait « {fare} »").format(name=activity.name, fare=what)
            if fare_option
            else self.tr("{name} — prix par jour").format(name=activity.name)
        )
        heading.setStyleSheet("font-weight: bold;")
        self.layout().insertWidget(0, heading)
        self._activity = activity
        self._fare_option = fare_option

    @staticmethod
    def tr_static(text: str) -> str:
        return QCoreApplication.translate("ActivityTariffDialog", text)

    def saving(self, valid_from: date, brackets: list[Bracket]) -> tuple:
        return save_activity_tariff, self._activity.id, valid_from, brackets, self._fare_option
