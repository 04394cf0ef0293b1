"""« Appliquer les semaines types » after a calendar change: the reopened days get booked."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.catalogue.calendar import add_closure, list_school_years, remove_closure
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription
from eticket_desk.ui.year_templates import ApplyTemplatesDialog
from tests.conftest import validated_family


def test_reopened_days_are_booked_from_the_saved_forms(
    qtbot, ctx, store, admin, schools, activities
):
    family = validated_family(store, admin, schools)
    lea, cantine = family.children[0], activities["CANTINE"]
    works = add_closure(store, admin, date(2026, 10, 5), date(2026, 10, 9), "Travaux", ("CANTINE",))
    draft = SubscriptionDraft(
        lea.id, cantine.id, date(2026, 9, 1), date(2026, 10, 16), WeekTemplate(frozenset({0, 3}))
    )
    first = apply_subscription(store, admin, draft)
    assert (date(2026, 10, 5), "Travaux") in first.closed
    remove_closure(store, admin, works)  # the works are put off: the week reopens

    dialog = ApplyTemplatesDialog(ctx)
    qtbot.addWidget(dialog)
    year = list_school_years(store)[0]
    assert dialog.period_combo.itemText(0).startswith("Année scolaire 2026-2027")
    assert dialog.period_combo.currentData() == (year.start, year.end)
    qtbot.mouseClick(dialog.run_button, Qt.MouseButton.LeftButton)
    assert dialog.status.text() == "1 inscription(s) appliquée(s) sur 1 : 2 jour(s) réservé(s)."
    assert dialog.progress_bar.value() == 1
    week = load_week(store, admin, family.id, date(2026, 10, 5))
    row = next(r for r in week.children[0].rows if r.code == "CANTINE")
    assert [c.day for c in row.cells if c.booking] == [date(2026, 10, 5), date(2026, 10, 8)]


def test_without_a_school_year_there_is_nothing_to_apply(qtbot, ctx):
    dialog = ApplyTemplatesDialog(ctx)
    qtbot.addWidget(dialog)
    assert (
        dialog.status.text() == "Aucune année scolaire à venir : créez-la d'abord dans Calendrier."
    )
    assert not dialog.run_button.isEnabled()
