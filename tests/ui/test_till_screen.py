"""The till dialog: opening with a float, closing by counting the cash."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from eticket_desk.services.documents import documents_root
from eticket_desk.services.till import current_till, open_till
from eticket_desk.ui.counter.till_dialog import TillDialog


@pytest.fixture(autouse=True)
def no_modal_errors(monkeypatch):
    def fail(parent, exc, title=""):
        raise AssertionError(f"error shown: {exc}")

    monkeypatch.setattr("eticket_desk.ui.counter.till_dialog.show_error", fail)


@pytest.fixture(autouse=True)
def previews(monkeypatch) -> list:
    """The documents the dialog shows, as (path, title), instead of a modal preview."""
    shown = []
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: shown.append((path, title)),
    )
    return shown


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


def test_close_with_a_difference_requires_an_explanation(qtbot, ctx, store, admin, previews):
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
    # the closed day's journal is shown at once, to print, sign and file
    [(path, title)] = previews
    assert title == "Journal de caisse"
    assert path.parent == documents_root(store) / "Journaux de caisse" / "2026"
    text_read = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Erreur de rendu" in text_read and "Espèces comptées" in text_read
    assert "provisoire" not in text_read


def test_the_provisional_journal_while_the_till_is_open(qtbot, ctx, store, admin, previews):
    open_till(store, admin, 5_000)
    dialog = TillDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.journal_button, Qt.MouseButton.LeftButton)
    [(path, _title)] = previews
    assert "journal provisoire" in PdfReader(path).pages[0].extract_text()
    assert current_till(store) is not None  # still open


def test_close_without_difference(qtbot, ctx, store, admin):
    open_till(store, admin, 5_000)
    dialog = TillDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.counted_edit, "50,00")
    assert text(dialog.difference_label) == "0,00 €"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store) is None
