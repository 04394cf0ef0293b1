"""The mandate's dialogs: « Nouveau mandat » / « Modifier le mandat » (debtor, structured
address, IBAN, BIC, signature date, recurrent or one-off) and « Révoquer le mandat » (date,
reason). The service checks everything; its French messages show beside the fields and
nothing is written until all are right."""

from __future__ import annotations

import uuid
from dataclasses import replace

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QButtonGroup,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services.invoicing.mandate_data import MandateInfo, MandateInput
from eticket_desk.services.invoicing.mandates import amend_mandate, revoke_mandate, sign_mandate
from eticket_desk.ui.admin.forms import (
    FieldErrors,
    error_label,
    french_locale,
    grow_to_fit,
    note_label,
    save_cancel_buttons,
)
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text

TEXT_FIELDS = ("debtor_name", "building_number", "street", "postcode", "town", "country")


def date_edit(value) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setLocale(french_locale())
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDate(QDate(value.year, value.month, value.day))
    return edit


class _Form(QDialog):
    """Shared by both dialogs: the error slots, the save and its answer."""

    def _saving(self, use_case, *args) -> None:
        self.errors.clear()
        self.error.setVisible(False)
        self.save_button.setEnabled(False)
        self.ctx.write(use_case, *args, on_done=self._on_saved, on_error=self._on_refused)

    def _on_saved(self, _info: MandateInfo) -> None:
        self.save_button.setEnabled(True)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        rest = self.errors.show(exc.errors) if isinstance(exc, ValidationFailed) else None
        if rest is None or rest:
            self.error.setText("\n".join(rest.values()) if rest else error_text(exc))
            self.error.setVisible(True)
            grow_to_fit(self)
        if isinstance(exc, ValidationFailed):
            first = next(iter(exc.errors), "")
            widget = self.fields.get(first)
            if widget is not None:
                widget.setFocus()


