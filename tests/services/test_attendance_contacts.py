"""The evening list's contacts: the family's emergency contact is marked among the persons who
may take the child home, so the printed row needs no column of its own for it."""

from __future__ import annotations

from eticket_desk.services.attendance.lists import attendance_lists, print_attendance
from eticket_desk.services.bookings.booking import book_day
from tests.services.test_attendance import THURSDAY, _evening, _family_with_grandmother, _text


def test_the_emergency_contact_is_the_one_marked_among_the_persons(
    store, admin, coordinator, schools, school_year, tmp_path
):
    evening = _evening(store, admin)
    family = _family_with_grandmother(store, admin, schools)
    book_day(store, admin, family.children[0].id, evening.id, THURSDAY)

    [data] = attendance_lists(store, coordinator, THURSDAY, evening.id)
    text = _text(print_attendance(store, coordinator, THURSDAY, tmp_path / "soir.pdf", evening.id))

    [row] = data.groups[0].rows
    assert [(p.name, p.emergency) for p in row.pickup] == [
        ("GARNIER Marie", True),
        ("ROUSSEL Odile", False),
    ]
    # The mother shares the child's name: her first name is enough on the child's row.
    assert "CP — 1 enfant" in text and "1 GARNIER Zoé 7 ans" in text
    assert "Marie (mère) 06 12 34 56 78 · ROUSSEL Odile (grand-mère) 06 98 76 54 32" in text
    assert "Urgence" not in text.replace("à prévenir en cas d'urgence", "")
