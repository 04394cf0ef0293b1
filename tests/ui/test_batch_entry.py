"""« Saisie des inscriptions » driven with the keyboard only, keystrokes counted per form."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.subscriptions.forms import list_subscriptions
from eticket_desk.ui.subscriptions import BatchEntryScreen
from tests.conftest import complete_family, validated_family

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


class Keyboard:
    """Types into whatever has the focus, as a person does, and counts the keystrokes (a
    chord such as Ctrl+Entrée is one)."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.count = 0

    def type(self, text: str) -> None:
        self.qtbot.keyClicks(QApplication.focusWidget(), text)
        self.count += len(text)

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier, times: int = 1) -> None:
        for _ in range(times):
            self.qtbot.keyClick(QApplication.focusWidget(), key, modifier)
            self.count += 1

    def take(self) -> int:
        count, self.count = self.count, 0
        return count


@pytest.fixture
def families(store, admin, schools, activities):
    return [
        validated_family(store, admin, schools, last_name=name, child_first_name=first)
        for name, first in (("Dupont", "Lea"), ("Martin", "Hugo"), ("Bernard", "Zoe"))
    ]


@pytest.fixture
def screen(qtbot, ctx, activities):
    screen = BatchEntryScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 760)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    qtbot.waitActive(screen)
    screen.search_edit.setFocus()
    return screen


def _booked(store, admin, family, code, monday):
    plan = load_week(store, admin, family.id, monday)
    row = next(r for r in plan.children[0].rows if r.code == code)
    return [c.day.day for c in row.cells if c.booking == BookingState.BOOKED]


def _focus():
    return QApplication.focusWidget()


def test_three_forms_with_the_keyboard_only(qtbot, screen, store, admin, families):
    keys = Keyboard(qtbot)
    form = screen.form
    assert screen.counter_label.text() == "Formulaires saisis : 0"
    assert "Ctrl+Entrée" in screen.hint_label.text()

    # Form 1 — Lea Dupont: canteen every day it runs, the bus except on Wednesdays.
    keys.type("dupo")
    assert screen.hits_list.item(0).text().startswith("DUPONT Marie — F0000")
    keys.press(Qt.Key.Key_Return)
    assert _focus() is form.child_combo
    assert form.child_combo.currentText() == "Lea Dupont — CP, École Jules Ferry"
    keys.press(Qt.Key.Key_1, ALT)
    keys.press(Qt.Key.Key_2, ALT)
    assert _focus() is form.row("BUS").enrolled
    keys.press(Qt.Key.Key_Tab, times=3)
    assert _focus() is form.row("BUS").day_boxes[2]
    keys.press(Qt.Key.Key_Space)
    keys.press(Qt.Key.Key_Return, CTRL)
    first = keys.take()
    assert screen.counter_label.text() == "Formulaires saisis : 1"
    assert _focus() is screen.search_edit and screen.search_edit.text() == ""
    assert form.period_combo.currentText() == "Période 1 (01/09 → 16/10)"

    # Form 2 — Hugo Martin: the same form; the last template is still there.
    keys.type("mart")
    keys.press(Qt.Key.Key_Return)
    assert form.row("CANTINE").enrolled.isChecked()
    assert not form.row("BUS").day_boxes[2].isChecked()
    keys.press(Qt.Key.Key_Return, CTRL)
    second = keys.take()

    # Form 3 — Zoe Bernard: no bus, TAP instead.
    keys.type("bern")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_2, ALT)
    keys.press(Qt.Key.Key_3, ALT)
    keys.press(Qt.Key.Key_Return, CTRL)
    third = keys.take()

    assert screen.counter_label.text() == "Formulaires saisis : 3"
    assert (first, second, third) == (12, 6, 8)
    recent = [screen.recent_list.item(r).text() for r in range(screen.recent_list.count())]
    assert [text.split(" — ")[0] for text in recent] == ["Zoe Bernard", "Hugo Martin", "Lea Dupont"]
    assert recent[0].startswith("Zoe Bernard — BERNARD Marie (F0000")
    assert "\n   Cantine : 19 jour(s) à réserver" in recent[0]
    assert "\n   TAP : " in recent[0]

    dupont, martin, bernard = families
    week = date(2026, 9, 21)
    assert _booked(store, admin, dupont, "CANTINE", week) == [21, 22, 24, 25]
    assert _booked(store, admin, dupont, "BUS", week) == [21, 22, 24, 25]
    assert _booked(store, admin, martin, "BUS", week) == [21, 22, 24, 25]
    assert _booked(store, admin, bernard, "BUS", week) == []
    assert _booked(store, admin, bernard, "TAP", week) == [22, 25]


