"""The paper registration form: child, period, one template row per activity, a preview that
follows the typing, and « Enregistrer l'inscription » (one transaction for the whole form)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.activity import ActivitySpec
from eticket_desk.services.catalogue.activities import list_activities
from eticket_desk.services.catalogue.calendar import list_school_years
from eticket_desk.services.core.changes import Change, FamilyTopic, Topic
from eticket_desk.services.families.registration_forms import (
    DraftOutcome,
    FormChild,
    FormFamily,
    apply_form,
    load_form_family,
    preview_form,
)
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, SubscriptionPreview
from eticket_desk.ui.admin.forms import ERROR_COLOUR, error_label, note_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text
from eticket_desk.ui.subscriptions.period_picker import PeriodPicker
from eticket_desk.ui.subscriptions.preview_text import preview_html
from eticket_desk.ui.subscriptions.template_grid import TemplateGrid
from eticket_desk.ui.subscriptions.template_rows import TemplateRow

PREVIEW_DELAY_MS = 300
SAVED_COLOUR = "#15803d"


@dataclass(frozen=True)
class SavedForm:
    """A form just recorded, as the batch screen lists it."""

    family_name: str
    reference: str
    child_name: str
    summaries: tuple[str, ...]


class SubscriptionForm(QWidget):
    """One paper form for one child of a family; reused by the dialog and the batch screen."""

    family_loaded = Signal(object)  # FormFamily
    form_saved = Signal(object)  # SavedForm

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._family: FormFamily | None = None
        self._activities: list[ActivitySpec] | None = None
        self._family_seq = 0
        self._preview_seq = 0
        self._saving = False
        # Controls of the owner that Tab reaches before and after the form's own.
        self.tab_head: list[QWidget] = []
        self.tab_tail: list[QWidget] = []

        self.family_label = QLabel(self.tr("Aucune famille choisie."))
        self.family_label.setWordWrap(True)
        self.child_combo = QComboBox()
        self.child_combo.setMinimumContentsLength(28)
        self.child_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker = PeriodPicker()
        self.period_combo = self.picker.combo
        self.start_field, self.end_field = self.picker.start_field, self.picker.end_field
        self.child_label = QLabel(self.tr("&Enfant :"))
        self.child_label.setBuddy(self.child_combo)
        header = QHBoxLayout()
        header.addWidget(self.child_label)
        header.addWidget(self.child_combo, 3)
        header.addSpacing(12)
        header.addWidget(self.picker, 2)

        self.grid = TemplateGrid()
        self.empty_label = note_label(
            self.tr(
                "Choisissez une famille : les activités qui concernent l'enfant s'affichent ici."
            )
        )
        self.error_label = error_label()
        self.error_label.setObjectName("form_error")
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setStyleSheet(f"color: {SAVED_COLOUR};")

        self.preview_title = QLabel(self.tr("Aperçu de l'inscription"))
        bold = self.preview_title.font()
        bold.setBold(True)
        self.preview_title.setFont(bold)
        self.preview = QTextBrowser()
        self.preview.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.preview.setMinimumHeight(120)
        self.save_button = QPushButton(self.tr("En&registrer l'inscription (Ctrl+Entrée)"))
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        preview_column = QVBoxLayout()
        preview_column.setContentsMargins(0, 0, 0, 0)
        preview_column.addWidget(self.preview_title)
        preview_column.addWidget(self.preview, 1)
        self.bottom = QHBoxLayout()  # the batch screen adds its list of forms entered here
        self.bottom.addLayout(preview_column, 3)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.family_label)
        layout.addLayout(header)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.grid)
        layout.addWidget(self.error_label)
        layout.addLayout(self.bottom, 1)
        layout.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.refresh_preview)
        for number in range(1, 10):
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.activated.connect(lambda n=number: self.grid.toggle(n))
        self.child_combo.currentIndexChanged.connect(self._on_child_combo_changed)
        self.picker.period_changed.connect(self._on_picker_period_changed)
        ctx.bus.changed.connect(self._on_bus_changed)
        self.grid.changed.connect(self._on_grid_changed)
        self.reload()

    # ------------------------------------------------------------ loading

    def reload(self) -> None:
        """Activities and school years (they change rarely: on their own screens)."""
        store = self._ctx.store
        self._ctx.runner.submit(
            lambda: (list_activities(store), list_school_years(store)),
            self._on_reference_loaded,
            self._show_error,
        )

    def set_family(self, family_id: uuid.UUID, child_id: uuid.UUID | None = None) -> None:
        self._family_seq += 1
        seq, store, actor = self._family_seq, self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: load_form_family(store, actor, family_id),
            lambda family: self._on_family_loaded(seq, family, child_id),
            self._show_error,
        )

    def clear_family(self) -> None:
        """Ready for the next form: no family, the period and the template stay."""
        self._family_seq += 1
        self._family = None
        self.child_combo.blockSignals(True)
        self.child_combo.clear()
        self.child_combo.blockSignals(False)
        self.family_label.setText(self.tr("Aucune famille choisie."))
        self.family_label.setStyleSheet("")
        self.grid.setEnabled(False)
        self.error_label.setVisible(False)
        self.preview.clear()

    def family(self) -> FormFamily | None:
        return self._family

    def current_child(self) -> FormChild | None:
        if self._family is None:
            return None
        child_id = self.child_combo.currentData()
        return self._family.child(child_id) if child_id is not None else None

    def period(self) -> tuple | None:
        return self.picker.period()

    def select_period(self, text_start: str) -> None:
        self.picker.select(text_start)

    def row(self, code: str) -> TemplateRow:
        return self.grid.row(code)

    # ------------------------------------------------------------ rows

    def _rebuild_for_child(self) -> None:
        child = self.current_child()
        mine = []
        if child is not None and self._activities is not None:
            mine = [a for a in self._activities if a.concerns(child.school_id, child.level)]
        self.grid.show_activities(mine)
        self.empty_label.setVisible(not mine)
        if child is not None and not mine:
            self.empty_label.setText(
                self.tr(
                    "Aucune activité ne concerne %1 : vérifiez son école et sa classe dans le "
                    "dossier."
                ).replace("%1", child.name)
            )
        self._prefill()

    def _prefill(self) -> None:
        self.grid.prefill(self.current_child(), self.period())
        self.schedule_preview()

    def tab_chain(self) -> list[QWidget]:
        """The controls Tab goes through, in the order of the paper form: the owner's own
        first (the family search), child, period, dates, each row, save, the owner's last."""
        chain = [*self.tab_head, self.child_combo, *self.picker.tab_widgets()]
        chain += self.grid.tab_widgets()
        chain += [self.save_button, *self.tab_tail]
        return [w for w in chain if w.isVisible() and w.isEnabled()]

    def move_focus(self, forward: bool) -> bool:
        """Tab and Shift+Tab along `tab_chain` (Qt's own chain follows the order widgets were
        created in, and the rows are created again for each child)."""
        chain = self.tab_chain()
        current = QApplication.focusWidget()
        here = next((i for i, w in enumerate(chain) if w is current), None)
        if here is None or len(chain) < 2:
            return False
        target = chain[(here + (1 if forward else -1)) % len(chain)]
        reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
        target.setFocus(reason)
        return True

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802
        return self.move_focus(forward) or super().focusNextPrevChild(forward)

    # ------------------------------------------------------------ preview

    def schedule_preview(self) -> None:
        """The preview follows the typing, ~300 ms after the last change."""
        self._timer.start()

    def drafts(self) -> tuple[list[SubscriptionDraft], str]:
        """The form's lines, or a French reason why there are none yet."""
        child = self.current_child()
        if child is None:
            return [], self.tr("Choisissez une famille et un enfant.")
        period = self.period()
        if period is None:
            return [], self.tr("Saisissez les dates de début et de fin (jj/mm/aaaa).")
        drafts = self.grid.drafts(child.id, *period)
        if not drafts:
            return [], self.tr("Cochez au moins une activité.")
        return drafts, ""

    def refresh_preview(self) -> None:
        self._timer.stop()
        self._preview_seq += 1
        seq = self._preview_seq
        drafts, reason = self.drafts()
        if not drafts:
            self.preview.setHtml(f'<p style="color:#555">{reason}</p>')
            self.error_label.setVisible(False)
            return
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: preview_form(store, actor, drafts),
            lambda outcomes: self._on_preview_done(seq, outcomes),
            self._show_error,
        )

    def _on_preview_done(self, seq: int, outcomes: list[DraftOutcome]) -> None:
        if seq != self._preview_seq:
            return  # the form changed since: a newer preview is on its way
        names = {a.id: a.name for a in self._activities or []}
        self.preview.setHtml(preview_html(outcomes, names))
        refusals = list(dict.fromkeys(o.refusal for o in outcomes if o.refusal))
        self.error_label.setText("\n".join(refusals))
        self.error_label.setVisible(bool(refusals))

    # ------------------------------------------------------------ saving

    def save(self) -> None:
        """Records every ticked activity of the form, in one transaction."""
        if self._saving:
            return
        drafts, reason = self.drafts()
        if not drafts:
            self._show_error_text(reason)
            return
        family, child = self._family, self.current_child()
        self._saving = True
        self.save_button.setEnabled(False)
        self._ctx.write(
            apply_form,
            drafts,
            on_done=lambda previews: self._on_apply_done(family, child, previews),
            on_error=self._on_apply_failed,
        )

    def _on_apply_done(
        self, family: FormFamily, child: FormChild, previews: list[SubscriptionPreview]
    ) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self.grid.remember()
        summaries = tuple(p.summary() for p in previews)
        self.status_label.setText(
            self.tr(
                "Inscription enregistrée pour %1 : %2 jour(s) réservé(s), %3 en liste d'attente."
            )
            .replace("%1", child.name)
            .replace("%2", str(sum(len(p.to_book) for p in previews)))
            .replace("%3", str(sum(len(p.waiting) for p in previews)))
        )
        self.error_label.setVisible(False)
        self.form_saved.emit(
            SavedForm(family.display_name, family.reference, child.name, summaries)
        )
        if self._family is family:  # still on screen (the dialog): show it as recorded
            self.set_family(family.id, child.id)

    def _on_apply_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self._show_error_text(error_text(exc))

    def _show_error_text(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        self.status_label.clear()

    # ------------------------------------------------------------ slots

    def _on_reference_loaded(self, loaded: tuple) -> None:
        activities, years = loaded
        self._activities = activities
        self.picker.set_years(years, self._ctx.store.clock.today())
        if self._family is not None:
            self._rebuild_for_child()

    def _on_family_loaded(self, seq: int, family: FormFamily, child_id: uuid.UUID | None) -> None:
        if seq != self._family_seq:
            return  # another family was chosen (or the form cleared) meanwhile
        wanted = child_id or self.child_combo.currentData()
        self._family = family
        text = f"<b>{family.display_name}</b> — {family.reference} · {family.status.label}"
        if not family.validated:
            text += self.tr(" : dossier non validé, l'inscription sera refusée.")
        self.family_label.setText(text)
        self.family_label.setStyleSheet("" if family.validated else f"color: {ERROR_COLOUR};")
        self.child_combo.blockSignals(True)
        self.child_combo.clear()
        for child in family.children:
            self.child_combo.addItem(child.label, child.id)
        index = self.child_combo.findData(wanted) if wanted is not None else -1
        self.child_combo.setCurrentIndex(max(index, 0) if family.children else -1)
        self.child_combo.blockSignals(False)
        self.grid.setEnabled(True)
        self.error_label.setVisible(False)
        if not family.children:
            self._show_error_text(self.tr("Ce dossier n'a aucun enfant."))
        self._rebuild_for_child()
        self.family_loaded.emit(family)

    def _on_child_combo_changed(self, _index: int) -> None:
        self._rebuild_for_child()

    def _on_picker_period_changed(self) -> None:
        self._prefill()

    def _on_grid_changed(self) -> None:
        self.status_label.clear()
        self.schedule_preview()

    def _on_bus_changed(self, topics: frozenset[Change]) -> None:
        if Topic.ACTIVITIES in topics or Topic.CALENDAR in topics:
            self.reload()
        elif (
            self._family is not None
            and (Topic.FAMILIES in topics or FamilyTopic(self._family.id) in topics)
            and not self._saving
            and Topic.BOOKINGS not in topics
        ):
            self.set_family(self._family.id, self.child_combo.currentData())
        if Topic.BOOKINGS in topics and self._family is not None:
            self.schedule_preview()