class MandateDialog(_Form):
    """A new mandate (prefilled from the billing adult) or the amendment of `mandate`."""

    def __init__(
        self,
        ctx: AppContext,
        family_id: uuid.UUID,
        form: MandateInput,
        mandate: MandateInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.family_id, self.mandate, self.form = ctx, family_id, mandate, form
        new = mandate is None
        self.setWindowTitle(
            self.tr("Nouveau mandat SEPA") if new else self.tr("Modifier le mandat")
        )
        self.errors = FieldErrors()
        self.fields: dict[str, QWidget] = {}
        for key in (*TEXT_FIELDS, "iban", "bic"):
            edit = QLineEdit(str(getattr(form, key)))
            self.fields[key] = edit
        self.fields["debtor_name"].setMinimumWidth(320)
        self.fields["iban"].setPlaceholderText("FR76 3000 6000 0112 3456 7890 189")
        self.fields["iban"].setMinimumWidth(320)
        self.fields["bic"].setPlaceholderText(self.tr("déduit de l'IBAN si vide"))
        self.fields["building_number"].setMaximumWidth(80)
        self.fields["postcode"].setMaximumWidth(100)
        self.fields["country"].setMaximumWidth(50)
        self.fields["signed_on"] = self.signed_on = date_edit(form.signed_on)
        self.signed_on.setEnabled(new)  # an amendment keeps the mandate's signature date
        self.recurrent = QRadioButton(self.tr("Ré&current (chaque facture)"))
        self.one_off = QRadioButton(self.tr("&Ponctuel (une seule fois)"))
        (self.recurrent if form.recurrent else self.one_off).setChecked(True)
        kinds = QButtonGroup(self)
        kinds.addButton(self.recurrent)
        kinds.addButton(self.one_off)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.recurrent)
        kind_row.addWidget(self.one_off)
        kind_row.addStretch(1)
        address = QHBoxLayout()
        address.addWidget(self.errors.wrap("building_number", self.fields["building_number"]))
        address.addWidget(self.errors.wrap("street", self.fields["street"]), 1)
        town = QHBoxLayout()
        town.addWidget(self.errors.wrap("postcode", self.fields["postcode"]))
        town.addWidget(self.errors.wrap("town", self.fields["town"]), 1)
        town.addWidget(QLabel(self.tr("Pays")))
        town.addWidget(self.errors.wrap("country", self.fields["country"]))

        grid = QFormLayout()
        if mandate is not None:
            grid.addRow(self.tr("RUM"), QLabel(mandate.rum))
        grid.addRow(
            self.tr("&Titulaire du compte"),
            self.errors.wrap("debtor_name", self.fields["debtor_name"]),
        )
        grid.addRow(self.tr("N° et &rue"), address)
        grid.labelForField(address).setBuddy(self.fields["building_number"])
        grid.addRow(self.tr("Code postal, &ville"), town)
        grid.labelForField(town).setBuddy(self.fields["postcode"])
        grid.addRow(self.tr("&IBAN"), self.errors.wrap("iban", self.fields["iban"]))
        grid.addRow(self.tr("&BIC"), self.errors.wrap("bic", self.fields["bic"]))
        grid.addRow(self.tr("&Signé le"), self.errors.wrap("signed_on", self.signed_on))
        grid.addRow(self.tr("Type de paiement"), kind_row)
        for key in ("debtor_name", "iban", "bic", "signed_on"):
            grid.labelForField(self.fields[key].parentWidget()).setBuddy(self.fields[key])
        save_text = (
            self.tr("&Enregistrer le mandat") if new else self.tr("&Enregistrer la modification")
        )
        buttons, self.save_button = save_cancel_buttons(self, save_text)
        self.error = error_label(self)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(
            note_label(
                self.tr(
                    "Saisissez le mandat signé par la famille, avec son RIB. Une modification "
                    "garde la référence (RUM) ; la banque en est informée au prélèvement suivant."
                )
            )
        )
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        order = [
            self.fields[k]
            for k in (
                "debtor_name",
                "building_number",
                "street",
                "postcode",
                "town",
                "country",
                "iban",
                "bic",
            )
        ]
        order += [self.signed_on, self.recurrent, self.save_button]
        for first, second in zip(order, order[1:], strict=False):
            self.setTabOrder(first, second)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        (
            self.fields["iban"] if not new or form.debtor_name else self.fields["debtor_name"]
        ).setFocus()

    def typed(self) -> MandateInput:
        values = {key: self.fields[key].text() for key in (*TEXT_FIELDS, "iban", "bic")}
        signed = self.signed_on.date()
        return replace(
            self.form,
            **values,
            signed_on=signed.toPython(),
            recurrent=self.recurrent.isChecked(),
        )

    def _on_save_button_clicked(self) -> None:
        if self.mandate is None:
            self._saving(sign_mandate, self.family_id, self.typed())
        else:
            self._saving(amend_mandate, self.mandate.id, self.typed())


class RevokeDialog(_Form):
    """The family withdrew its consent: from which day, and why (its letter, a move…)."""

    def __init__(self, ctx: AppContext, mandate: MandateInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.mandate = ctx, mandate
        self.setWindowTitle(self.tr("Révoquer le mandat"))
        self.errors = FieldErrors()
        self.revoked_on = date_edit(ctx.store.clock.today())
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("ex. courrier de la famille du 02/12"))
        self.reason.setMinimumWidth(340)
        self.fields = {"revoked_on": self.revoked_on, "reason": self.reason}
        grid = QFormLayout()
        grid.addRow(self.tr("RUM"), QLabel(mandate.rum))
        grid.addRow(self.tr("Compte"), QLabel(mandate.account))
        grid.addRow(self.tr("Révoqué &le"), self.errors.wrap("revoked_on", self.revoked_on))
        grid.addRow(self.tr("&Motif"), self.errors.wrap("reason", self.reason))
        for edit in (self.revoked_on, self.reason):
            grid.labelForField(edit.parentWidget()).setBuddy(edit)
        buttons, self.save_button = save_cancel_buttons(self, self.tr("&Révoquer le mandat"))
        self.error = error_label(self)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(
            note_label(
                self.tr(
                    "Plus aucune facture n'est prélevée à partir de cette date : la famille "
                    "reçoit de nouveau le coupon de paiement."
                )
            )
        )
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.reason.setFocus()

    def _on_save_button_clicked(self) -> None:
        day = self.revoked_on.date().toPython()
        self._saving(revoke_mandate, self.mandate.id, day, self.reason.text())
