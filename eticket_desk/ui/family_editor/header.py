"""The dossier header: reference, family name, status badge, what is missing to validate, and
a warning when the family's direct debits were rejected twice or more in twelve months."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.services.families.data import PortalLoginData

MAX_ROWS = 6  # missing items listed in the header; the rest are summed up on the last row

# (background, text) of the status badge
STATUS_COLOURS = {
    FamilyStatus.DRAFT: ("#e0e0e0", "#424242"),
    FamilyStatus.INCOMPLETE: ("#ffe0b2", "#8a4b00"),
    FamilyStatus.VALIDATED: ("#c8e6c9", "#1b5e20"),
    FamilyStatus.ARCHIVED: ("#cfd8dc", "#37474f"),
}
_MISSING_STYLE = (
    "QFrame#missingPanel { background: #fff3e0; border: 1px solid #fb8c00; border-radius: 4px; }"
    "QLabel { color: #8a4b00; background: transparent; border: none; }"
)
_COMPLETE_STYLE = (
    "QFrame#missingPanel { background: #e8f5e9; border: 1px solid #43a047; border-radius: 4px; }"
    "QLabel { color: #1b5e20; background: transparent; border: none; }"
)


class DossierHeader(QFrame):
    """Who the dossier is and whether it can be validated, always in view above the tabs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._missing: list[str] = []
        self.reference = QLabel()
        self.reference.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.reference.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setObjectName("statusBadge")
        self.name = QLabel()
        self.name.setStyleSheet("font-size: 12pt;")
        self.name.setWordWrap(True)
        self.portal = QLabel()
        self.portal.setStyleSheet("color: #6b6b6b;")
        self.debit_flag = QLabel()
        self.debit_flag.setObjectName("debitFlag")
        self.debit_flag.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.debit_flag.setWordWrap(True)
        self.debit_flag.hide()

        top = QHBoxLayout()
        top.addWidget(self.reference)
        top.addWidget(self.status)
        top.addStretch(1)
        identity = QVBoxLayout()
        identity.addLayout(top)
        identity.addWidget(self.name)
        identity.addWidget(self.portal)
        identity.addWidget(self.debit_flag)
        identity.addStretch(1)

        self.missing_panel = QFrame()
        self.missing_panel.setObjectName("missingPanel")
        self.missing_title = QLabel()
        self.missing_title.setStyleSheet("font-weight: bold;")
        self.missing_rows: list[QLabel] = []
        self._panel_layout = QVBoxLayout(self.missing_panel)
        self._panel_layout.setContentsMargins(8, 6, 8, 6)
        self._panel_layout.setSpacing(1)
        self._panel_layout.addStretch(1)
        self._panel_layout.addWidget(self.missing_title)
        for _ in range(MAX_ROWS):
            row = QLabel()
            row.setWordWrap(True)
            row.setTextFormat(Qt.TextFormat.PlainText)
            row.setContentsMargins(10, 0, 0, 0)
            row.hide()
            self._panel_layout.addWidget(row)
            self.missing_rows.append(row)
        self._panel_layout.addStretch(1)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(identity, 2)
        layout.addWidget(self.missing_panel, 3)

    def show_identity(
        self,
        reference: str,
        display_name: str,
        status: FamilyStatus,
        portal_accounts: tuple[PortalLoginData, ...] = (),
    ) -> None:
        self.reference.setText(reference or self.tr("Nouveau dossier"))
        self.name.setText(display_name)
        background, colour = STATUS_COLOURS[status]
        self.status.setText(self.tr(status.label))
        self.status.setStyleSheet(
            f"background: {background}; color: {colour}; font-weight: bold; "
            "border-radius: 9px; padding: 2px 10px;"
        )
        logins = [
            account.login
            + (
                self.tr(" (mot de passe personnalisé le %s)")
                % f"{account.password_changed_at:%d/%m/%Y}"
                if account.password_changed_at
                else ""
            )
            for account in portal_accounts
        ]
        self.portal.setText(
            self.tr("Accès portail : %s") % ", ".join(logins)
            if logins
            else self.tr("Pas encore d'accès au portail")
        )

    def set_debit_flag(self, text: str) -> None:
        """« ⚠ 2 prélèvements rejetés en 12 mois (…) », or nothing."""
        self.debit_flag.setText(text)
        self.debit_flag.setVisible(bool(text))

    def set_missing(self, missing: list[str]) -> None:
        """Orange list of what is missing, or a green "Dossier complet"."""
        self._missing = list(missing)
        self.missing_panel.setStyleSheet(_MISSING_STYLE if missing else _COMPLETE_STYLE)
        self.missing_title.setText(
            self.tr("Éléments manquants pour valider le dossier")
            if missing
            else self.tr("✔ Dossier complet")
        )
        shown = missing if len(missing) <= MAX_ROWS else missing[: MAX_ROWS - 1]
        for row, item in zip(self.missing_rows, shown, strict=False):
            row.setText(f"• {item}")
            row.setToolTip("")
        if len(shown) < len(missing):
            last = self.missing_rows[MAX_ROWS - 1]
            last.setText(
                self.tr("… et %d autres éléments (survolez pour la liste)")
                % (len(missing) - len(shown))
            )
            last.setToolTip("\n".join(f"• {item}" for item in missing[len(shown) :]))
            shown = [*shown, ""]
        for index, row in enumerate(self.missing_rows):
            row.setVisible(index < len(shown))

    def missing_items(self) -> list[str]:
        """The reasons shown in the panel, as plain text (tests, accessibility)."""
        return list(self._missing)
