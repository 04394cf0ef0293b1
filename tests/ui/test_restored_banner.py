"""A desk restored from a backup, as the agent meets it before the sync has reloaded the
server's state: the banner above every screen, a sale refused at the counter with the reason,
and both gone once the reload is done; then the sync panel's notice of what the reload did."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import delete, func, select

from eticket_desk.models import Sale, Setting
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
from eticket_desk.services.core.changes import Topic
from eticket_desk.services.core.restored import RESTORED, RESTORED_MESSAGE
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.counter.till_journal import till_journal_data
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.restore import finish_restore
from eticket_desk.services.syncing.state import SYNC_ACTOR, put_state
from eticket_desk.sync.device_state import DeviceState
from eticket_desk.sync.protocol import Change
from eticket_desk.ui.counter.counter_screen import CounterScreen
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.sync.issues_screen import SyncIssuesScreen
from tests.conftest import cash_sale, validated_family
from tests.ui.test_counter_screen import scan, type_quantity


@pytest.fixture
def ticket(store, admin):
    ticket = save_ticket_type(store, admin, "GARDERIE", "Garderie")
    save_tariff(store, admin, ticket.id, store.clock.today(), [Bracket(None, 240, 300)])
    return ticket


def _mark_restored(store) -> None:
    with store.write(SYNC_ACTOR) as session:
        mark = {"since": "2026-09-14T09:30:00", "reason": "backup"}
        put_state(session, {RESTORED: {**mark, "backup": "eticket-2026-09-13_180000.sqlite"}})


def _reloaded(store) -> None:
    with store.write(SYNC_ACTOR) as session:
        session.execute(delete(Setting).where(Setting.key == RESTORED))


def _sales(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Sale))


def test_a_restored_desk_says_so_above_every_screen_until_the_reload(qtbot, ctx, store):
    _mark_restored(store)
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    banner = window.restored_banner
    assert banner.isVisible()
    assert banner.message_label.text() == (
        "Poste restauré : rechargement des données du serveur avant toute nouvelle saisie. "
        "Synchronisez ce poste (F5) : la saisie reprend dès que les données du serveur sont "
        "rechargées."
    )
    window.show_page("counter")
    assert banner.isVisible()  # above the counter too
    with qtbot.waitSignal(banner.sync_requested):
        qtbot.mouseClick(banner.sync_button, Qt.MouseButton.LeftButton)

    _reloaded(store)
    ctx.bus.announce(Topic.SYNC)
    assert not banner.isVisible()


def test_the_counter_refuses_a_sale_with_the_reason_while_the_desk_is_restored(
    qtbot, ctx, store, admin, schools, ticket, monkeypatch
):
    open_till(store, admin, 10_000)
    family = validated_family(store, admin, schools)
    _mark_restored(store)
    shown = []
    monkeypatch.setattr(
        "eticket_desk.ui.counter.counter_screen.show_error",
        lambda parent, exc, title="": shown.append((title, str(exc))),
    )
    screen = CounterScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    scan(qtbot, screen, family.reference)
    type_quantity(qtbot, screen, ticket, 2)
    qtbot.keyClicks(screen.payments.rows[0].amount_edit, "10")
    qtbot.keyClick(screen.payments.rows[0].amount_edit, Qt.Key.Key_Return)
    assert shown == [("Vente impossible", RESTORED_MESSAGE)]
    assert _sales(store) == 0

    _reloaded(store)
    shown.clear()
    qtbot.keyClick(screen.payments.rows[0].amount_edit, Qt.Key.Key_Return)
    assert shown == []
    assert screen.last_sale.receipt_number == "Q-2026-000001"
    assert _sales(store) == 1


def test_the_sync_panel_says_what_the_reload_did_and_the_counter_goes_on_after_it(
    qtbot, ctx, store, admin, schools, ticket
):
    """A desk alone (its receipts in the « Q » series) restored from a copy three receipts
    behind: after the reload the panel tells it in French, and the next receipt is the fifth."""
    open_till(store, admin, 10_000)
    family = validated_family(store, admin, schools)
    _mark_restored(store)
    state = DeviceState(
        device_id=uuid.uuid4(), number=1, ops=3, last_seq=3, last_receipts=["Q-2026-000004"]
    )
    paid_at = store.clock.now().isoformat()
    taken = [  # the fourth receipt, paid in cash and by card: only the server holds it
        Change(
            seq=1,
            entity="payment",
            id=str(uuid.uuid4()),
            data={
                "family_id": str(family.id),
                "invoice_id": None,
                "method": method,
                "amount_cents": cents,
                "to_invoice_cents": 0,
                "to_sale_cents": cents,
                "to_credit_cents": 0,
                "received_at": paid_at,
                "details": {"receipt_number": "Q-2026-000004"},
            },
        )
        for method, cents in (("cash", 720), ("card", 240))
    ]
    finish_restore(store, state, taken)

    screen = SyncIssuesScreen(ctx)
    qtbot.addWidget(screen)
    [card] = screen.cards
    texts = [label.text().replace("\u202f", " ") for label in card.findChildren(QLabel)]
    assert "Poste restauré — données du serveur rechargées" in texts
    assert "Signalé le 14/09/2026 09:30" in texts
    [said] = [
        t
        for t in texts
        if t.startswith("Ce poste a été restauré depuis la sauvegarde eticket-2026-09-13_180000")
    ]
    assert "Le serveur avait 3 opérations de ce poste que la base restaurée n'avait pas" in said
    assert "la numérotation reprend après Q-2026-000004" in said
    assert said.replace("\xa0", " ").endswith(
        "reprises du serveur après restauration » ; leur argent est dans la caisse) : "
        "Q-2026-000004 : 2,40 € (carte bancaire), 7,20 € (espèces)."
    )
    assert not any(t.startswith("Réponse du serveur") for t in texts)

    # The fourth receipt is back in the open till: 100,00 € of float and 7,20 € in cash.
    journal = till_journal_data(store, admin)
    assert [(r.number, r.cash_cents, r.card_cents) for r in journal.receipts] == [
        ("Q-2026-000004", 720, 240)
    ]
    assert journal.expected_cash_cents == 10_720
    sale = cash_sale(store, admin, family, ticket, 1, 240)
    assert sale.receipt_number == "Q-2026-000005"  # 1 to 4 were given before the restore
    assert check(store).ok, check(store).faults
