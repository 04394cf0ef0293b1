"""The three-way merge of a dossier: a desk's edits since its baseline applied to the server's
dossier field by field, people by identity, the same field changed twice a conflict."""

from __future__ import annotations

import copy

from eticket_desk.rules.dossier_edits import (
    Conflict,
    Edit,
    edits_between,
    field_label,
    merge,
    shown,
    shown_in,
)

MOTHER, FATHER, LEA, HUGO = "m-1", "f-1", "c-1", "c-2"


def _dossier() -> dict:
    return {
        "reference": "F00001",
        "status": "validated",
        "notes": "",
        "quotient": 540,
        "adults": [
            {"id": MOTHER, "first_name": "Claire", "last_name": "Dupont", "relation": "Mère",
             "phone_mobile": "+33612345678", "email": "claire@example.fr", "address1": "12 rue"},
            {"id": FATHER, "first_name": "Jean", "last_name": "Dupont", "relation": "Père",
             "phone_mobile": "", "email": "jean@example.fr", "address1": "12 rue"},
        ],
        "children": [{"id": LEA, "first_name": "Léa", "last_name": "Dupont", "pai": True}],
    }  # fmt: skip


def _adult(dossier: dict, adult_id: str) -> dict:
    return next(a for a in dossier["adults"] if a["id"] == adult_id)


def _edited(base: dict, change) -> tuple[dict, list[Edit]]:
    desk = copy.deepcopy(base)
    change(desk)
    return desk, edits_between(base, desk)


def test_the_edits_name_each_field_changed_and_each_person_added_or_removed():
    base = _dossier()

    def change(desk):
        _adult(desk, MOTHER)["phone_mobile"] = "+33781223344"
        desk["adults"] = [a for a in desk["adults"] if a["id"] != FATHER]
        desk["children"].append({"id": HUGO, "first_name": "Hugo", "last_name": "Dupont"})
        desk["quotient"] = 610

    _, edits = _edited(base, change)
    assert edits == [
        Edit("quotient", 540),
        Edit(f"adults/{MOTHER}/phone_mobile", "+33612345678"),
        Edit(f"adults/{FATHER}", _adult(base, FATHER)),
        Edit(f"children/{HUGO}", None),
    ]


def test_changes_to_different_fields_on_two_desks_both_stay():
    base = _dossier()
    server, _ = _edited(base, lambda d: _adult(d, MOTHER).update(phone_mobile="+33781223344"))

    def change(desk):
        _adult(desk, FATHER)["email"] = "jean.dupont@example.org"
        desk["children"].append({"id": HUGO, "first_name": "Hugo", "last_name": "Dupont"})

    desk, edits = _edited(base, change)
    merged = merge(server, desk, edits)
    assert merged.conflicts == ()
    assert _adult(merged.dossier, MOTHER)["phone_mobile"] == "+33781223344"
    assert _adult(merged.dossier, FATHER)["email"] == "jean.dupont@example.org"
    assert [c["first_name"] for c in merged.dossier["children"]] == ["Léa", "Hugo"]
    assert merged.applied == (f"adults/{FATHER}/email", f"children/{HUGO}")
    assert _adult(server, FATHER)["email"] == "jean@example.fr"  # the input is left alone


def test_the_same_field_changed_on_both_sides_is_a_conflict_and_the_server_keeps_its_value():
    base = _dossier()
    server, _ = _edited(base, lambda d: _adult(d, MOTHER).update(address1="3 place de la Mairie"))
    desk, edits = _edited(base, lambda d: _adult(d, MOTHER).update(address1="8 chemin du Lac"))
    merged = merge(server, desk, edits)
    path = f"adults/{MOTHER}/address1"
    assert merged.conflicts == (Conflict(path, "3 place de la Mairie", "8 chemin du Lac"),)
    assert _adult(merged.dossier, MOTHER)["address1"] == "3 place de la Mairie"
    assert merged.applied == ()
    assert field_label(path, server, desk) == "Mère (Claire Dupont) — adresse ligne 1"


def test_the_same_new_value_typed_on_both_sides_is_no_conflict():
    base = _dossier()
    server, _ = _edited(base, lambda d: d.update(notes="Allergie signalée"))
    desk, edits = _edited(base, lambda d: d.update(notes="Allergie signalée"))
    merged = merge(server, desk, edits)
    assert (merged.conflicts, merged.applied, merged.dossier["notes"]) == (
        (),
        (),
        "Allergie signalée",
    )


def test_a_person_removed_on_one_side_and_untouched_on_the_other_is_removed():
    base = _dossier()
    server, _ = _edited(base, lambda d: _adult(d, MOTHER).update(email="claire.d@example.org"))
    desk, edits = _edited(base, lambda d: d.update(adults=[_adult(d, MOTHER)]))
    merged = merge(server, desk, edits)
    assert merged.conflicts == ()
    assert [a["id"] for a in merged.dossier["adults"]] == [MOTHER]
    assert _adult(merged.dossier, MOTHER)["email"] == "claire.d@example.org"


