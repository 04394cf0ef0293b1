"""The paper registration form, in its dialog, filled like the secretariat does."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from eticket_desk.rules.booking import BookingState
from eticket_desk.rules.templates import FareOption, WeekTemplate
from eticket_desk.services.bookings.planning import load_week
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.families.registration_forms import apply_form
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, list_subscriptions
from eticket_desk.ui.subscriptions import SubscriptionDialog
from tests.conftest import complete_family, validated_family


@pytest.fixture
def family(store, admin, schools, activities):
    return validated_family(store, admin, schools)


def _dialog(qtbot, ctx, family_id) -> SubscriptionDialog:
    dialog = SubscriptionDialog(ctx, family_id)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _booked(store, admin, family, code, monday):
    plan = load_week(store, admin, family.id, monday)
    row = next(r for r in plan.children[0].rows if r.code == code)
    return [c.day.day for c in row.cells if c.booking == BookingState.BOOKED]


def _click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_form_shows_child_period_and_activity_rows(qtbot, ctx, family):
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    assert form.child_combo.currentText() == "Léa Dupont — CP, École Jules Ferry"
    assert form.period_combo.currentText() == "Période 1 (01/09 → 16/10)"
    texts = [form.period_combo.itemText(i) for i in range(form.period_combo.count())]
    assert "Période 2 (02/11 → 18/12)" in texts
    assert texts[-2:] == ["Année scolaire entière (2026-2027)", "Dates…"]
    assert [r.activity.code for r in form.grid.rows] == ["CANTINE", "BUS", "TAP"]
    cantine = form.row("CANTINE")
    assert sorted(cantine.day_boxes) == [0, 1, 3, 4]  # no Wednesday box for the canteen
    assert cantine.fare is None
    bus = form.row("BUS")
    assert [bus.fare.itemText(i) for i in range(2)] == [
        "1 aller-retour par jour",
        "2 allers-retours par jour",
    ]
    tap = form.row("TAP")
    assert [tap.fare.itemText(i) for i in range(2)] == [
        "1 séance par semaine",
        "2 séances par semaine",
    ]
    assert [bus.parity.itemText(i) for i in range(3)] == [
        "Toutes les semaines",
        "Semaines paires",
        "Semaines impaires",
    ]
    assert not cantine.day_boxes[0].isEnabled()  # nothing to set until « inscrit » is ticked
    _click(qtbot, cantine.enrolled)
    assert cantine.day_boxes[0].isEnabled() and cantine.day_boxes[0].isChecked()


def test_form_entered_books_the_right_days(qtbot, ctx, store, admin, family):
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    cantine = form.row("CANTINE")
    _click(qtbot, cantine.enrolled)
    _click(qtbot, cantine.day_boxes[3])  # no canteen on Thursdays
    form.refresh_preview()
    text = form.preview.toPlainText()
    assert "Cantine : 14 jour(s) à réserver, 6 verrouillé(s) (délai dépassé)" in text
    assert "lun., mar., ven., du 01/09/2026 au 16/10/2026" in text
    assert "Délai dépassé (laissés tels quels) : mar. 01/09" in text
    with qtbot.waitSignal(dialog.subscriptions_saved) as saved:
        _click(qtbot, form.save_button)
    assert saved.args[0].child_name == "Léa Dupont"
    assert not dialog.isVisible()
    assert _booked(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21, 22, 25]
    assert _booked(store, admin, family, "CANTINE", date(2026, 10, 12)) == [12, 13, 16]
    assert _booked(store, admin, family, "CANTINE", date(2026, 11, 2)) == []  # Période 2
    [subscription] = list_subscriptions(store, admin, family.children[0].id)
    assert subscription.period_label == "Période 1"
    assert subscription.source == "paper"


def test_preview_shows_closed_days_and_full_days(qtbot, ctx, store, admin, schools, family):
    others = [
        validated_family(store, admin, schools, last_name=name, child_first_name="Tom")
        for name in ("Martin", "Bernard")
    ]
    year = (date(2026, 9, 1), date(2027, 7, 3))
    for other in others:
        apply_form(
            store,
            admin,
            [
                SubscriptionDraft(
                    other.children[0].id,
                    ctx_activity(store, "BUS"),
                    *year,
                    WeekTemplate(frozenset({0, 1, 2, 3, 4})),
                )
            ],
        )
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    form.select_period("Année scolaire entière")
    _click(qtbot, form.row("BUS").enrolled)
    form.refresh_preview()
    text = form.preview.toPlainText()
    assert "Bus 8h30 : 0 jour(s) à réserver" in text
    assert "complet(s) : liste d'attente" in text
    assert "Complets → liste d'attente : lun. 21/09, mar. 22/09" in text
    assert "Vacances de la Toussaint (10 j., du 19/10 au 30/10)" in text
    assert "Armistice (11/11)" in text


def ctx_activity(store, code):
    from eticket_desk.services.catalogue.activities import list_activities

    return next(a.id for a in list_activities(store) if a.code == code)


def test_applying_twice_changes_nothing(qtbot, ctx, store, admin, family):
    for attempt in range(2):
        dialog = _dialog(qtbot, ctx, family.id)
        form = dialog.form
        cantine = form.row("CANTINE")
        if attempt == 0:
            _click(qtbot, cantine.enrolled)
        else:
            assert cantine.enrolled.isChecked()  # pre-filled from the recorded form
            assert cantine.note.text() == "inscrit du 01/09 au 16/10"
        form.refresh_preview()
        if attempt == 1:
            assert (
                "Cantine : 0 jour(s) à réserver, 19 déjà réservé(s)" in form.preview.toPlainText()
            )
        with qtbot.waitSignal(dialog.subscriptions_saved):
            form.save()
        assert _booked(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21, 22, 24, 25]
    assert len(list_subscriptions(store, admin, family.children[0].id)) == 1


def test_editing_the_template_changes_only_days_still_open(qtbot, ctx, store, admin, clock, family):
    dialog = _dialog(qtbot, ctx, family.id)
    _click(qtbot, dialog.form.row("CANTINE").enrolled)
    with qtbot.waitSignal(dialog.subscriptions_saved):
        dialog.form.save()
    clock.advance(days=7)  # Monday 21 September, 9:30: today's canteen is locked
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    cantine = form.row("CANTINE")
    _click(qtbot, cantine.day_boxes[0])  # no more Mondays
    form.refresh_preview()
    assert "À annuler : lun. 28/09, lun. 05/10, lun. 12/10" in form.preview.toPlainText()
    with qtbot.waitSignal(dialog.subscriptions_saved):
        form.save()
    assert _booked(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21, 22, 24, 25]
    assert _booked(store, admin, family, "CANTINE", date(2026, 9, 28)) == [29, 1, 2]


def test_occasional_books_nothing_and_keeps_the_fare(qtbot, ctx, store, admin, family):
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    tap = form.row("TAP")
    _click(qtbot, tap.enrolled)
    tap.mode.setCurrentIndex(1)  # Occasionnel
    tap.fare.setCurrentIndex(1)  # 2 séances par semaine
    assert not tap.day_boxes[1].isEnabled() and not tap.parity.isEnabled()
    form.refresh_preview()
    assert "TAP : 0 jour(s) à réserver" in form.preview.toPlainText()
    assert "occasionnel" in form.preview.toPlainText()
    with qtbot.waitSignal(dialog.subscriptions_saved):
        form.save()
    [subscription] = list_subscriptions(store, admin, family.children[0].id)
    assert not subscription.regular
    assert subscription.fare_option == FareOption.TWO
    assert _booked(store, admin, family, "TAP", date(2026, 9, 21)) == []


def test_even_weeks_only(qtbot, ctx, store, admin, family):
    dialog = _dialog(qtbot, ctx, family.id)
    bus = dialog.form.row("BUS")
    _click(qtbot, bus.enrolled)
    bus.parity.setCurrentIndex(1)  # Semaines paires: ISO week 40 is even, 39 is odd
    with qtbot.waitSignal(dialog.subscriptions_saved):
        dialog.form.save()
    assert _booked(store, admin, family, "BUS", date(2026, 9, 21)) == []
    assert _booked(store, admin, family, "BUS", date(2026, 9, 28)) == [28, 29, 30, 1, 2]


def test_preview_follows_the_typing_after_a_pause(qtbot, ctx, family):
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    qtbot.waitUntil(lambda: "Cochez au moins une activité" in form.preview.toPlainText())
    _click(qtbot, form.row("CANTINE").enrolled)
    assert "Cantine" not in form.preview.toPlainText()  # not at once: ~300 ms later
    qtbot.waitUntil(lambda: "Cantine : 19 jour(s) à réserver" in form.preview.toPlainText())


def test_typed_dates(qtbot, ctx, store, admin, family):
    dialog = _dialog(qtbot, ctx, family.id)
    form = dialog.form
    assert not form.start_field.isVisible()
    form.select_period("Dates…")
    assert form.start_field.isVisible() and form.end_field.isVisible()
    _click(qtbot, form.row("CANTINE").enrolled)
    form.refresh_preview()
    assert "Saisissez les dates de début et de fin" in form.preview.toPlainText()
    qtbot.keyClicks(form.start_field.line_edit, "21/09/2026")
    qtbot.keyClicks(form.end_field.line_edit, "25/09/2026")
    form.refresh_preview()
    assert "Cantine : 4 jour(s) à réserver" in form.preview.toPlainText()
    with qtbot.waitSignal(dialog.subscriptions_saved):
        form.save()
    assert _booked(store, admin, family, "CANTINE", date(2026, 9, 28)) == []
    [subscription] = list_subscriptions(store, admin, family.children[0].id)
    assert subscription.period_label == "du 21/09/2026 au 25/09/2026"


def test_dossier_not_validated_is_refused_beside_the_form(
    qtbot, ctx, store, admin, schools, activities
):
    draft = save_family(store, admin, complete_family(schools, last_name="Petit"))
    dialog = _dialog(qtbot, ctx, draft.id)
    form = dialog.form
    assert "dossier non validé" in form.family_label.text()
    _click(qtbot, form.row("CANTINE").enrolled)
    form.refresh_preview()
    assert form.error_label.isVisible()
    assert "Le dossier de Léa Petit n'est pas validé" in form.error_label.text()
    form.save()
    assert dialog.isVisible()
    assert "n'est pas validé" in form.error_label.text()
    assert list_subscriptions(store, admin, draft.children[0].id) == []


def test_saving_announces_bookings(qtbot, ctx, family):
    dialog = _dialog(qtbot, ctx, family.id)
    _click(qtbot, dialog.form.row("CANTINE").enrolled)
    with qtbot.waitSignal(ctx.bus.changed) as announced:
        dialog.form.save()
    assert "bookings" in announced.args[0]


def test_nothing_ticked_says_so(qtbot, ctx, family):
    dialog = _dialog(qtbot, ctx, family.id)
    dialog.form.save()
    assert dialog.form.error_label.text() == "Cochez au moins une activité."
    assert dialog.isVisible()


def test_a_day_cancelled_by_hand_stays_cancelled(qtbot, ctx, store, admin, family, activities):
    from eticket_desk.services.bookings.booking import cancel_booking

    dialog = _dialog(qtbot, ctx, family.id)
    _click(qtbot, dialog.form.row("CANTINE").enrolled)
    with qtbot.waitSignal(dialog.subscriptions_saved):
        dialog.form.save()
    child_id = family.children[0].id
    cancel_booking(store, admin, child_id, activities["CANTINE"].id, date(2026, 9, 24))
    dialog = _dialog(qtbot, ctx, family.id)
    dialog.form.refresh_preview()
    text = dialog.form.preview.toPlainText()
    assert "1 annulé(s) à la main, laissé(s) annulé(s)" in text
    assert "Annulés à la main (restent annulés) : jeu. 24/09" in text
    with qtbot.waitSignal(dialog.subscriptions_saved):
        dialog.form.save()
    assert _booked(store, admin, family, "CANTINE", date(2026, 9, 21)) == [21, 22, 25]
