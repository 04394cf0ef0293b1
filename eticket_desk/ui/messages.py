"""Showing errors and confirmations in French, the same way on every screen."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from eticket_desk.rules.errors import DomainError, ValidationFailed

log = logging.getLogger(__name__)


def error_text(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        return exc.message
    log.exception("unexpected error", exc_info=exc)
    return (
        "Une erreur inattendue s'est produite et rien n'a été enregistré.\n"
        f"Détail technique : {type(exc).__name__}: {exc}"
    )


def show_error(
    parent: QWidget | None, exc: BaseException, title: str = "Opération impossible"
) -> None:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, error_text(exc), QMessageBox.StandardButton.Ok, parent
    )
    if isinstance(exc, ValidationFailed):
        box.setText("Certains champs sont incorrects :")
        box.setInformativeText("\n".join(f"• {m}" for m in exc.errors.values()))
    box.exec()


def ask_yes_no(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


def ask_text(parent: QWidget | None, title: str, label: str) -> str:
    """A line of text (a reason); "" when cancelled or left empty."""
    text, accepted = QInputDialog.getText(parent, title, label)
    return text.strip() if accepted else ""


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)