def test_a_person_removed_on_the_desk_but_edited_on_the_server_stays_as_a_conflict():
    base = _dossier()
    server, _ = _edited(base, lambda d: _adult(d, FATHER).update(phone_mobile="+33655443322"))
    desk, edits = _edited(base, lambda d: d.update(adults=[_adult(d, MOTHER)]))
    merged = merge(server, desk, edits)
    assert merged.conflicts == (Conflict(f"adults/{FATHER}", _adult(server, FATHER), None),)
    assert [a["id"] for a in merged.dossier["adults"]] == [MOTHER, FATHER]
    assert field_label(f"adults/{FATHER}", server, desk) == "Père (Jean Dupont)"


def test_a_field_edited_on_the_desk_of_a_person_removed_on_the_server_is_a_conflict():
    base = _dossier()
    server, _ = _edited(base, lambda d: d.update(adults=[_adult(d, MOTHER)]))
    desk, edits = _edited(base, lambda d: _adult(d, FATHER).update(email="j@example.org"))
    merged = merge(server, desk, edits)
    assert merged.conflicts == (Conflict(f"adults/{FATHER}/email", None, "j@example.org"),)
    assert [a["id"] for a in merged.dossier["adults"]] == [MOTHER]


def test_values_read_in_french():
    assert [shown(v) for v in (None, "", True, False, 540, {"first_name": "Jean"})] == [
        "(vide)",
        "(vide)",
        "oui",
        "non",
        "540",
        "Jean",
    ]
    assert field_label("quotient", _dossier()) == "Quotient familial"
    assert field_label(f"children/{LEA}/pai", _dossier()) == "Enfant (Léa Dupont) — PAI"


def test_a_childs_health_data_is_never_written_in_a_conflict():
    assert shown("Arachide", f"children/{LEA}/allergies") == (
        "(donnée de santé, masquée : voir la fiche de l'enfant)"
    )
    assert shown(True, f"children/{LEA}/pai").startswith("(donnée de santé")
    assert shown("Léa", f"children/{LEA}/first_name") == "Léa"
    assert shown(None, f"adults/{FATHER}") == "(retiré du dossier)"


def _payer(dossier: dict) -> list[str]:
    return [a["id"] for a in dossier["adults"] if a.get("billing")]


def _make_payer(adult_id: str):
    def change(desk):
        for adult in desk["adults"]:
            adult["billing"] = adult["id"] == adult_id

    return change


def test_the_payer_moved_at_one_desk_and_an_email_at_the_other_leave_one_payer():
    base = _dossier()
    _adult(base, MOTHER)["billing"] = True
    server, _ = _edited(base, _make_payer(FATHER))
    desk, edits = _edited(base, lambda d: _adult(d, FATHER).update(email="j@example.org"))
    assert [e.path for e in edits] == [f"adults/{FATHER}/email"]
    merged = merge(server, desk, edits)
    assert (_payer(merged.dossier), merged.conflicts) == ([FATHER], ())


def test_the_payer_moved_to_two_people_is_one_conflict_and_one_payer():
    base = _dossier()
    _adult(base, MOTHER)["billing"] = True
    nanny = {"id": "t-1", "first_name": "Nadia", "last_name": "Girard", "third_party": True}
    base["adults"].append(nanny)
    server, _ = _edited(base, _make_payer(FATHER))
    desk, edits = _edited(base, _make_payer("t-1"))
    assert edits == [Edit("billing", MOTHER)]  # one field of the dossier, not three flags
    merged = merge(server, desk, edits)
    assert merged.conflicts == (Conflict("billing", FATHER, "t-1"),)
    assert _payer(merged.dossier) == [FATHER]
    assert field_label("billing", server) == "Payeur (adresse de facturation)"
    assert shown_in("t-1", "billing", desk) == "Nadia Girard"


def test_a_new_payer_added_while_the_payer_moved_elsewhere_leaves_one_payer():
    base = _dossier()
    _adult(base, MOTHER)["billing"] = True
    server, _ = _edited(base, _make_payer(FATHER))

    def new_payer(desk):
        _adult(desk, MOTHER)["billing"] = False
        desk["adults"].append({"id": "g-1", "first_name": "Monique", "billing": True})

    desk, edits = _edited(base, new_payer)
    merged = merge(server, desk, edits)
    assert merged.conflicts == (Conflict("billing", FATHER, "g-1"),)
    assert _payer(merged.dossier) == [FATHER]
    assert [a["id"] for a in merged.dossier["adults"]] == [MOTHER, FATHER, "g-1"]
