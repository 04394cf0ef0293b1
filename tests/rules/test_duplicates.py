"""Likely duplicate dossiers: an adult and a child in common, names folded; false alarms kept
rare (twins, a grandparent's or a childminder's dossier, namesakes)."""

from __future__ import annotations

from datetime import date

from eticket_desk.rules.duplicates import (
    ChildFacts,
    DossierFacts,
    PersonFacts,
    kept_booking,
    likeness,
    name_key,
    pairs_by_key,
)

LEA = ChildFacts("Léa", "Dupont", date(2018, 4, 3))


def dossier(*adults, children=(LEA,)) -> DossierFacts:
    return DossierFacts(tuple(adults), tuple(children))


def test_names_are_folded_for_case_accents_hyphens_and_spaces():
    assert name_key("Le Goff-Müller") == name_key("LEGOFF MULLER") == "legoffmuller"
    assert name_key("Éloïse") == name_key("eloise")
    assert name_key("D'Almeida") == name_key("dalmeida")


def test_the_same_parent_and_child_typed_differently_match():
    here = dossier(PersonFacts("DUPONT", "Marie-Hélène"))
    there = dossier(
        PersonFacts("Dupont", "marie helene"),
        children=(ChildFacts("LEA", "DUPONT", date(2018, 4, 3)),),
    )
    alike = likeness(here, there)
    assert alike is not None
    assert (alike.child.first_name, alike.adult.first_name) == ("LEA", "marie helene")


def test_a_child_born_another_day_is_another_child():
    here = dossier(PersonFacts("Dupont", "Marie"))
    there = dossier(
        PersonFacts("Dupont", "Marie"), children=(ChildFacts("Léa", "Dupont", date(2018, 4, 4)),)
    )
    assert likeness(here, there) is None


def test_a_grandparents_dossier_shares_the_child_but_not_the_adult():
    parents = dossier(PersonFacts("Dupont", "Marie"))
    grandma = dossier(PersonFacts("Dupont", "Simone"))
    assert likeness(parents, grandma) is None


def test_a_childminder_listed_as_third_party_never_makes_a_match():
    one = dossier(PersonFacts("Dupont", "Marie"), PersonFacts("Roux", "Anne", third_party=True))
    other = dossier(PersonFacts("Martin", "Paul"), PersonFacts("Roux", "Anne", third_party=True))
    assert likeness(one, other) is None


def test_namesake_parents_without_a_child_born_the_same_day_do_not_match():
    one = dossier(PersonFacts("Martin", "Marie"))
    other = dossier(
        PersonFacts("Martin", "Marie"), children=(ChildFacts("Léa", "Martin", date(2017, 1, 9)),)
    )
    assert likeness(one, other) is None


def test_a_child_without_a_birth_date_never_matches():
    undated = ChildFacts("Léa", "Dupont", None)
    one = dossier(PersonFacts("Dupont", "Marie"), children=(undated,))
    assert likeness(one, dossier(PersonFacts("Dupont", "Marie"), children=(undated,))) is None


def test_twins_are_two_children_and_each_keeps_its_own_pair():
    hugo, lou = (ChildFacts(n, "Martin", date(2019, 5, 1)) for n in ("Hugo", "Lou"))
    kept = [("k-hugo", ("hugo", hugo.birth_date)), ("k-lou", ("lou", lou.birth_date))]
    absorbed = [("a-lou", ("lou", lou.birth_date)), ("a-tom", ("tom", date(2021, 2, 2)))]
    assert pairs_by_key(kept, absorbed) == {"a-lou": "k-lou"}


def test_a_day_booked_in_both_dossiers_keeps_the_seat():
    assert kept_booking("booked", "booked") == "kept"
    assert kept_booking("cancelled", "booked") == "absorbed"
    assert kept_booking("waiting", "present") == "absorbed"
    assert kept_booking("booked", "waiting") == "kept"
