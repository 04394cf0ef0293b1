"""The invoicing settings, driven like a person: the organisation's logo chosen from a file,
shown small and removed (a file that is not an image refused in French), and the payment
delay of invoices saved with the desk settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QFileDialog

from eticket_desk.services.catalogue.organisation_logo import load_logo
from eticket_desk.services.core import settings
from eticket_desk.ui import messages
from eticket_desk.ui.admin.settings_screen import SettingsScreen


@pytest.fixture
def shown_errors(monkeypatch) -> list[str]:
    shown: list[str] = []
    monkeypatch.setattr(
        messages, "show_error", lambda parent, exc, title="": shown.append(messages.error_text(exc))
    )
    return shown


def _choose(monkeypatch, path) -> None:
    """The file the person picks in the system's file dialog."""
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args, **kwargs: (str(path), ""))


def test_the_logo_is_chosen_shown_and_removed(
    qtbot, ctx, store, tmp_path, monkeypatch, shown_errors
):
    image = QImage(300, 100, QImage.Format.Format_RGB32)
    image.fill(QColor("#1d4ed8"))
    logo = tmp_path / "logo.png"
    assert image.save(str(logo))
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.organisation_page
    assert page.logo_label.text() == "Aucun logo"
    assert not page.remove_logo_button.isEnabled()

    _choose(monkeypatch, logo)
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        qtbot.mouseClick(page.logo_button, Qt.MouseButton.LeftButton)
    assert announced.args == [frozenset({"organisation"})]
    assert load_logo(store) == logo.read_bytes()
    shown = page.logo_label.pixmap()
    assert not shown.isNull() and shown.width() <= page.logo_label.width()
    assert page.status_label.text() == "Logo enregistré."
    assert page.remove_logo_button.isEnabled()

    text_file = tmp_path / "logo.png.txt"
    text_file.write_text("pas une image")
    _choose(monkeypatch, text_file)
    qtbot.mouseClick(page.logo_button, Qt.MouseButton.LeftButton)
    assert shown_errors == ["Le logo doit être une image PNG ou JPEG."]
    assert load_logo(store) == logo.read_bytes()

    qtbot.mouseClick(page.remove_logo_button, Qt.MouseButton.LeftButton)
    assert load_logo(store) is None
    assert page.logo_label.text() == "Aucun logo" and page.status_label.text() == "Logo retiré."


def test_the_invoice_payment_delay_is_saved(qtbot, ctx, store, shown_errors):
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    page = screen.desk_page
    assert page.due_days_spin.value() == 30
    assert (page.due_days_spin.minimum(), page.due_days_spin.maximum()) == (1, 90)
    page.due_days_spin.lineEdit().selectAll()
    qtbot.keyClicks(page.due_days_spin.lineEdit(), "45")
    assert page.status_label.text() == "Modification non enregistrée."
    qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    saved = settings.load_settings(store)
    assert (saved.invoice_due_days, saved.idle_lock_minutes) == (45, 5)
    assert ctx.settings.invoice_due_days == 45
    assert page.status_label.text() == "Réglages enregistrés."


def test_an_agent_cannot_change_the_logo(qtbot, qapp, store, agent):
    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.tasks import ImmediateRunner

    ctx = AppContext(store=store, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    assert screen.organisation_page.logo_button.isHidden()
    assert not screen.desk_page.due_days_spin.isEnabled()
