"""« Attestation de frais de garde » in the dossier's Famille tab: the year chosen, the
family's certificate opened in the preview with the child and the amount; a year without
care paid says why in French."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from eticket_desk.ui import pdf_preview
from eticket_desk.ui.family_editor import FamilyEditorDialog, certificate_box
from tests.services.certificate_town import OCTOBER, book_month, invoice_month, make_town, pay


@pytest.fixture
def paid_october(store, admin, schools, activities, clock):
    town = make_town(store, admin, schools, activities)
    book_month(store, admin, town, OCTOBER)
    october = invoice_month(store, admin, clock, "2026-10", datetime(2026, 11, 2, 9))
    pay(store, admin, town, october, october.total_cents)
    clock.current = datetime(2026, 12, 7, 9)
    return town


def test_the_family_s_certificate_printed_from_the_dossier(qtbot, ctx, paid_october, monkeypatch):
    shown, errors = [], []
    monkeypatch.setattr(pdf_preview, "preview", lambda path, title, parent: shown.append(path))
    monkeypatch.setattr(certificate_box, "show_error", lambda parent, exc: errors.append(exc))
    editor = FamilyEditorDialog(ctx, paid_october["family"].id)
    qtbot.addWidget(editor)
    box = editor.certificate_box
    assert box.year_spin.value() == 2026 and box.print_button.isEnabled()
    qtbot.mouseClick(box.print_button, Qt.MouseButton.LeftButton)
    [path] = shown
    text = PdfReader(path).pages[0].extract_text().replace("\xa0", " ").replace("\u202f", " ")
    assert "Léa DUPONT" in text and "34,20 €" in text

    box.year_spin.setValue(2025)
    qtbot.mouseClick(box.print_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert errors[0].message.startswith("Aucun frais de garde éligible payé en 2025")
