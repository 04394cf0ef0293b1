"""« Attestations de frais de garde… » in the invoicing screen, as the régisseur uses it: the
year chosen, the batch written with its progress bar, how many and the total said, the file
to print offered; a year with nothing paid says so."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from eticket_desk.ui.invoicing import InvoicingScreen
from eticket_desk.ui.invoicing.certificates_dialog import CertificatesDialog
from tests.services.certificate_town import OCTOBER, book_month, invoice_month, make_town, pay


@pytest.fixture
def paid_october(store, admin, schools, activities, clock):
    town = make_town(store, admin, schools, activities)
    book_month(store, admin, town, OCTOBER)
    october = invoice_month(store, admin, clock, "2026-10", datetime(2026, 11, 2, 9))
    pay(store, admin, town, october, october.total_cents)
    clock.current = datetime(2026, 12, 7, 9)
    return town


def test_the_year_s_certificates_written_with_their_total(qtbot, ctx, paid_october):
    screen = InvoicingScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.certificates_button.text() == "Attestations de &frais de garde…"
    qtbot.mouseClick(screen.certificates_button, Qt.MouseButton.LeftButton)
    dialog = screen.findChild(CertificatesDialog)
    assert dialog.year_spin.value() == 2026 and dialog.year_spin.maximum() == 2026
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)

    assert dialog.result_label.text() == "1 attestation(s) 2026 écrite(s), 68,40 € au total."
    assert dialog.made.merged.exists() and dialog.print_button.isVisible()
    assert dialog.progress_bar.value() == 1 and dialog.progress_bar.maximum() == 1
    assert dialog.make_button.isEnabled() and not dialog.stop_button.isVisible()


def test_a_year_without_care_paid_says_so(qtbot, ctx, paid_october):
    dialog = CertificatesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.year_spin.setFocus()
    dialog.year_spin.setValue(2025)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert dialog.result_label.text() == (
        "Aucune famille n'a payé de frais de garde éligibles en 2025."
    )
    assert not dialog.print_button.isVisible() and not dialog.folder_button.isVisible()


def test_the_certificates_go_by_e_mail_to_the_payers_who_accepted(
    qtbot, ctx, store, admin, paid_october
):
    from tests.services.mail.conftest import consent

    consent(store, admin, paid_october["family"].id)
    dialog = CertificatesDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert dialog.mail_button.isVisible() and dialog.mail_button.isEnabled()
    qtbot.mouseClick(dialog.mail_button, Qt.MouseButton.LeftButton)
    assert dialog.result_label.text() == (
        "1 attestation(s) 2026 écrite(s), 68,40 € au total.\n"
        "1 attestation mise en file d'envoi ; elle part dans la minute (écran « Messagerie »)."
    )
    assert not dialog.mail_button.isEnabled()  # queued once: a second click is not offered
