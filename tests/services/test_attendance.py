"""The day's attendance lists on a real store, read back from the PDF as the staff would: the
children booked that day and no one else, ages, pickup persons, health marks for the roles
allowed to see them (and the audit of printing them)."""

from __future__ import annotations

from datetime import date, time

import pytest
from pypdf import PdfReader

from eticket_desk.rules.activity import ActivitySpec, BillingMode
from eticket_desk.rules.deadlines import DeadlineKind, DeadlineRule
from eticket_desk.rules.errors import DomainError, PermissionDenied
from eticket_desk.services.attendance.lists import attendance_lists, print_attendance
from eticket_desk.services.bookings.booking import book_day, cancel_booking
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.core.audit import list_audit
from eticket_desk.services.core.documents import documents_root
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
from tests.conftest import complete_family, validated_family

THURSDAY = date(2026, 11, 26)
FRIDAY = date(2026, 11, 27)


def _text(pdf) -> str:
    pages = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    return " ".join(" ".join(pages).replace("\u202f", " ").replace("\xa0", " ").split())


def _printed_health(store, admin) -> list:
    return [x for x in list_audit(store, admin) if "Impression des données de santé" in x.summary]


def _evening(store, admin):
    return save_activity(
        store,
        admin,
        ActivitySpec(
            code="GARDERIE_SOIR",
            name="Garderie soir",
            weekdays=(0, 1, 3, 4),
            deadline=DeadlineRule(DeadlineKind.PREVIOUS_OPEN_DAY, time(10, 0)),
            billing_mode=BillingMode.UNIT,
        ),
    )


def _family_with_grandmother(store, admin, schools):
    data = complete_family(schools, last_name="Garnier", child_first_name="Zoé")
    data.adults += [
        AdultData(
            last_name="Roussel",
            first_name="Odile",
            relation="Grand-mère",
            third_party=True,
            phone_mobile="06 98 76 54 32",
            may_pick_up=True,
        ),
        AdultData(
            last_name="Voisin",
            first_name="Gérard",
            relation="Voisin(e)",
            third_party=True,
            phone_home="04 50 11 22 33",
        ),
    ]
    saved = save_family(store, admin, data)
    assert validate_family(store, admin, saved.id) == []
    return load_family(store, admin, saved.id)


@pytest.fixture
def day_of_bookings(store, admin, schools, activities):
    """Thursday 26 November: Léa DUPONT and Hugo MARTIN at the canteen; Inès BERNARD on
    Friday only; Noah PETIT booked then cancelled; Jade RICHARD on the bus only."""
    cantine, bus = activities["CANTINE"], activities["BUS"]
    people = {
        name: validated_family(store, admin, schools, last_name=name, child_first_name=first)
        for name, first in (
            ("Dupont", "Léa"),
            ("Martin", "Hugo"),
            ("Bernard", "Inès"),
            ("Petit", "Noah"),
            ("Richard", "Jade"),
        )
    }

    def child(name):
        return people[name].children[0].id

    book_day(store, admin, child("Dupont"), cantine.id, THURSDAY)
    book_day(store, admin, child("Martin"), cantine.id, THURSDAY)
    book_day(store, admin, child("Bernard"), cantine.id, FRIDAY)
    book_day(store, admin, child("Petit"), cantine.id, THURSDAY)
    cancel_booking(store, admin, child("Petit"), cantine.id, THURSDAY)
    book_day(store, admin, child("Richard"), bus.id, THURSDAY)
    return people


def test_the_list_names_exactly_the_children_booked_that_day(
    store, coordinator, activities, day_of_bookings, tmp_path
):
    pdf = print_attendance(
        store, coordinator, THURSDAY, tmp_path / "cantine.pdf", activities["CANTINE"].id
    )
    text = _text(pdf)
    assert "Liste de présence — Cantine" in text
    assert "jeudi 26 novembre 2026" in text
    assert "DUPONT Léa" in text and "MARTIN Hugo" in text
    assert "2 enfants inscrits" in text
    for absent in ("BERNARD", "Inès", "PETIT", "Noah", "RICHARD", "Jade"):
        assert absent not in text
    assert "Sandra Haton" in text  # who printed it


def test_every_list_of_the_day_in_one_pdf_kept_in_the_documents_folder(
    store, coordinator, day_of_bookings
):
    pdf = print_attendance(store, coordinator, THURSDAY)
    assert pdf.parent == documents_root(store) / "Listes" / "2026"
    assert pdf.name == "Listes 2026-11-26.pdf"
    text = _text(pdf)
    # Cantine and the bus run on Thursday; TAP (Tuesday and Friday) does not.
    assert "Liste de présence — Cantine" in text and "Liste de présence — Bus 8h30" in text
    assert "TAP" not in text
    assert "RICHARD Jade" in text and "PETIT" not in text


