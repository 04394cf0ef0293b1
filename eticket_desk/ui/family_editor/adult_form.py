"""The form of one adult or other third party: identity, phones, address and role flags."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.families.data import RELATIONS, AdultData
from eticket_desk.ui.family_editor.checks import ADULT_TEXT_CHECKS, Entry
from eticket_desk.ui.family_editor.signals import emit
from eticket_desk.ui.family_editor.widgets import CheckedLineEdit, error_label, plain_button

ADDRESS_FIELDS = ("address1", "address2", "address3", "postcode", "city")
# Flags a dossier holds once: ticking one on a person unticks it on the others.
SINGLE_FLAGS = ("billing", "emergency_contact")


class AdultForm(QWidget):
    """Edits one AdultData in place; `third_party` hides the guardian and billing flags."""

    edited = Signal(str)  # field name
    errors_changed = Signal()
    flag_claimed = Signal(str)  # "billing" or "emergency_contact" ticked on this person

    def __init__(self, third_party: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.third_party = third_party
        self._entry: Entry | None = None
        self._loading = False
        self._address_source: Callable[[], AdultData | None] = lambda: None

        self.relation = QComboBox()
        self.relation.setEditable(True)
        self.relation.addItems(list(RELATIONS))
        self.relation.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.relation.lineEdit().setPlaceholderText(self.tr("ex. Mère, Père"))

        self.fields: dict[str, CheckedLineEdit] = {}
        labels = {
            "last_name": self.tr("Nom *"),
            "first_name": self.tr("Prénom"),
            "phone_home": self.tr("Téléphone domicile"),
            "phone_mobile": self.tr("Portable"),
            "phone_work": self.tr("Téléphone travail"),
            "phone_work_mobile": self.tr("Portable travail"),
            "email": self.tr("E-mail"),
            "address1": self.tr("Adresse ligne 1"),
            "address2": self.tr("Adresse ligne 2"),
            "address3": self.tr("Adresse ligne 3"),
            "postcode": self.tr("Code postal"),
            "city": self.tr("Ville"),
        }
        for name in labels:
            field = CheckedLineEdit(ADULT_TEXT_CHECKS.get(name))
            field.edited.connect(lambda text, n=name: self._on_field_edited(n, text))
            field.checked.connect(lambda message, n=name: self._on_field_checked(n, message))
            self.fields[name] = field
        self.fields["phone_mobile"].line_edit.setPlaceholderText("06 12 34 56 78")
        self.fields["email"].line_edit.setPlaceholderText("prenom.nom@exemple.fr")
        self.fields["postcode"].line_edit.setMaxLength(6)

        identity = QGroupBox(self.tr("Identité et téléphones"))
        left = QFormLayout(identity)
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(self.tr("Lien avec l'enfant"), self.relation)
        for name in (
            "last_name",
            "first_name",
            "phone_home",
            "phone_mobile",
            "phone_work",
            "phone_work_mobile",
            "email",
        ):
            left.addRow(labels[name], self.fields[name])

        address = QGroupBox(
            self.tr("Adresse") if not third_party else self.tr("Adresse (facultative)")
        )
        right = QFormLayout(address)
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in ADDRESS_FIELDS:
            right.addRow(labels[name], self.fields[name])
        self.copy_address = plain_button(self.tr("&Copier l'adresse"))
        self.copy_address.clicked.connect(self._on_copy_address_clicked)
        right.addRow("", self.copy_address)

        roles = QGroupBox(self.tr("Rôle dans le dossier"))
        flags_layout = QVBoxLayout(roles)
        self.flags: dict[str, QCheckBox] = {}
        flag_texts = {
            "legal_guardian": self.tr("Responsable légal"),
            "billing": self.tr("Adresse de facturation"),
            "emergency_contact": self.tr("Contact d'urgence"),
            "may_pick_up": self.tr("Autorisé(e) à récupérer les enfants"),
        }
        if third_party:
            del flag_texts["legal_guardian"], flag_texts["billing"]
        for name, text in flag_texts.items():
            box = QCheckBox(text)
            box.toggled.connect(lambda checked, n=name: self._on_flag_toggled(n, checked))
            flags_layout.addWidget(box)
            self.flags[name] = box
        if "billing" in self.flags:
            self.flags["billing"].setToolTip(
                self.tr(
                    "Une seule adresse de facturation par dossier : la cocher ici la "
                    "retire à l'autre adulte."
                )
            )
        self.flags["emergency_contact"].setToolTip(
            self.tr(
                "Un seul contact d'urgence par dossier : le cocher ici le retire à "
                "l'autre personne."
            )
        )
        self.flags_error = error_label()
        flags_layout.addWidget(self.flags_error)
        if not third_party:  # documents by e-mail: only with a valid address (checked on save)
            consent = QCheckBox(self.tr("par e-mail (accord)"))
            consent.setToolTip(
                self.tr(
                    "Accepte de recevoir les documents (factures, relances, attestations) par "
                    "e-mail, à l'adresse ci-dessus."
                )
            )
            consent.toggled.connect(lambda checked: self._on_flag_toggled("mail_consent", checked))
            left.addRow(self.tr("Documents"), consent)
            self.flags["mail_consent"] = consent

        grid = QGridLayout(self)
        grid.addWidget(identity, 0, 0, 2, 1)
        grid.addWidget(address, 0, 1)
        grid.addWidget(roles, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(2, 1)
        grid.setAlignment(identity, Qt.AlignmentFlag.AlignTop)
        self._set_tab_order()
        self.relation.currentTextChanged.connect(self._on_relation_current_text_changed)

    def _set_tab_order(self) -> None:
        chain = [self.relation] + [
            self.fields[n].line_edit
            for n in (
                "last_name",
                "first_name",
                "phone_home",
                "phone_mobile",
                "phone_work",
                "phone_work_mobile",
                "email",
                *ADDRESS_FIELDS,
            )
        ]
        if "mail_consent" in self.flags:  # right under the e-mail
            chain.insert(
                chain.index(self.fields["email"].line_edit) + 1, self.flags["mail_consent"]
            )
        chain += [self.copy_address, *(b for n, b in self.flags.items() if n != "mail_consent")]
        for first, second in zip(chain, chain[1:], strict=False):
            self.setTabOrder(first, second)

    # ------------------------------------------------------------ PersonForm

    def set_address_source(self, source: Callable[[], AdultData | None]) -> None:
        """Where "Copier l'adresse de …" takes the address from (the dossier's first adult)."""
        self._address_source = source

    def load(self, entry: Entry | None) -> None:
        self._entry = entry
        self._loading = True
        try:
            adult = entry.data if entry is not None else AdultData(third_party=self.third_party)
            self.relation.setCurrentText(adult.relation)
            for name, field in self.fields.items():
                field.set_text(getattr(adult, name))
            for name, box in self.flags.items():
                box.setChecked(getattr(adult, name))
        finally:
            self._loading = False
        self.show_errors()
        self._update_copy_address()

    def show_errors(self) -> None:
        errors = self._entry.errors if self._entry is not None else {}
        for name, field in self.fields.items():
            field.set_error(errors.get(name, ""))
        flag_errors = [m for n, m in errors.items() if n not in self.fields]
        self.flags_error.setText("\n".join(flag_errors))
        self.flags_error.setVisible(bool(flag_errors))

    def focus_field(self, name: str) -> None:
        if name in self.fields:
            line_edit = self.fields[name].line_edit
            line_edit.setFocus(Qt.FocusReason.OtherFocusReason)
            line_edit.selectAll()
        elif name in self.flags:
            self.flags[name].setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.relation.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_read_only(self, read_only: bool) -> None:
        self.relation.setEnabled(not read_only)
        for field in self.fields.values():
            field.set_read_only(read_only)
        for box in self.flags.values():
            box.setEnabled(not read_only)
        self.copy_address.setEnabled(not read_only)
        self._update_copy_address()

    def run_checks(self) -> None:
        """Check the field that has the cursor (before a save started by Ctrl+S)."""
        for field in self.fields.values():
            if field.line_edit.hasFocus():
                field.run_check()

    # ------------------------------------------------------------ slots

    def _update_copy_address(self) -> None:
        source = self._address_source()
        current = self._entry.data if self._entry is not None else None
        usable = (
            not self.third_party
            and source is not None
            and current is not None
            and source is not current
            and bool(source.address1 or source.city)
        )
        self.copy_address.setVisible(usable)
        if usable:
            self.copy_address.setText(self.tr("&Copier l'adresse de %s") % source.display_name)
            self.copy_address.setEnabled(not self.fields["city"].line_edit.isReadOnly())

    def _on_copy_address_clicked(self) -> None:
        source = self._address_source()
        if source is None or self._entry is None:
            return
        for name in ADDRESS_FIELDS:
            value = getattr(source, name)
            self.fields[name].set_text(value)
            self._on_field_edited(name, value)
            self._on_field_checked(name, "")
        self.show_errors()

    def _on_relation_current_text_changed(self, text: str) -> None:
        if not self._loading and self._entry is not None:
            self._entry.data.relation = text.strip()
            emit(self.edited, "relation")

    def _on_field_edited(self, name: str, text: str) -> None:
        if not self._loading and self._entry is not None:
            setattr(self._entry.data, name, text)
            emit(self.edited, name)

    def _on_field_checked(self, name: str, message: str) -> None:
        if self._loading or self._entry is None:
            return
        errors = self._entry.errors
        if (errors.get(name, "") or "") == message:
            return
        if message:
            errors[name] = message
        else:
            errors.pop(name, None)
        emit(self.errors_changed)

    def _on_flag_toggled(self, name: str, checked: bool) -> None:
        if self._loading or self._entry is None:
            return
        setattr(self._entry.data, name, checked)
        if name in ("billing", "legal_guardian") and self._entry.errors.pop("billing", None):
            self.show_errors()
            emit(self.errors_changed)
        emit(self.edited, name)
        if checked and name in SINGLE_FLAGS:
            emit(self.flag_claimed, name)
