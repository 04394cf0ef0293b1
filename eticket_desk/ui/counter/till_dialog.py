"""The till dialog: open the till with its float, or see the session and close it by
counting the cash (difference shown live, explanation required when it is not zero). A till
held by a colleague is said so: « Reprendre la caisse » takes it over, and closing it in
their place is confirmed first.

The dialog is given the till as read on the task runner (`open_till_dialog` reads it and
shows the dialog once the answer is back)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.money import format_cents, parse_cents
from eticket_desk.services.core.documents import document_path
from eticket_desk.services.counter.till import (
    TillState,
    clock_time,
    close_till,
    current_till,
    hand_over_till,
    open_till,
)
from eticket_desk.services.counter.till_journal import print_till_journal
from eticket_desk.ui import messages, pdf_preview
from eticket_desk.ui.admin.forms import error_label, note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.counter.widgets import (
    ALERT_COLOUR,
    OK_COLOUR,
    WARNING_COLOUR,
    big_label,
    coloured,
    scaled,
)
from eticket_desk.ui.messages import show_error


def open_till_dialog(
    ctx: AppContext, parent: QWidget | None, then: Callable[[], object] | None = None
) -> None:
    """Reads the till on the task runner, then shows the dialog (modal) and calls `then`."""
    store = ctx.store

    def show(till: TillState | None) -> None:
        TillDialog(ctx, till, parent).exec()
        if then is not None:
            then()

    ctx.runner.submit(
        lambda: current_till(store),
        show,
        lambda exc: show_error(parent, exc, "Lecture de la caisse impossible"),
    )


class TillDialog(QDialog):
    """Opens the till when it is closed (`till` None), closes it when it is open."""

    def __init__(
        self, ctx: AppContext, till: TillState | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.till = till
        self.others = self.till is not None and self.till.held_by_other(ctx.actor)
        self.setWindowTitle(self.tr("Caisse"))
        self.setMinimumWidth(460)
        self.error = error_label()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        if self.till is None:
            layout.addWidget(title_label(self.tr("Ouvrir la caisse")))
            layout.addWidget(note_label(self.tr("Comptez les espèces du fonds de caisse.")))
            self.float_edit = QLineEdit("0,00")
            form.addRow(self.tr("Fonds de caisse (€)"), self.float_edit)
            self.ok_button = self.buttons.addButton(
                self.tr("Ouvrir la caisse"), QDialogButtonBox.ButtonRole.AcceptRole
            )
            self.float_edit.selectAll()
        else:
            till = self.till
            title = (
                self.tr("Caisse de %s") % till.holder_name
                if self.others
                else self.tr("Clôturer la caisse")
            )
            layout.addWidget(title_label(title))
            if self.others:
                self._add_holder(layout)
            else:
                self.opened_label = note_label(self._opened_text())
                layout.addWidget(self.opened_label)
            form.addRow(self.tr("Fonds de caisse"), QLabel(format_cents(till.float_cents)))
            form.addRow(self.tr("Espèces encaissées"), QLabel(format_cents(till.cash_in_cents)))
            self.expected_label = big_label(format_cents(till.expected_cash_cents), factor=1.4)
            form.addRow(self.tr("Espèces attendues"), self.expected_label)
            form.addRow(self.tr("Chèques"), QLabel(format_cents(till.cheques_cents)))
            form.addRow(self.tr("Cartes bancaires"), QLabel(format_cents(till.cards_cents)))
            self.counted_edit = QLineEdit()
            self.counted_edit.setPlaceholderText(self.tr("Espèces comptées"))
            form.addRow(self.tr("Espèces comptées (€)"), self.counted_edit)
            self.difference_label = big_label(factor=1.4)
            form.addRow(self.tr("Écart"), self.difference_label)
            self.note_edit = QPlainTextEdit()
            self.note_edit.setPlaceholderText(self.tr("Explication de l'écart"))
            self.note_edit.setFixedHeight(70)
            form.addRow(self.tr("Explication"), self.note_edit)
            self.alert_label = coloured(QLabel(till.alert()), ALERT_COLOUR)
            self.alert_label.setVisible(till.over_ceiling)
            layout.addWidget(self.alert_label)
            self.ok_button = self.buttons.addButton(
                self.tr("Clôturer à sa place…") if self.others else self.tr("Clôturer la caisse"),
                QDialogButtonBox.ButtonRole.AcceptRole,
            )
            self.journal_button = self.buttons.addButton(
                self.tr("Journal provisoire…"), QDialogButtonBox.ButtonRole.ActionRole
            )
            self.journal_button.clicked.connect(self._on_journal_button_clicked)
            self.counted_edit.textChanged.connect(self._on_counted_edit_changed)
            self.note_edit.textChanged.connect(self._on_counted_edit_changed)
            self._on_counted_edit_changed()
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.rejected.connect(self.reject)
        self.ok_button.clicked.connect(self._on_ok_button_clicked)
        if self.others:  # once in the dialog: what a colleague at the desk usually wants
            self.take_over_button.setDefault(True)

    def _opened_text(self) -> str:
        till = self.till
        text = self.tr("Ouverte le %s à %s par %s.") % (
            till.opened_at.strftime("%d/%m/%Y"),
            clock_time(till.opened_at),
            till.opened_by_name,
        )
        if till.held_since and till.held_since != till.opened_at:
            text += " " + self.tr("Reprise par vous à %s.") % clock_time(till.held_since)
        return text

    def _add_holder(self, layout: QVBoxLayout) -> None:
        """Whose till it is, and the two ways to act on it."""
        today = self.ctx.store.clock.today()
        self.holder_label = coloured(
            scaled(QLabel(self.till.holder_text(today) + "."), 1.1), WARNING_COLOUR
        )
        self.holder_label.setWordWrap(True)
        layout.addWidget(self.holder_label)
        layout.addWidget(
            note_label(
                self.tr(
                    "On n'encaisse que dans sa propre caisse. Pour encaisser, reprenez-la : "
                    "ses quittances restent à son nom et le journal dira que vous l'avez "
                    "reprise. Pour la clôturer à sa place, comptez les espèces ci-dessous."
                )
            )
        )
        self.take_over_button = self.buttons.addButton(
            self.tr("Reprendre la caisse…"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.take_over_button.clicked.connect(self._on_take_over_button_clicked)

    def _on_take_over_button_clicked(self) -> None:
        till, ctx = self.till, self.ctx
        question = self.tr(
            "Reprendre la caisse de %s ?\n\nVos encaissements iront dans cette caisse, et le "
            "journal de caisse dira que vous l'avez reprise à %s."
        ) % (till.holder, clock_time(ctx.store.clock.now()))
        if not messages.ask_yes_no(self, self.tr("Reprendre la caisse"), question):
            return
        ctx.write(
            hand_over_till,
            till.held_by,
            on_done=self._on_taken_over,
            on_error=self._on_till_failed,
        )

    def _on_taken_over(self, _state) -> None:
        self.accept()

    def _counted_difference(self) -> tuple[int | None, str]:
        text = self.counted_edit.text().strip()
        if not text:
            return None, self.tr("Indiquez les espèces comptées.")
        try:
            counted = parse_cents(text)
        except DomainError as exc:
            return None, exc.message
        return counted - self.till.expected_cash_cents, ""

    def _on_counted_edit_changed(self) -> None:
        difference, problem = self._counted_difference()
        if difference is None:
            self.difference_label.setText("—")
            self.difference_label.setStyleSheet("")
        else:
            self.difference_label.setText(format_cents(difference))
            colour = OK_COLOUR if difference == 0 else ALERT_COLOUR
            self.difference_label.setStyleSheet(f"color: {colour};")
            if difference and not self.note_edit.toPlainText().strip():
                problem = self.tr("Écart de %s : expliquez-le avant de clôturer.") % format_cents(
                    difference
                )
        self.ok_button.setEnabled(not problem)
        self.ok_button.setToolTip(problem)
        typed = bool(self.counted_edit.text().strip())  # no red before anything is typed
        self.error.setText(problem if typed else "")
        self.error.setVisible(bool(problem) and typed)

    def _on_ok_button_clicked(self) -> None:
        ctx = self.ctx
        if self.till is None:
            try:
                float_cents = parse_cents(self.float_edit.text())
            except DomainError as exc:
                show_error(self, exc)
                return
            ctx.write(
                open_till, float_cents, on_done=self._on_till_done, on_error=self._on_till_failed
            )
            return
        difference, problem = self._counted_difference()
        if difference is None:
            return
        counted = self.till.expected_cash_cents + difference
        note = self.note_edit.toPlainText()
        holder = self.till.held_by if self.others else ""
        if holder and not messages.ask_yes_no(
            self,
            self.tr("Clôturer à sa place"),
            self.tr(
                "Clôturer la caisse de %s à sa place ?\n\nLe journal de caisse dira que vous "
                "l'avez clôturée pour cette personne."
            )
            % self.till.holder,
        ):
            return
        ctx.write(
            close_till,
            counted,
            note,
            in_place_of=holder,
            on_done=self._on_till_done,
            on_error=self._on_till_failed,
        )

    def _journal(self, till_id, then) -> None:
        """Write the journal of a session in the documents folder, then call `then(path)`."""
        ctx, opened_at = self.ctx, self.till.opened_at
        out = document_path(
            ctx.store, "journal", opened_at.year, f"journal-{opened_at:%Y-%m-%d-%H%M}.pdf"
        )
        ctx.runner.submit(
            lambda: print_till_journal(ctx.store, ctx.actor, till_id, out),
            then,
            self._on_till_failed,
        )

    def _on_journal_button_clicked(self) -> None:
        self._journal(None, lambda path: pdf_preview.preview(path, self.tr("Journal"), self))

    def _on_till_done(self, state) -> None:
        if self.till is None or state.closed_at is None:
            self.accept()
            return
        # closed: the day's journal, with the count and the difference, to sign and file
        self.closed_journal = None

        def show(path) -> None:
            self.closed_journal = path
            self.accept()
            pdf_preview.preview(path, self.tr("Journal de caisse"), self.parentWidget())

        self._journal(state.id, show)

    def _on_till_failed(self, exc: Exception) -> None:
        show_error(self, exc)
