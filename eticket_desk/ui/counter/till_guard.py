"""Leaving the program (quitting or logging out) with one's till still open: warned, with the
offer to close it first, or to leave it open for a colleague to take over."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from eticket_desk.rules.money import format_cents
from eticket_desk.services.counter.till import current_till
from eticket_desk.ui.context import AppContext


def leaving_box(parent: QWidget | None, till, quitting: bool) -> QMessageBox:
    """The question, with « Clôturer la caisse… » (default), « Laisser ouverte », « Annuler »."""
    box = QMessageBox(parent)
    tr = box.tr
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(tr("Caisse ouverte"))
    box.setText(
        tr("Votre caisse est encore ouverte (espèces attendues : %1).").replace(
            "%1", format_cents(till.expected_cash_cents)
        )
    )
    box.setInformativeText(
        tr(
            "Clôturez-la avant de quitter le programme : comptez les espèces et imprimez le "
            "journal. Laissée ouverte, elle reste à votre nom : personne d'autre n'y encaisse "
            "sans la reprendre."
        )
        if quitting
        else tr(
            "Clôturez-la avant de vous déconnecter : comptez les espèces et imprimez le "
            "journal. Laissée ouverte, elle reste à votre nom : la personne suivante devra la "
            "reprendre pour encaisser."
        )
    )
    box.close_button = box.addButton(tr("Clôturer la caisse…"), QMessageBox.ButtonRole.AcceptRole)
    box.leave_button = box.addButton(tr("Laisser ouverte"), QMessageBox.ButtonRole.DestructiveRole)
    box.cancel_button = box.addButton(tr("Annuler"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.close_button)
    box.setEscapeButton(box.cancel_button)
    return box


def confirm_leaving(ctx: AppContext, parent: QWidget | None, quitting: bool) -> bool:
    """True when the program may close (or log out): no till of this agent is open, it was
    closed through the dialog, or the agent chose to leave it open. False: stay.

    It reads the till on the calling (GUI) thread: the main window's close event needs the
    answer before it returns (see MainWindow.closeEvent)."""
    till = current_till(ctx.store)
    if till is None or till.held_by_other(ctx.actor):
        return True
    box = leaving_box(parent, till, quitting)
    box.exec()
    clicked = box.clickedButton()
    if clicked is box.leave_button:
        return True
    if clicked is not box.close_button:
        return False
    # imported here, as the main window's screens: the PDF viewer it brings costs at start-up
    from eticket_desk.ui.counter.till_dialog import TillDialog

    dialog = TillDialog(ctx, till, parent)
    dialog.exec()
    return current_till(ctx.store) is None
