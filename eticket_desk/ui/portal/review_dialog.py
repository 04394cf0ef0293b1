"""Accepting or refusing a parent's document: a refusal needs the reason the family will read
on the portal; a medical certificate naming a child offers the child's days still booked or
marked absent without justification, to justify the ones the certificate covers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.services.families.documents import (
    DocumentRow,
    JustifiableDay,
    review_document,
)
from eticket_desk.ui.admin.forms import error_label, note_label, save_cancel_buttons
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text

_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def day_text(item: JustifiableDay) -> str:
    day = item.day
    return f"{_DAYS[day.weekday()]} {day:%d/%m/%Y} — {', '.join(item.activities)}"


class ReviewDialog(QDialog):
    """`accept_it`: the acceptance (with the days to justify), else the refusal."""

    def __init__(
        self,
        ctx: AppContext,
        row: DocumentRow,
        accept_it: bool,
        days: list[JustifiableDay],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.row, self.accept_it = ctx, row, accept_it
        self.message = ""
        title = self.tr("Accepter le document") if accept_it else self.tr("Refuser le document")
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        what = f"{row.kind_label} — {row.filename}"
        if row.child_name:
            what += f" ({row.child_name})"
        layout.addWidget(QLabel(f"{row.family_name} : {what}"))
        self.days_list = QListWidget()
        self.reason_edit = QPlainTextEdit()
        if accept_it:
            if days:
                label = QLabel(self.tr("Absences à &justifier par ce certificat :"))
                label.setBuddy(self.days_list)
                layout.addWidget(label)
                for item in days:
                    entry = QListWidgetItem(day_text(item))
                    entry.setData(Qt.ItemDataRole.UserRole, item.day)
                    entry.setCheckState(Qt.CheckState.Unchecked)
                    self.days_list.addItem(entry)
                layout.addWidget(self.days_list)
                layout.addWidget(
                    note_label(
                        self.tr(
                            "Les jours cochés passent « absent justifié » : ils ne sont pas "
                            "facturés."
                        )
                    )
                )
            elif row.is_certificate:
                layout.addWidget(note_label(self.tr("Aucune absence à justifier pour l'enfant.")))
        else:
            label = QLabel(self.tr("&Motif du refus (la famille le lira sur le portail) :"))
            label.setBuddy(self.reason_edit)
            layout.addWidget(label)
            self.reason_edit.setTabChangesFocus(True)
            layout.addWidget(self.reason_edit)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons, self.save_button = save_cancel_buttons(
            self, self.tr("Accepter") if accept_it else self.tr("Refuser")
        )
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout.addWidget(buttons)

    def picked_days(self) -> list:
        return [
            self.days_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.days_list.count())
            if self.days_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _on_save_button_clicked(self) -> None:
        self.save_button.setEnabled(False)
        self.ctx.write(
            review_document,
            self.row.id,
            self.accept_it,
            self.reason_edit.toPlainText(),
            self.picked_days(),
            on_done=self._on_saved,
            on_error=self._on_failed,
        )

    def _on_saved(self, done) -> None:
        self.message = done.message
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.save_button.setEnabled(True)
        self.error.setText(error_text(exc))
        self.error.show()