def test_tab_goes_through_the_form_in_order(qtbot, screen, families):
    keys = Keyboard(qtbot)
    form = screen.form
    keys.type("dupo")
    keys.press(Qt.Key.Key_Return)
    seen = [_focus()]
    for _ in range(30):
        keys.press(Qt.Key.Key_Tab)
        seen.append(_focus())
        if _focus() is form.save_button:
            break
    cantine, bus, tap = form.row("CANTINE"), form.row("BUS"), form.row("TAP")
    # Rows not ticked offer only their « inscrit » box; the date fields are hidden.
    assert seen == [
        form.child_combo,
        form.period_combo,
        cantine.enrolled,
        bus.enrolled,
        tap.enrolled,
        form.save_button,
    ]
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is screen.search_edit
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is cantine.enrolled
    keys.press(Qt.Key.Key_Space)
    assert cantine.enrolled.isChecked()
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is cantine.day_boxes[0]
    keys.press(Qt.Key.Key_Tab, times=4)
    assert _focus() is cantine.parity
    keys.press(Qt.Key.Key_Down)
    assert cantine.parity.currentText() == "Semaines paires"
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is cantine.mode
    keys.press(Qt.Key.Key_Tab)
    assert _focus() is bus.enrolled


def test_mnemonics_reach_the_main_fields(qtbot, screen, families):
    keys = Keyboard(qtbot)
    form = screen.form
    keys.type("dupo")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_P, ALT)
    assert _focus() is form.period_combo
    keys.press(Qt.Key.Key_Down)
    assert form.period_combo.currentText() == "Période 2 (02/11 → 18/12)"
    keys.press(Qt.Key.Key_E, ALT)
    assert _focus() is form.child_combo
    keys.press(Qt.Key.Key_M, ALT)
    assert _focus() is screen.search_edit
    keys.press(Qt.Key.Key_P, ALT)
    keys.press(Qt.Key.Key_End)
    assert form.period_combo.currentText() == "Dates…"
    keys.press(Qt.Key.Key_D, ALT)
    assert _focus() is form.start_field.line_edit
    keys.type("21092026")
    keys.press(Qt.Key.Key_U, ALT)
    keys.type("25092026")
    keys.press(Qt.Key.Key_1, ALT)
    form.refresh_preview()
    assert "Cantine : 4 jour(s) à réserver" in form.preview.toPlainText()
    assert form.period() == (date(2026, 9, 21), date(2026, 9, 25), "du 21/09/2026 au 25/09/2026")


def test_arrows_pick_another_family_and_child(qtbot, screen, store, admin, schools, activities):
    for first in ("Lina", "Noe"):
        validated_family(store, admin, schools, last_name="Moreau", child_first_name=first)
    keys = Keyboard(qtbot)
    keys.type("moreau")
    assert screen.hits_list.count() == 2
    keys.press(Qt.Key.Key_Down)
    assert screen.hits_list.currentRow() == 1
    keys.press(Qt.Key.Key_Return)
    picked = screen.hits_list.currentItem().data(Qt.ItemDataRole.UserRole)
    assert screen.form.family().id == picked


def test_dossier_not_validated_is_refused_and_not_counted(
    qtbot, screen, store, admin, schools, activities
):
    draft = save_family(store, admin, complete_family(schools, last_name="Petit"))
    keys = Keyboard(qtbot)
    keys.type("petit")
    keys.press(Qt.Key.Key_Return)
    keys.press(Qt.Key.Key_1, ALT)
    keys.press(Qt.Key.Key_Return, CTRL)
    error = screen.form.error_label
    assert error.isVisible()
    assert "Le dossier de Léa Petit n'est pas validé" in error.text()
    assert screen.counter_label.text() == "Formulaires saisis : 0"
    assert screen.recent_list.count() == 0
    assert list_subscriptions(store, admin, draft.children[0].id) == []


def test_no_family_found(qtbot, screen, families):
    Keyboard(qtbot).type("zzz")
    assert screen.hits_list.count() == 0
    assert screen.search_note.text() == "Aucune famille ne correspond à « zzz »."
