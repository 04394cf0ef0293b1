"""Nothing cut off, nothing jumping: titles, links, fields and combos show their whole text at
the smallest size their window allows, and the main window never widens itself."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from eticket_desk.services.catalogue.organisation import (
    OrganisationData,
    add_school,
    load_organisation,
    save_organisation,
)
from eticket_desk.ui.admin.settings_screen import SettingsScreen
from eticket_desk.ui.family_editor import FamilyEditorDialog
from eticket_desk.ui.main_window import MainWindow
from eticket_desk.ui.planning.cell_painter import fit_link
from eticket_desk.ui.planning.week_model import DAY_LINK, WEEK_LINK
from eticket_desk.ui.screens import SCREENS
from tests.conftest import validated_family

LONG_SCHOOL = "École maternelle et élémentaire Jules Ferry"


@pytest.fixture
def family(store, admin, schools, activities):
    return validated_family(store, admin, schools)


def _smallest_editor(qtbot, ctx, family_id) -> FamilyEditorDialog:
    dialog = FamilyEditorDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.resize(dialog.minimumSize())
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _whole(label: QLabel) -> bool:
    """The label shows its whole text (on one line, or wrapped within its height)."""
    needed = label.fontMetrics().horizontalAdvance(label.text())
    return needed <= label.contentsRect().width() or (
        label.wordWrap() and label.heightForWidth(label.width()) <= label.height()
    )


def test_the_longest_week_title_is_whole_in_the_smallest_dossier_window(qtbot, ctx, family):
    dialog = _smallest_editor(qtbot, ctx, family.id)
    grid = dialog.planning
    grid.go_to(date(2026, 12, 14))
    QApplication.processEvents()
    assert grid.title.text() == "Semaine du lundi 14 au vendredi 18 décembre 2026"
    assert _whole(grid.title)
    grid.go_to(date(2026, 9, 28))  # across two months: the longest kind of title
    QApplication.processEvents()
    assert grid.title.text() == "Semaine du lundi 28 septembre au vendredi 2 octobre 2026"
    assert _whole(grid.title)


def test_day_headers_and_links_are_never_elided(qtbot, ctx, family):
    dialog = _smallest_editor(qtbot, ctx, family.id)
    grid = dialog.planning
    grid.go_to(date(2026, 12, 14))
    QApplication.processEvents()
    header = grid.table.horizontalHeader()
    for column in range(1, grid.model.day_count + 1):
        text = grid.model.headerData(column, header.orientation())
        assert header.fontMetrics().horizontalAdvance(text) <= header.sectionSize(column) - 8, text
    font = grid.table.font()
    font.setPointSizeF(max(font.pointSizeF() - 1, 7))
    from PySide6.QtGui import QFontMetrics

    metrics, height = QFontMetrics(font), grid.table.rowHeight(0)
    day_width = min(header.sectionSize(c) for c in range(1, grid.model.day_count + 1))
    text, _flags = fit_link(DAY_LINK, metrics, day_width - 10, height)
    assert text == "toutes les activités"  # on two lines if need be, never « toutes les acti… »
    week_width = header.sectionSize(grid.model.week_column)
    assert fit_link(WEEK_LINK, metrics, week_width - 10, height)[0] == "toute la semaine"
    # A wider window goes back to « lundi 14/12 ».
    dialog.resize(1400, 800)
    QApplication.processEvents()
    assert grid.model.headerData(1, header.orientation()) == "lundi 14/12"


def test_the_school_combo_shows_a_long_school_name_whole(qtbot, ctx, store, admin, activities):
    school = add_school(store, admin, LONG_SCHOOL)
    family = validated_family(store, admin, [school], last_name="Ferry")
    dialog = _smallest_editor(qtbot, ctx, family.id)
    dialog.tabs.setCurrentWidget(dialog.children_page)
    QApplication.processEvents()
    combo = dialog.child_form.school
    assert combo.currentText() == LONG_SCHOOL
    needed = combo.fontMetrics().horizontalAdvance(LONG_SCHOOL) + 40  # the arrow and margins
    assert combo.width() >= needed
    scroll = dialog.children_page.stack.currentWidget()
    assert not scroll.horizontalScrollBar().isVisible()  # the form fits: nothing hidden


def test_settings_fields_show_the_start_of_their_text(qtbot, ctx, store, admin):
    data = load_organisation(store)
    save_organisation(
        store,
        admin,
        OrganisationData(
            **{
                **data.__dict__,
                "name": "Commune de Val-d'Arve-les-Bains-sur-le-Lac",
                "regie_name": "Régie périscolaire de la commune de Val-d'Arve-les-Bains",
            }
        ),
    )
    screen = SettingsScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(900, 600)
    screen.show()
    qtbot.waitExposed(screen)
    page = screen.organisation_page
    for key in ("name", "regie_name"):
        editor = page.editors[key]
        assert editor.cursorPosition() == 0, key  # the field shows « Commune de Val-d'Ar… »


def test_the_main_window_never_widens_itself(qtbot, ctx, family):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    for screen in SCREENS:
        window.show_page(screen.key)
        QApplication.processEvents()
        assert window.width() == 1024, screen.key
    # A summary that gets much longer scrolls inside its screen, the window stays.
    window.show_page("invoicing")
    summary = window.current_screen().findChildren(QLabel)[0]
    summary.setWordWrap(False)
    summary.setText("Une phrase très longue qui ne tient pas sur une ligne " * 6)
    QApplication.processEvents()
    assert window.width() == 1024
