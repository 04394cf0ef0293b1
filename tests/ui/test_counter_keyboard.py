"""The counter from the keyboard alone: Tab from the quantity to the money handed over and
« Encaisser », the closed till said before the sale, the family chosen among several."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QGroupBox, QLabel

from eticket_desk.services.core.changes import Topic
from eticket_desk.services.counter.receipts import receipt_data
from eticket_desk.services.counter.till import close_till, current_till, open_till
from eticket_desk.services.counter.wallet import balances
from eticket_desk.ui.context import AppContext, ChangeBus
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.counter.till_dialog import TillDialog
from eticket_desk.ui.tasks import TaskRunner
from tests.conftest import validated_family
from tests.ui.test_counter_screen import garderie, no_modal_errors, scan, text  # noqa: F401


@pytest.fixture
def closed_screen(qtbot, ctx, garderie):  # noqa: F811
    """The counter shown while the till is still closed."""
    widget = CounterScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    activate(qtbot, widget)
    return widget


@pytest.fixture
def screen(qtbot, store, admin, closed_screen):
    open_till(store, admin, 10_000)
    closed_screen.ctx.bus.announce(Topic.TILL)
    return closed_screen


def activate(qtbot, window) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def focused():
    return QApplication.focusWidget()


def press(qtbot, key) -> object:
    """A key on whatever has the focus; returns what has it afterwards."""
    qtbot.keyClick(focused(), key)
    return focused()


def at_the_desk(qtbot, screen, family) -> None:
    scan(qtbot, screen, family.reference)
    cash = screen.payments.rows[0]
    qtbot.waitUntil(cash.amount_edit.isVisible)  # the new row shows at the next event loop


def test_tab_goes_from_the_quantity_to_the_cash_handed_over_then_encaisser(
    qtbot,
    screen,
    store,
    admin,
    schools,
    garderie,  # noqa: F811
):
    family = validated_family(store, admin, schools)
    at_the_desk(qtbot, screen, family)
    spin = screen.spins[garderie.id]
    cash = screen.payments.rows[0]
    assert focused() is spin
    qtbot.keyClicks(spin, "10")
    assert press(qtbot, Qt.Key.Key_Tab) is cash.amount_edit
    assert cash.amount_edit.placeholderText() == "Montant remis"
    qtbot.keyClicks(cash.amount_edit, "50")
    assert press(qtbot, Qt.Key.Key_Tab) is screen.confirm_button
    # the method, another règlement and the 80 mm ticket come after « Encaisser »
    assert press(qtbot, Qt.Key.Key_Tab) is cash.method_combo
    assert press(qtbot, Qt.Key.Key_Tab) is screen.payments.add_button
    assert press(qtbot, Qt.Key.Key_Tab) is screen.ticket_check
    assert press(qtbot, Qt.Key.Key_Backtab) is screen.payments.add_button
    assert press(qtbot, Qt.Key.Key_Backtab) is cash.method_combo
    assert press(qtbot, Qt.Key.Key_Backtab) is screen.confirm_button

    press(qtbot, Qt.Key.Key_Return)  # Enter on « Encaisser »
    assert screen.right.currentWidget() is screen.done_box
    assert text(screen.done_box.change_label) == "26,00 €"
    receipt = receipt_data(store, admin, screen.last_sale.sale_id)
    assert (receipt.family_reference, receipt.total_cents) == (family.reference, 2_400)
    printed = " ".join(
        page.extract_text() for page in PdfReader(screen.done_box.receipt_path).pages
    )
    printed = printed.replace("\xa0", " ").replace("\u202f", " ")
    assert screen.last_sale.receipt_number in printed and "24,00 €" in printed
    assert [b.tickets for b in balances(store, admin, family.id)] == [10]
    assert current_till(store).expected_cash_cents == 10_000 + 2_400
    assert focused() is screen.search_edit  # the next family


def test_an_added_cheque_is_typed_method_amount_details_then_encaisser(
    qtbot,
    screen,
    store,
    admin,
    schools,
    garderie,  # noqa: F811
):
    family = validated_family(store, admin, schools)
    at_the_desk(qtbot, screen, family)
    qtbot.keyClicks(screen.spins[garderie.id], "10")
    qtbot.keyClicks(screen.payments.rows[0].amount_edit, "10")
    qtbot.mouseClick(screen.payments.add_button, Qt.MouseButton.LeftButton)
    cheque = screen.payments.rows[1]
    qtbot.waitUntil(cheque.amount_edit.isVisible)
    assert focused() is cheque.method_combo
    assert press(qtbot, Qt.Key.Key_Tab) is cheque.amount_edit
    assert press(qtbot, Qt.Key.Key_Tab) is cheque.cheque_number_edit
    qtbot.keyClicks(cheque.cheque_number_edit, "1234567")
    assert press(qtbot, Qt.Key.Key_Tab) is cheque.cheque_bank_edit
    qtbot.keyClicks(cheque.cheque_bank_edit, "CIC")
    assert press(qtbot, Qt.Key.Key_Tab) is cheque.cheque_drawer_edit
    qtbot.keyClicks(cheque.cheque_drawer_edit, "Mme DUPONT")
    assert press(qtbot, Qt.Key.Key_Tab) is screen.confirm_button
    press(qtbot, Qt.Key.Key_Space)
    till = current_till(store)
    assert (till.cash_in_cents, till.cheques_cents) == (1_000, 1_400)


def test_the_closed_till_is_said_before_the_sale_and_opened_from_the_banner(
    qtbot,
    closed_screen,
    store,
    admin,
    schools,
    garderie,  # noqa: F811
):
    screen = closed_screen
    assert screen.till_banner.isVisible()
    assert "Caisse fermée" in text(screen.till_banner.message_label)
    assert screen.till_banner.open_button.text() == "Ouvrir la caisse…"
    family = validated_family(store, admin, schools)
    scan(qtbot, screen, family.reference)
    assert screen.family.id == family.id
    assert not screen.sale_box.isEnabled()  # nothing to type before the till is open
    assert not screen.confirm_button.isEnabled()
    assert text(screen.reason_label) == "La caisse est fermée : ouvrez-la avant d'encaisser."
    assert not screen.invoice_panel.payments.isEnabled()
    assert focused() is screen.till_banner.open_button

    dialogs = []

    def type_the_float() -> None:
        dialog = QApplication.activeModalWidget()
        dialogs.append(dialog)
        dialog.float_edit.selectAll()
        qtbot.keyClicks(dialog.float_edit, "150")
        qtbot.keyClick(dialog.float_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_the_float)
    press(qtbot, Qt.Key.Key_Return)  # « Ouvrir la caisse… »: the till dialog
    assert isinstance(dialogs[0], TillDialog)
    assert current_till(store).float_cents == 15_000
    assert not screen.till_banner.isVisible()
    assert screen.sale_box.isEnabled()
    assert "150,00 €" in text(screen.till_strip.state_label)

    spin = screen.spins[garderie.id]
    assert screen.focusWidget() is spin  # the keys go to the quantity, back in the window
    screen.activateWindow()  # what the window manager does when the dialog closes
    qtbot.waitUntil(lambda: focused() is spin)
    qtbot.keyClicks(spin, "5")
    qtbot.waitUntil(screen.payments.rows[0].amount_edit.isVisible)
    assert press(qtbot, Qt.Key.Key_Tab) is screen.payments.rows[0].amount_edit
    qtbot.keyClicks(focused(), "20")
    assert press(qtbot, Qt.Key.Key_Tab) is screen.confirm_button
    press(qtbot, Qt.Key.Key_Space)
    assert text(screen.done_box.change_label) == "8,00 €"
    assert current_till(store).expected_cash_cents == 15_000 + 1_200


def test_the_counter_follows_the_till_announced_on_the_bus(
    qtbot,
    screen,
    store,
    admin,
    schools,
    garderie,  # noqa: F811
):
    family = validated_family(store, admin, schools)
    at_the_desk(qtbot, screen, family)
    assert not screen.till_banner.isVisible()
    close_till(store, admin, 10_000, "")
    screen.ctx.bus.announce(Topic.TILL)
    assert screen.till_banner.isVisible()
    assert not screen.sale_box.isEnabled()
    screen._on_confirm_button_clicked()  # Ctrl+Entrée: refused, nothing sold
    assert screen.last_sale is None
    open_till(store, admin, 0)
    screen.ctx.bus.announce(Topic.TILL)
    assert not screen.till_banner.isVisible()
    assert screen.sale_box.isEnabled()


def test_the_sale_tab_is_not_headed_twice(screen):
    titles = [box.title() for box in screen.findChildren(QGroupBox) if box.isVisible()]
    labels = [label.text() for label in screen.findChildren(QLabel) if label.isVisible()]
    assert screen.work_tabs.tabText(0) == "&Vente de tickets"
    assert not [t for t in titles + labels if "Vente de tickets" in t]


def test_focus_search_puts_the_keys_in_the_counter_search(
    qtbot,
    screen,
    store,
    admin,
    schools,
    garderie,  # noqa: F811
):
    family = validated_family(store, admin, schools)
    at_the_desk(qtbot, screen, family)
    screen.search_edit.setText("dupont")
    assert focused() is screen.spins[garderie.id]
    screen.focus_search()
    assert focused() is screen.search_edit
    assert screen.search_edit.selectedText() == "dupont"


# ------------------------------------------------------------ choosing among several families


@pytest.fixture
def four_duponts(store, admin, schools):
    return [
        validated_family(store, admin, schools, child_first_name=name)
        for name in ("Arthur", "Capucine", "Jules", "Zoé")
    ]


def type_search(qtbot, screen, typed: str) -> None:
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, typed)


def test_enter_with_several_matches_shows_them_and_takes_the_highlighted_one(
    qtbot, screen, four_duponts
):
    family_card_place = screen.family_card.geometry()
    type_search(qtbot, screen, "dupont")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert screen.family is None  # not the first of four, silently
    popup = screen.search_bar.popup
    assert popup.isVisible() and screen.results_list.count() == 4
    assert screen.family_card.geometry() == family_card_place  # the list floats over it
    assert text(screen.search_bar.hint_label).startswith("4 familles correspondent")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Down)
    chosen = screen.results_list.currentItem().text()
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert screen.family is not None
    assert chosen.startswith(screen.family.reference)
    assert screen.family.children[0].first_name in chosen
    assert not popup.isVisible()


def test_escape_closes_the_list_and_a_child_first_name_finds_the_family(
    qtbot, screen, four_duponts
):
    type_search(qtbot, screen, "dupont")
    assert screen.search_bar.popup.isVisible()
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Escape)
    assert not screen.search_bar.popup.isVisible()
    assert screen.family is None
    screen.search_edit.clear()
    type_search(qtbot, screen, "capucine")
    assert screen.results_list.count() == 1
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # the only match: opened
    assert screen.family.id == four_duponts[1].id


def test_no_match_says_so(qtbot, screen, four_duponts):
    type_search(qtbot, screen, "durand")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert screen.family is None
    assert text(screen.search_message) == "Aucune famille ne correspond à « durand »."


class LateRunner(TaskRunner):
    """Holds every call until `run()`: the results of a search arrive after the next key."""

    def __init__(self) -> None:
        super().__init__()
        self.queue = []

    def submit(self, fn, on_done=None, on_error=None) -> None:
        self.queue.append((fn, on_done))

    def run(self) -> None:
        while self.queue:
            fn, on_done = self.queue.pop(0)
            value = fn()
            if on_done is not None:
                on_done(value)


def test_enter_before_the_last_results_acts_on_the_final_text(
    qtbot,
    store,
    admin,
    schools,
    four_duponts,
    garderie,  # noqa: F811
):
    dupuis = validated_family(store, admin, schools, last_name="Dupuis", child_first_name="Noé")
    open_till(store, admin, 0)
    runner = LateRunner()
    screen = CounterScreen(AppContext(store, admin, runner, ChangeBus()))
    qtbot.addWidget(screen)
    screen.resize(1200, 760)
    screen.show()
    activate(qtbot, screen)
    runner.run()
    type_search(qtbot, screen, "dup")
    runner.run()
    assert screen.results_list.count() == 5  # four Dupont and one Dupuis
    qtbot.keyClicks(screen.search_edit, "ui")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # before « dupui » was searched
    assert screen.family is None
    runner.run()
    assert screen.family is not None and screen.family.id == dupuis.id


def test_in_the_main_window_the_guichet_keeps_its_tab_order(
    qtbot,
    ctx,
    store,
    admin,
    schools,
    four_duponts,
    garderie,  # noqa: F811
):
    from eticket_desk.ui.main_window import MainWindow

    open_till(store, admin, 0)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    window.show()
    activate(qtbot, window)
    window.show_page("counter")
    screen = window.current_screen()
    assert isinstance(screen, CounterScreen)
    type_search(qtbot, screen, "capu")
    assert screen.search_bar.popup.isVisible()
    under_the_field = screen.search_edit.mapTo(screen, QPoint(0, screen.search_edit.height()))
    assert screen.search_bar.popup.pos() == under_the_field
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(screen.payments.rows[0].amount_edit.isVisible)
    assert focused() is screen.spins[garderie.id]
    qtbot.keyClicks(focused(), "2")
    assert press(qtbot, Qt.Key.Key_Tab) is screen.payments.rows[0].amount_edit
    qtbot.keyClicks(focused(), "10")
    assert press(qtbot, Qt.Key.Key_Tab) is screen.confirm_button
    window.show_page("families")
    assert not screen.search_bar.popup.isVisible()
    window.hide()  # closed without the « caisse encore ouverte » question


def test_a_colleagues_till_is_said_before_the_sale_and_taken_over_from_the_banner(
    qtbot,
    closed_screen,
    store,
    admin,
    clock,
    schools,
    monkeypatch,
    garderie,  # noqa: F811
):
    from eticket_desk.rules.permissions import Role
    from eticket_desk.services.access import users
    from eticket_desk.services.core.store import Actor

    info = users.save_user(
        store,
        admin,
        users.UserDraft("mdurand", "Marie Durand", Role.AGENT, True, "x2026abc", "Mme"),
    )
    marie = Actor(info.id, info.login, info.full_name, info.role, info.civility)
    open_till(store, marie, 10_000)
    screen = closed_screen
    screen.ctx.bus.announce(Topic.TILL)
    assert screen.till_banner.isVisible()
    assert text(screen.till_banner.message_label) == (
        "La caisse est ouverte par Marie Durand (agente d'accueil) depuis 9 h 30 : "
        "reprenez-la pour encaisser à votre nom."
    )
    assert screen.till_banner.open_button.text() == "Reprendre la caisse…"
    family = validated_family(store, admin, schools)
    scan(qtbot, screen, family.reference)
    assert not screen.sale_box.isEnabled()  # nothing typed into a colleague's till
    monkeypatch.setattr("eticket_desk.ui.messages.ask_yes_no", lambda *_args: True)

    def take_over() -> None:
        dialog = QApplication.activeModalWidget()
        qtbot.mouseClick(dialog.take_over_button, Qt.MouseButton.LeftButton)
        if dialog.isVisible():
            dialog.reject()

    QTimer.singleShot(0, take_over)
    qtbot.mouseClick(screen.till_banner.open_button, Qt.MouseButton.LeftButton)
    assert current_till(store).held_by == "admin"
    assert not screen.till_banner.isVisible()
    assert screen.sale_box.isEnabled()
