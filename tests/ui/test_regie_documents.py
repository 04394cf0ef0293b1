"""The régie's documents dialog: the cheques to hand over, the slip, past journals."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from eticket_desk.services.counter.deposit_slips import undeposited_cheques
from eticket_desk.services.counter.till import open_till
from eticket_desk.ui import messages
from eticket_desk.ui.counter.regie_documents import RegieDocumentsDialog
from tests.conftest import cash_sale, cheque_sale, validated_family


@pytest.fixture
def previews(monkeypatch) -> list:
    shown = []
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: shown.append((path, title)),
    )
    monkeypatch.setattr(messages, "ask_yes_no", lambda parent, title, text: True)
    monkeypatch.setattr(messages, "ask_text", lambda parent, title, label: "Erreur de saisie")
    monkeypatch.setattr(
        messages, "show_info", lambda parent, title, text: shown.append((text, title))
    )
    return shown


@pytest.fixture
def cheques(store, admin, agent, schools, garderie):
    ticket, _ = garderie
    family = validated_family(store, admin, schools)
    open_till(store, agent, 0)
    cash_sale(store, agent, family, ticket, 1, 240)
    for number, quantity in (("1111111", 5), ("2222222", 10), ("3333333", 2)):
        cheque_sale(store, agent, family, ticket, quantity, number, quantity * 240)
    return family


def text(label) -> str:
    return label.text().replace("\xa0", " ").replace("\u202f", " ")


def test_a_slip_of_the_ticked_cheques(qtbot, ctx, store, agent, cheques, previews):
    dialog = RegieDocumentsDialog(ctx)
    qtbot.addWidget(dialog)
    table = dialog.cheque_table
    assert table.rowCount() == 3
    assert [table.item(r, 3).text() for r in range(3)] == ["1111111", "2222222", "3333333"]
    assert text(dialog.selection_label) == "3 chèque(s) coché(s) sur 3 — 40,80 €"
    table.item(1, 0).setCheckState(Qt.CheckState.Unchecked)  # kept in the safe
    assert text(dialog.selection_label) == "2 chèque(s) coché(s) sur 3 — 16,80 €"

    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    [(path, title)] = previews
    assert title == "Bordereau B-2026-0001"
    content = PdfReader(path).pages[0].extract_text()
    assert "1111111" in content and "3333333" in content and "2222222" not in content
    assert [c.number for c in undeposited_cheques(store, agent)] == ["2222222"]
    # the list shows what is left, the slip is in the history
    assert dialog.cheque_table.rowCount() == 1
    assert dialog.slip_table.item(0, 0).text() == "B-2026-0001"
    assert dialog.slip_table.item(0, 3).text() == "2"


def test_nothing_to_hand_over(qtbot, ctx, previews):
    dialog = RegieDocumentsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.selection_label.text() == "Aucun chèque à remettre."
    assert not dialog.make_button.isEnabled()
    assert not dialog.slip_print_button.isEnabled()


def test_print_a_past_journal_again(qtbot, ctx, cheques, previews):
    dialog = RegieDocumentsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.till_table.rowCount() == 1
    assert dialog.till_table.item(0, 2).text() == "ouverte"
    assert dialog.till_table.item(0, 3).text() == "4"
    dialog.tabs.setCurrentIndex(3)  # Journaux de caisse
    dialog.till_table.selectRow(0)
    qtbot.mouseClick(dialog.journal_print_button, Qt.MouseButton.LeftButton)
    [(path, _title)] = previews
    content = PdfReader(path).pages[0].extract_text()
    assert "Q-2026-000004" in content and "journal provisoire" in content


def test_cancel_a_receipt_of_the_open_till(qtbot, ctx, store, agent, cheques, previews):
    from eticket_desk.services.counter.till import current_till

    ctx.actor = agent  # the agent whose till it is: money goes back out of their own till
    dialog = RegieDocumentsDialog(ctx)
    qtbot.addWidget(dialog)
    table = dialog.receipt_table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == [
        "Q-2026-000004",
        "Q-2026-000003",
        "Q-2026-000002",
        "Q-2026-000001",
    ]
    table.selectRow(3)  # the cash sale of 2,40 €
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    [(sentence, title)] = previews
    assert title == "Quittance annulée"
    assert "2,40" in sentence and "en espèces" in sentence
    assert dialog.receipt_table.item(3, 5).text() == "annulée"
    assert current_till(store).cash_in_cents == 0
