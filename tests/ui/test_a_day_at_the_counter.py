"""« Une journée au guichet »: the real main window driven from the keyboard, as a new agent
spends a morning with it — a typo in the password, a family found by a child's first name, a
day booked on the planning, ten tickets sold and the change given, the receipt, then the
logout that warns about the open till and closes it with a count."""

from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from eticket_desk.rules.booking import BookingState
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.counter.till import current_till
from eticket_desk.services.counter.till_journal import till_journal_data
from eticket_desk.services.counter.wallet import balances
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.counter.till_dialog import TillDialog
from eticket_desk.ui.login_dialog import LoginDialog
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.tasks import ImmediateRunner
from tests.conftest import AGENT_PASSWORD, validated_family


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def focused():
    return QApplication.focusWidget()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(focused(), key, modifier)
    return focused()


def type_in(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


@pytest.fixture
def town(store, admin, schools, activities, garderie, agent):
    """One validated dossier whose child is Noé; Paul Guichet is the agent of the day."""
    return validated_family(store, admin, schools, last_name="Bérard", child_first_name="Noé")


def test_une_journee_au_guichet(qtbot, store, town, agent, garderie, monkeypatch):
    ticket, _activity = garderie
    journals = []
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: journals.append((path, title)),
    )

    # 1. A typo in the password, then Enter: the dialog stays and says why.
    login = LoginDialog(store, "Commune de Neuvecelle")
    qtbot.addWidget(login)
    login.show()
    activate(qtbot, login)
    type_in(qtbot, "paul")
    assert press(qtbot, Qt.Key.Key_Return) is login.password_edit
    type_in(qtbot, "guichet2025")
    press(qtbot, Qt.Key.Key_Return)
    assert login.isVisible() and login.actor is None
    assert login.error_label.text() == "Identifiant ou mot de passe incorrect."
    type_in(qtbot, AGENT_PASSWORD)
    with qtbot.waitSignal(login.finished):
        press(qtbot, Qt.Key.Key_Return)
    assert login.result() == LoginDialog.DialogCode.Accepted
    assert login.actor.full_name == "Paul Guichet"

    window = MainWindow(AppContext(store, login.actor, ImmediateRunner(), ChangeBus()))
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    activate(qtbot, window)

    # 2. The family found by the child's first name, its planning opened on Enter.
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert focused() is window.search_screen.search_edit
    type_in(qtbot, "noe")
    assert [h.display_name for h in window.search_screen.model.hits] == ["BÉRARD Marie"]
    press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    dossier = window.editors[town.id]
    activate(qtbot, dossier)
    grid = dossier.planning
    assert dossier.tabs.currentWidget() is grid
    assert focused() is grid.table  # Page Down works at once, no click needed
    press(qtbot, Qt.Key.Key_PageDown)
    assert grid.title.text() == "Semaine du lundi 21 au vendredi 25 septembre 2026"
    while grid.model.rows[grid.table.currentIndex().row()].activity.code != "CANTINE":
        press(qtbot, Qt.Key.Key_Down)
    assert grid.table.currentIndex().column() == 1  # Monday
    press(qtbot, Qt.Key.Key_Space)
    assert grid.status.text() == "Réservé : Cantine du lundi 21 septembre pour Noé Bérard."
    week = load_week(store, agent, town.id, date(2026, 9, 21))
    cantine = next(r for r in week.children[0].rows if r.code == "CANTINE")
    assert [c.day for c in cantine.cells if c.booking == BookingState.BOOKED] == [date(2026, 9, 21)]
    press(qtbot, Qt.Key.Key_Escape)  # nothing to save: the dossier closes
    qtbot.waitUntil(lambda: not dossier.isVisible())

    # 3. The Guichet: the closed till said first, opened from its banner.
    activate(qtbot, window)
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    counter = window.current_screen()
    assert window.current_page() == "counter"
    assert counter.till_banner.isVisible()
    press(qtbot, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)  # searches in the Guichet
    assert focused() is counter.search_edit
    type_in(qtbot, "noe")
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: counter.family is not None)
    assert counter.family.id == town.id
    assert focused() is counter.till_banner.open_button

    def type_the_float() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TillDialog)
        dialog.float_edit.selectAll()
        qtbot.keyClicks(dialog.float_edit, "100")
        qtbot.keyClick(dialog.float_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_the_float)
    press(qtbot, Qt.Key.Key_Return)  # « Ouvrir la caisse… »
    assert current_till(store).float_cents == 10_000
    assert current_till(store).held_by == "paul"
    activate(qtbot, window)  # what the window manager does when the dialog closes

    # 4. Ten tickets: quantity, Tab, the money handed over, Tab, « Encaisser ».
    spin = counter.spins[ticket.id]
    qtbot.waitUntil(lambda: focused() is spin)
    type_in(qtbot, "10")
    assert press(qtbot, Qt.Key.Key_Tab) is counter.payments.rows[0].amount_edit
    type_in(qtbot, "50")
    assert press(qtbot, Qt.Key.Key_Tab) is counter.confirm_button
    press(qtbot, Qt.Key.Key_Return)
    assert _plain(counter.done_box.change_label.text()) == "26,00 €"  # 50 € for 10 × 2,40 €
    assert [b.tickets for b in balances(store, agent, town.id)] == [10]
    receipt = " ".join(p.extract_text() for p in PdfReader(counter.done_box.receipt_path).pages)
    receipt = _plain(receipt)
    assert counter.last_sale.receipt_number in receipt
    assert "24,00 €" in receipt and "Paul Guichet" in receipt
    assert current_till(store).expected_cash_cents == 10_000 + 2_400

    # 5. Logging out with the till open: warned, the till closed with its count.
    questions = []

    def count_the_cash() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TillDialog)
        qtbot.keyClicks(dialog.counted_edit, "124")
        qtbot.keyClick(dialog.counted_edit, Qt.Key.Key_Return)

    def answer_the_warning() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        questions.append(_plain(box.text()))
        QTimer.singleShot(0, count_the_cash)
        qtbot.mouseClick(box.close_button, Qt.MouseButton.LeftButton)  # « Clôturer la caisse… »

    till_id = current_till(store).id
    QTimer.singleShot(0, answer_the_warning)
    file_menu = window.menuBar().actions()[0].menu()
    logout = next(a for a in file_menu.actions() if a.text() == "Se &déconnecter")
    logout.trigger()
    assert questions == ["Votre caisse est encore ouverte (espèces attendues : 124,00 €)."]
    assert current_till(store) is None
    journal = till_journal_data(store, agent, till_id)
    assert (journal.expected_cash_cents, journal.counted_cash_cents) == (12_400, 12_400)
    assert journal.difference_cents == 0
    assert [title for _path, title in journals] == ["Journal de caisse"]
    assert window.logged_out and not window.isVisible()
