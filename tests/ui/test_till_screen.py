"""The till dialog: opening with a float, closing by counting the cash."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt

from eticket_desk.services.core.documents import documents_root
from eticket_desk.services.counter.till import current_till, open_till
from eticket_desk.ui.counter.till_dialog import TillDialog


@pytest.fixture(autouse=True)
def no_modal_errors(monkeypatch):
    def fail(parent, exc, title=""):
        raise AssertionError(f"error shown: {exc}")

    monkeypatch.setattr("eticket_desk.ui.counter.till_dialog.show_error", fail)


@pytest.fixture(autouse=True)
def previews(monkeypatch) -> list:
    """The documents the dialog shows, as (path, title), instead of a modal preview."""
    shown = []
    monkeypatch.setattr(
        "eticket_desk.ui.pdf_preview.preview",
        lambda path, title, parent=None: shown.append((path, title)),
    )
    return shown


def text(label) -> str:
    return label.text().replace("\xa0", " ").replace("\u202f", " ")


def test_open_the_till_with_its_float(qtbot, ctx, store):
    assert current_till(store) is None
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    dialog.float_edit.selectAll()
    qtbot.keyClicks(dialog.float_edit, "150,50")
    with qtbot.waitSignal(ctx.bus.changed):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store).float_cents == 15_050


def test_close_with_a_difference_requires_an_explanation(qtbot, ctx, store, admin, previews):
    open_till(store, admin, 10_000)
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    assert text(dialog.expected_label) == "100,00 €"
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(dialog.counted_edit, "98")
    assert text(dialog.difference_label) == "-2,00 €"
    assert not dialog.ok_button.isEnabled()
    assert "expliquez-le" in dialog.error.text()
    qtbot.keyClicks(dialog.note_edit, "Erreur de rendu")
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store) is None
    # the closed day's journal is shown at once, to print, sign and file
    [(path, title)] = previews
    assert title == "Journal de caisse"
    assert path.parent == documents_root(store) / "Journaux de caisse" / "2026"
    text_read = "\n".join(p.extract_text() for p in PdfReader(path).pages)
    assert "Erreur de rendu" in text_read and "Espèces comptées" in text_read
    assert "provisoire" not in text_read


def test_the_provisional_journal_while_the_till_is_open(qtbot, ctx, store, admin, previews):
    open_till(store, admin, 5_000)
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.journal_button, Qt.MouseButton.LeftButton)
    [(path, _title)] = previews
    assert "journal provisoire" in PdfReader(path).pages[0].extract_text()
    assert current_till(store) is not None  # still open


def test_close_without_difference(qtbot, ctx, store, admin):
    open_till(store, admin, 5_000)
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.counted_edit, "50,00")
    assert text(dialog.difference_label) == "0,00 €"
    assert dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert current_till(store) is None


# ------------------------------------------------------------ a till held by a colleague


@pytest.fixture
def marie(store, admin):
    from eticket_desk.rules.permissions import Role
    from eticket_desk.services.access import users
    from eticket_desk.services.core.store import Actor

    draft = users.UserDraft("mdurand", "Marie Durand", Role.AGENT, True, "guichet2026", "Mme")
    info = users.save_user(store, admin, draft)
    return Actor(info.id, info.login, info.full_name, info.role, info.civility)


@pytest.fixture
def answers(monkeypatch) -> list:
    """The questions asked, each answered « Oui »."""
    asked = []

    def ask(parent, title, text):
        asked.append(text.replace("\xa0", " "))
        return True

    monkeypatch.setattr("eticket_desk.ui.messages.ask_yes_no", ask)
    return asked


def test_a_colleagues_till_is_named_and_taken_over_on_confirmation(
    qtbot, ctx, store, clock, marie, answers
):
    clock.current = datetime(2026, 9, 14, 8, 5)
    open_till(store, marie, 10_000)
    clock.current = datetime(2026, 9, 14, 12, 10)
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    assert text(dialog.holder_label) == (
        "La caisse est ouverte par Marie Durand (agente d'accueil) depuis 8 h 05."
    )
    assert dialog.ok_button.text() == "Clôturer à sa place…"
    with qtbot.waitSignal(ctx.bus.changed):
        qtbot.mouseClick(dialog.take_over_button, Qt.MouseButton.LeftButton)
    assert answers == [
        "Reprendre la caisse de Marie Durand (agente d'accueil) ?\n\nVos encaissements iront "
        "dans cette caisse, et le journal de caisse dira que vous l'avez reprise à 12 h 10."
    ]
    assert current_till(store).held_by == "admin"
    again = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(again)
    assert not hasattr(again, "take_over_button")  # now the admin's own till
    assert text(again.opened_label) == (
        "Ouverte le 14/09/2026 à 8 h 05 par Marie Durand. Reprise par vous à 12 h 10."
    )


def test_closing_a_colleagues_till_is_confirmed(qtbot, ctx, store, marie, answers, previews):
    open_till(store, marie, 5_000)
    dialog = TillDialog(ctx, current_till(ctx.store))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.counted_edit, "50")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert answers[0].startswith(
        "Clôturer la caisse de Marie Durand (agente d'accueil) à sa place ?"
    )
    assert current_till(store) is None
    [(path, _title)] = previews
    assert "pour la clôturer à la place de Marie Durand" in " ".join(
        PdfReader(path).pages[0].extract_text().split()
    )


# ------------------------------------------------------------ leaving with the till open


def choose(monkeypatch, button: str) -> list:
    """Answers the « Caisse ouverte » box with one of its buttons; returns its texts."""
    from PySide6.QtWidgets import QMessageBox

    shown = []

    def exec_(box):
        shown.append(f"{box.text()} {box.informativeText()}".replace("\xa0", " "))
        getattr(box, button).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return shown


def test_quitting_with_ones_till_open_warns_and_may_stay(qtbot, ctx, store, admin, monkeypatch):
    from eticket_desk.ui.counter.till_guard import confirm_leaving

    assert confirm_leaving(ctx, None, quitting=True)  # no till: nothing asked
    open_till(store, admin, 15_000)
    shown = choose(monkeypatch, "cancel_button")
    assert not confirm_leaving(ctx, None, quitting=True)
    assert shown[0].startswith(
        "Votre caisse est encore ouverte (espèces attendues : 150,00 €). Clôturez-la avant "
        "de quitter le programme"
    )
    choose(monkeypatch, "leave_button")
    assert confirm_leaving(ctx, None, quitting=False)
    assert current_till(store) is not None  # left open, still the admin's


def test_closing_the_till_on_the_way_out(qtbot, ctx, store, admin, monkeypatch):
    from eticket_desk.ui.counter import till_guard

    open_till(store, admin, 5_000)
    choose(monkeypatch, "close_button")

    def count_and_close(dialog):
        qtbot.keyClicks(dialog.counted_edit, "50")
        dialog.ok_button.click()

    monkeypatch.setattr(TillDialog, "exec", count_and_close)
    assert till_guard.confirm_leaving(ctx, None, quitting=True)
    assert current_till(store) is None


def test_logging_out_with_the_till_open_asks_first(qtbot, ctx, store, admin, monkeypatch):
    from eticket_desk.ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    open_till(store, admin, 5_000)
    shown = choose(monkeypatch, "cancel_button")
    window._on_logout_triggered()
    assert window.isVisible() and not window.logged_out
    assert "Clôturez-la avant de vous déconnecter" in shown[0]
    choose(monkeypatch, "leave_button")
    window._on_logout_triggered()
    assert window.logged_out and not window.isVisible()


def test_till_screenshots_are_rendered(qtbot, ctx, store, admin, marie, tmp_path):
    from devtools.screenshots.till import render_till_screens

    saved = render_till_screens(ctx, tmp_path, marie)
    assert [p.name for p in saved] == [
        "till_close.png",
        "till_open.png",
        "till_colleague.png",
        "till_leaving.png",
    ]
    assert all(p.stat().st_size > 1000 for p in saved)
    assert current_till(store).held_by == "admin"  # taken over from Marie, still open
