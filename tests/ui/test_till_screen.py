"""The till dialog: opening with a float, closing by counting the cash."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from eticket_desk.services.till import current_till, open_till
from eticket_desk.ui.counter.till_dialog import TillDialog


@pytest.fixture(autouse=True)
def no_modal_errors(monkeypatch):
    def fail(parent, exc, title=""):
        raise AssertionError(f"error shown: {exc}")

    monkeypatch.setattr("eticket_desk.ui.counter.till_dialog.show_error", fail)


def text(label) -> str:
    return label.text().replace("\xa0", " ").replace("\u202f", " ")


def test_open_the_till_with_its_float(qtbot, ctx, store):
    assert current_till(store) is None
    dialog = TillDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.float_edit.selectAll()
    qtbot.keyClicks(dialog.float_edit, "150,50")
    with qtbot.waitSignal(ctx.bus.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store).float_cents == 15_050


def test_close_with_a_difference_requires_an_explanation(qtbot, ctx, store, admin):
    open_till(store, admin, 10_000)
    dialog = TillDialog(ctx)
    qtbot.addWidget(dialog)
    assert text(dialog.expected_label) == "100,00 €"
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.counted_edit, "98")
    assert text(dialog.difference_label) == "-2,00 €"
    assert not dialog.ok_button.isEnabled()
    assert "expliquez-le" in dialog.error.text()
    qtbot.keyClicks(dialog.note_edit, "Erreur de rendu")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store) is None


def test_close_without_difference(qtbot, ctx, store, admin):
    open_till(store, admin, 5_000)
    dialog = TillDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.counted_edit, "50,00")
    assert text(dialog.difference_label) == "0,00 €"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store) is None
