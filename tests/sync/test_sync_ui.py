"""The desk's sync as an agent sees it: the status bar line, « Synchroniser maintenant »,
the « Serveur central » box and the sync issues panel (one real server on loopback)."""

from __future__ import annotations

import queue
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from eticket_desk.ui.admin.desk_page import DeskPage
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.sync import SyncIssuesScreen, SyncWorker
from eticket_desk.ui.tasks import TaskRunner
from tests.conftest import validated_family
from tests.sync.conftest import refuse_a_booked_day

MONDAY = date(2026, 9, 21)


@pytest.fixture
def window(qtbot, ctx):
    made = MainWindow(ctx)
    qtbot.addWidget(made)
    return made


def _action(window, text):
    for menu in window.menuBar().findChildren(type(window.menuBar().addMenu("x"))):
        for action in menu.actions():
            if action.text().replace("&", "") == text:
                return action
    raise AssertionError(text)


def _register(qtbot, box, url, device_id, token):
    for edit, text in ((box.url_edit, url), (box.device_edit, str(device_id))):
        edit.clear()
        qtbot.keyClicks(edit, text)
    qtbot.keyClicks(box.token_edit, token)
    qtbot.mouseClick(box.save_button, Qt.MouseButton.LeftButton)


def _rejected_booking(store, agent, schools, garderie) -> None:
    """A garderie day booked at the desk, then refused by the server: « complet »."""
    family = validated_family(store, agent, schools)
    message = "La garderie du soir est complète ce jour-là."
    refuse_a_booked_day(store, agent, family, garderie, MONDAY, message)


def test_unconfigured_desk_says_so_and_sync_now_does_no_harm(qtbot, window, ctx):
    status = window.sync_status
    assert status.state_label.text() == "Synchronisation non configurée"
    assert status.issues_label.isHidden()
    sync_now = _action(window, "Synchroniser maintenant")
    assert sync_now.shortcut().toString() == "F5"
    assert window.sync_worker.timer.isActive() and window.sync_worker.timer.interval() == 60_000
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        sync_now.trigger()
    assert announced.args[0] == frozenset({"sync"})  # nothing pulled: screens are left alone
    assert status.state_label.text() == "Synchronisation non configurée"


def test_a_tick_is_skipped_while_a_sync_runs(qtbot, ctx):
    class HeldRunner(TaskRunner):
        """Keeps the tasks handed to the writer until the test lets them run."""

        def __init__(self):
            super().__init__()
            self.held = queue.Queue()

        def submit(self, fn, on_done=None, on_error=None):
            self.held.put(fn)

    ctx.runner = HeldRunner()
    worker = SyncWorker(ctx)
    worker.timer.timeout.emit()
    worker.timer.timeout.emit()  # the first one still runs
    first_step = ctx.runner.held.get(timeout=10)  # reading the settings, on the writer
    assert ctx.runner.held.empty() and not worker.sync_now()
    with qtbot.waitSignal(worker.sync_finished) as finished:
        first_step()
    assert finished.args == [None]  # not configured: nothing more to do
    assert not worker.running and worker.sync_now()
    worker.stop()  # the second one gives up at its first step
    ctx.runner.held.get(timeout=10)()
    assert ctx.runner.held.empty() and not worker.running


def test_the_server_box_refuses_a_bad_address_and_hides_the_token(qtbot, ctx, device):
    page = DeskPage(ctx, editable=True)
    qtbot.addWidget(page)
    box = page.server_box
    assert box.title() == "Serveur central"
    assert box.token_edit.echoMode() == QLineEdit.EchoMode.Password
    _register(qtbot, box, "serveur.local", device.device_id, "secret")
    assert box.error_label.isVisible() or not box.error_label.isHidden()
    assert "http:// ou https://" in box.error_label.text()
    _register(qtbot, box, "https://serveur.local", "pas-un-identifiant", "secret")
    assert box.error_label.text() == "L'identifiant du poste n'est pas valide."


def test_registered_then_synced_the_status_bar_says_online(
    qtbot, window, ctx, device, memory_keyring
):
    page = DeskPage(ctx, editable=True)
    qtbot.addWidget(page)
    box = page.server_box
    _register(qtbot, box, str(device.http.base_url), device.device_id, device.token)
    assert box.error_label.isHidden()
    assert box.status_label.text().startswith("Serveur enregistré.")
    assert box.token_edit.text() == ""  # never shown back
    # Not yet tried; its first upload (the town's schools and organisation) is waiting.
    assert window.sync_status.state_label.text() == "Hors ligne · 3 opérations en attente"

    with qtbot.waitSignal(window.sync_worker.sync_finished) as finished:
        _action(window, "Synchroniser maintenant").trigger()
    assert finished.args[0].ok
    assert window.sync_status.state_label.text() == "En ligne · dernière synchro 09:30"
    assert box.status_label.text() == "En ligne · synchronisé le 14/09 à 09:30"


def test_an_unreachable_server_shows_offline_with_the_ops_waiting(
    qtbot, window, ctx, agent, schools, device, memory_keyring
):
    from eticket_desk.services.syncing.status import save_device

    save_device(ctx.store, ctx.actor, "http://127.0.0.1:9", device.device_id, device.token)
    validated_family(ctx.store, agent, schools)
    with qtbot.waitSignal(window.sync_worker.sync_finished) as finished:
        window.sync_worker.sync_now()
    assert not finished.args[0].ok
    text = window.sync_status.state_label.text()
    assert text.startswith("Hors ligne · ") and text.endswith("opérations en attente")
    assert window.sync_status.state_label.toolTip().startswith("Dernière erreur : ")


def test_the_issues_panel_lists_a_refused_booking_until_it_is_handled(
    qtbot, window, ctx, agent, schools, garderie
):
    _rejected_booking(ctx.store, agent, schools, garderie)
    window.sync_status.refresh()
    link = window.sync_status.issues_label
    assert link.isVisible() or not link.isHidden()
    assert "1 problème de synchronisation" in link.text()
    link.linkActivated.emit("issues")
    panel = window.current_screen()
    assert isinstance(panel, SyncIssuesScreen)
    assert panel.summary_label.text() == "1 problème de synchronisation à traiter."
    [card] = panel.cards
    texts = [label.text() for label in card.findChildren(type(panel.summary_label))]
    assert "Réservation refusée — complet" in texts
    assert any("lundi 21 septembre 2026" in t and "Garderie" in t for t in texts)
    assert "Réponse du serveur : La garderie du soir est complète ce jour-là." in texts
    assert any(t.startswith("À faire : Le jour n'est pas réservé") for t in texts)

    qtbot.mouseClick(card.handle_button, Qt.MouseButton.LeftButton)
    assert panel.cards == []
    assert panel.summary_label.text() == "Aucun problème de synchronisation à traiter."
    assert window.sync_status.issues_label.isHidden()
    panel.show_handled_check.setChecked(True)
    [card] = panel.cards
    assert card.handle_button is None
    texts = [label.text() for label in card.findChildren(type(panel.summary_label))]
    assert "Traité le 14/09/2026 09:30 par Anne Martin" in texts


def test_the_sync_screenshots_render(qtbot, ctx, agent, schools, garderie, tmp_path):
    from devtools.screenshots.sync import render_sync_screens

    _rejected_booking(ctx.store, agent, schools, garderie)
    saved = render_sync_screens(ctx, tmp_path)
    assert [p.name for p in saved] == [
        "sync_status.png",
        "sync_issues.png",
        "sync_settings.png",
        "sync_restored.png",
    ]
    assert all(p.stat().st_size > 10_000 for p in saved)
