"""« Saisie des inscriptions »: a pile of paper forms typed with the keyboard only.

Family search → child → template rows → Ctrl+Entrée, and the next form starts with the
family field cleared, the period and the last template still selected.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.services.families.search import FamilyHit, search_families
from eticket_desk.ui.admin.forms import note_label, title_label
from eticket_desk.ui.context import AppContext
from eticket_desk.ui.messages import error_text
from eticket_desk.ui.subscriptions.form import SavedForm, SubscriptionForm

HITS_SHOWN = 8
RECENT_KEPT = 50
_MOVES = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 5, Qt.Key.Key_PageUp: -5}


class BatchEntryScreen(QWidget):
    """Typing a pile of registration forms, one after the other, without the mouse."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._search_seq = 0
        self.count = 0

        self.counter_label = QLabel()
        bold = self.counter_label.font()
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.counter_label.setFont(bold)
        self.hint_label = note_label(
            self.tr(
                "Alt+M famille, ↓ ↑ Entrée : choisir · Alt+E enfant · Alt+P période · "
                "Alt+1…9 : cocher une activité · Tab, Espace, ↓ ↑ : jours et options · "
                "Ctrl+Entrée : enregistrer, formulaire suivant"
            )
        )
        self.hint_label.setObjectName("shortcut_hint")

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(self.tr("Nom, prénom d'un enfant, référence…"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.installEventFilter(self)
        search_label = QLabel(self.tr("Fa&mille :"))
        search_label.setBuddy(self.search_edit)
        self.hits_list = QListWidget()
        self.hits_list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hits_list.setFixedHeight(self.hits_list.fontMetrics().height() * 4 + 14)
        self.hits_list.itemDoubleClicked.connect(self._on_hits_list_double_clicked)
        self.search_note = note_label()
        search_column = QVBoxLayout()
        search_row = QHBoxLayout()
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_column.addLayout(search_row)
        search_column.addWidget(self.search_note)
        search_column.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(search_column, 2)
        top.addWidget(self.hits_list, 3)

        self.form = SubscriptionForm(ctx, self)
        self.form.tab_head = [self.search_edit]
        self.recent_list = QListWidget()
        self.recent_list.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.recent_list.setWordWrap(True)
        self.recent_list.setAlternatingRowColors(True)
        self.recent_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.recent_title = QLabel(self.tr("Derniers formulaires saisis"))
        self.recent_title.setFont(self.form.preview_title.font())
        recent_column = QVBoxLayout()
        recent_column.addWidget(self.recent_title)
        recent_column.addWidget(self.recent_list, 1)
        self.form.bottom.addLayout(recent_column, 2)

        heading = QHBoxLayout()
        heading.addWidget(title_label(self.tr("Saisie des inscriptions")), 1)
        heading.addWidget(self.counter_label)
        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addWidget(self.hint_label)
        layout.addLayout(top)
        layout.addWidget(self.form, 1)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self).activated.connect(self.form.save)
        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.form.family_loaded.connect(self._on_form_family_loaded)
        self.form.form_saved.connect(self._on_form_form_saved)
        self._show_count()
        self.setFocusProxy(self.search_edit)

    # ------------------------------------------------------------ search

    def _search(self, text: str) -> None:
        self._search_seq += 1
        seq = self._search_seq
        if not text.strip():
            self.hits_list.clear()
            self.search_note.setText("")
            return
        store, actor = self._ctx.store, self._ctx.actor
        self._ctx.runner.submit(
            lambda: search_families(store, actor, text, limit=HITS_SHOWN, include_archived=False),
            lambda hits: self._on_search_done(seq, text, hits),
            lambda exc: self.search_note.setText(error_text(exc)),
        )

    def _on_search_done(self, seq: int, text: str, hits: list[FamilyHit]) -> None:
        if seq != self._search_seq:
            return
        self.hits_list.clear()
        for hit in hits:
            line = f"{hit.display_name} — {hit.reference} — {hit.children or '—'}"
            if hit.status != FamilyStatus.VALIDATED:
                line += f" ({hit.status.label.lower()})"
            item = QListWidgetItem(line)
            item.setData(Qt.ItemDataRole.UserRole, hit.id)
            self.hits_list.addItem(item)
        if hits:
            self.hits_list.setCurrentRow(0)
            self.search_note.setText(self.tr("Entrée : choisir la famille surlignée."))
        else:
            self.search_note.setText(
                self.tr("Aucune famille ne correspond à « %1 ».").replace("%1", text.strip())
            )

    def pick_current(self) -> bool:
        item = self.hits_list.currentItem()
        if item is None:
            return False
        self.form.set_family(item.data(Qt.ItemDataRole.UserRole))
        return True

    def _move(self, step: int) -> None:
        rows = self.hits_list.count()
        if rows:
            current = (
                max(self.hits_list.currentRow(), 0) if step > 0 else self.hits_list.currentRow()
            )
            self.hits_list.setCurrentRow(max(0, min(rows - 1, current + step)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.search_edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in _MOVES and not event.modifiers():
                self._move(_MOVES[Qt.Key(key)])
                return True
            plain = not event.modifiers() & Qt.KeyboardModifier.ControlModifier
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
                self.pick_current()
                return True
        return super().eventFilter(watched, event)

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802
        return self.form.move_focus(forward) or super().focusNextPrevChild(forward)

    # ------------------------------------------------------------ forms

    def _show_count(self) -> None:
        self.counter_label.setText(
            self.tr("Formulaires saisis : %1").replace("%1", str(self.count))
        )

    def _on_search_edit_text_changed(self, text: str) -> None:
        self._search(text)

    def _on_hits_list_double_clicked(self, _item: QListWidgetItem) -> None:
        self.pick_current()

    def _on_form_family_loaded(self, _family) -> None:
        self.form.child_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_form_form_saved(self, saved: SavedForm) -> None:
        self.count += 1
        self._show_count()
        lines = [f"{saved.child_name} — {saved.family_name} ({saved.reference})"]
        lines += [f"   {summary}" for summary in saved.summaries]
        item = QListWidgetItem("\n".join(lines))
        item.setToolTip("\n".join(lines))
        self.recent_list.insertItem(0, item)
        while self.recent_list.count() > RECENT_KEPT:
            self.recent_list.takeItem(self.recent_list.count() - 1)
        self.form.clear_family()
        self.search_edit.clear()
        self.hits_list.clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