def test_health_marks_for_the_roles_allowed_and_the_print_is_audited(
    store, admin, coordinator, agent, activities, day_of_bookings, tmp_path
):
    cantine = activities["CANTINE"].id
    # The coordinator may see health data: diet, allergy and PAI of each child, and a line
    # in the audit log says she printed them.
    with_health = _text(print_attendance(store, coordinator, THURSDAY, tmp_path / "a.pdf", cantine))
    assert "sans porc" in with_health and "PAI" in with_health and "Arachide" in with_health
    assert "Document confidentiel" in with_health
    [entry] = _printed_health(store, admin)
    assert entry.action == "Consultation santé"
    assert entry.user == "Sandra Haton"
    assert "listes de présence du 26/11/2026 (Cantine)" in entry.summary
    assert entry.details["children"] == 2

    # A list to pin on the wall goes without them, and is not a health-data view.
    plain = _text(
        print_attendance(
            store, coordinator, THURSDAY, tmp_path / "b.pdf", cantine, with_health=False
        )
    )
    for word in ("sans porc", "PAI", "Arachide", "Allergies", "Régime", "confidentiel"):
        assert word not in plain
    assert "DUPONT Léa" in plain
    assert len(_printed_health(store, admin)) == 1
    lists = attendance_lists(store, coordinator, THURSDAY, cantine, with_health=False)
    assert all(not r.marks and not r.allergies for g in lists[0].groups for r in g.rows)

    # The counter agent's role may not print lists at all (nor see health data).
    with pytest.raises(PermissionDenied) as refused:
        print_attendance(store, agent, THURSDAY, tmp_path / "c.pdf", cantine)
    assert "imprimer les listes" in refused.value.message


def test_the_evening_list_says_who_may_take_the_child_home(
    store, admin, coordinator, schools, school_year, tmp_path
):
    evening = _evening(store, admin)
    family = _family_with_grandmother(store, admin, schools)
    book_day(store, admin, family.children[0].id, evening.id, THURSDAY)
    [data] = attendance_lists(store, coordinator, THURSDAY, evening.id)
    assert data.show_pickup
    [row] = data.groups[0].rows
    assert row.age == 7  # born 3 May 2019
    assert [(p.name, p.relation) for p in row.pickup] == [
        ("GARNIER Marie", "Mère"),
        ("ROUSSEL Odile", "Grand-mère"),
    ]
    assert row.emergency_name == "GARNIER Marie (mère)"
    text = _text(print_attendance(store, coordinator, THURSDAY, tmp_path / "soir.pdf", evening.id))
    assert "ROUSSEL Odile (grand-mère) 06 98 76 54 32" in text
    assert "VOISIN" not in text  # a third party not allowed to pick the child up
    assert "7 ans" in text and "CP" in text


def test_the_bus_waiting_list_prints_last_and_uncounted(
    store, admin, coordinator, schools, activities, tmp_path
):
    bus = activities["BUS"]  # two seats
    names = (("Dupont", "Léa"), ("Martin", "Hugo"), ("Bernard", "Inès"))
    for name, first in names:
        child = validated_family(store, admin, schools, last_name=name, child_first_name=first)
        book_day(
            store, admin, child.children[0].id, bus.id, THURSDAY, waiting_list=name == "Bernard"
        )
    [data] = attendance_lists(store, coordinator, THURSDAY, bus.id)
    assert [r.last_name for g in data.groups for r in g.rows] == ["Dupont", "Martin"]
    assert [r.first_name for r in data.waiting] == ["Inès"]
    text = _text(print_attendance(store, coordinator, THURSDAY, tmp_path / "bus.pdf", bus.id))
    assert "2 enfants inscrits" in text
    assert "Liste d'attente" in text and "BERNARD Inès" in text


def test_a_day_the_activity_does_not_run_is_refused(store, coordinator, activities):
    with pytest.raises(DomainError) as closed:
        attendance_lists(store, coordinator, date(2026, 11, 11), activities["CANTINE"].id)
    assert "Cantine n'a pas lieu le 11/11/2026" in closed.value.message
    with pytest.raises(DomainError) as sunday:
        attendance_lists(store, coordinator, date(2026, 11, 29))
    assert "Aucune activité n'a lieu le 29/11/2026" in sunday.value.message
