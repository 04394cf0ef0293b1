"""The status bar's « Base : » names the base the agent works in; its folder on hover."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from eticket_desk.ui.main_window import MainWindow


def test_the_status_bar_names_the_base_and_shows_its_folder_on_hover(qtbot, ctx):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    [base] = [
        label
        for label in window.statusBar().findChildren(QLabel)
        if label.text().startswith("Base : ")
    ]
    assert base.text() == "Base : eticket.sqlite"
    assert base.toolTip() == str(ctx.store.path.resolve())
