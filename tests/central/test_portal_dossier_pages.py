"""« Mon dossier » as a parent uses it: their contacts in a form per guardian (checked like at
the counter: a wrong phone refused next to its field, what was typed kept, nothing written),
the third parties, the children read-only, the authorisations, and whom to tell of an error."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from eticket_central.models import Family
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import SCHOOL
from tests.central.portal_pages import logged_in_parent

GRANDMA = {
    "id": "7d4c0a8e-6f51-4f0e-9f51-0b0a1c2d3e4f",
    "last_name": "Dupont",
    "first_name": "Odette",
    "relation": "Grand-mère",
    "third_party": True,
    "phone_mobile": "+33611223344",
    "may_pick_up": True,
    "emergency_contact": True,
}


def _mairie(desk) -> None:
    answers = desk.push(
        desk.op(
            OpType.ORGANISATION_UPSERT,
            organisation_id=str(uuid.uuid4()),
            name="Mairie de Neuvecelle",
            phone="+33450000000",
            email="guichet.periscolaire@mairie-neuvecelle.fr",
        ),
        desk.op(OpType.SCHOOL_UPSERT, school_id=str(SCHOOL), name="École Jules Ferry"),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers


def _with_grandma_and_health(db, family_id) -> None:
    family = db.get(Family, family_id)
    children = [
        {**c, "diet": "sans_porc", "allergies": "arachide", "image_authorised": True}
        for c in family.data["children"]
    ]
    family.data = {**family.data, "adults": [*family.data["adults"], GRANDMA], "children": children}
    db.commit()


def _mother(db, family_id) -> dict:
    db.expire_all()
    return db.get(Family, family_id).data["adults"][0]


def test_the_dossier_shows_contacts_third_parties_children_and_whom_to_tell(
    central, commune, desk, db
):
    _mairie(desk)
    parent = logged_in_parent(central, commune, desk)
    _with_grandma_and_health(db, parent.family_id)

    page = parent.get("/portail/dossier")

    assert page.status_code == 200
    text = page.text
    mother = _mother(db, parent.family_id)
    assert f'name="adulte" value="{mother["id"]}"' in text
    assert 'value="06 12 34 56 78"' in text  # the counter's phone, as people write it
    assert 'value="claire.dupont@example.org"' in text
    assert "Odette DUPONT" in text and "Grand-mère" in text and "06 11 22 33 44" in text
    assert "Léa DUPONT" in text and "École Jules Ferry, CP" in text
    assert "Sans porc" in text and "arachide" in text
    assert "✓ autorisé" in text and "✗ non autorisées" in text  # image yes, outings no
    assert "venir chercher les enfants, en plus des responsables légaux :\n  Odette DUPONT" in text
    assert "Mairie de Neuvecelle" in text and "04 50 00 00 00" in text
    assert "mailto:guichet.periscolaire@mairie-neuvecelle.fr" in text
    assert 'name="adulte" value="7d4c0a8e' not in text  # a third party has no form


def test_a_wrong_phone_is_refused_next_to_its_field_and_nothing_is_written(
    central, commune, desk, db
):
    parent = logged_in_parent(central, commune, desk)
    mother = _mother(db, parent.family_id)
    version = db.get(Family, parent.family_id).version
    fields = {
        "adulte": mother["id"],
        "phone_mobile": "12",
        "email": "claire@@x",
        "city": "Évian-les-Bains",
    }

    answer = parent.post_form("/portail/dossier/coordonnees", fields, page="/portail/dossier")

    assert answer.status_code == 422
    text = answer.text
    field = f"f-{mother['id']}-phone_mobile"
    assert f'id="{field}" name="phone_mobile" type="tel" value="12"' in text
    assert f'<p class="erreur-champ" id="{field}-erreur">' in text
    assert "« 12 » n&#39;est pas un numéro valide" in text
    assert "« claire@@x » n&#39;est pas une adresse e-mail valide." in text
    assert 'value="Évian-les-Bains"' in text  # what was typed is kept
    assert "Rien n&#39;a été modifié" in text
    db.expire_all()
    assert db.get(Family, parent.family_id).version == version
    assert _mother(db, parent.family_id)["phone_mobile"] == mother["phone_mobile"]


def test_a_parent_changes_their_phone_and_the_dossier_keeps_it_stamped(central, commune, desk, db):
    parent = logged_in_parent(central, commune, desk)
    mother = _mother(db, parent.family_id)
    fields = {"adulte": mother["id"], "phone_mobile": "07 81 22 33 44", "city": "Thonon"}
    fields |= {"email": mother["email"]}

    answer = parent.post_form("/portail/dossier/coordonnees", fields, page="/portail/dossier")

    assert answer.status_code == 303
    assert answer.headers["location"] == "/portail/dossier"
    after = _mother(db, parent.family_id)
    assert (after["phone_mobile"], after["city"]) == ("+33781223344", "Thonon")
    family = db.get(Family, parent.family_id)
    stamp = family.provenance[f"adults/{mother['id']}/phone_mobile"]
    assert (stamp["by"], stamp["where"]) == ("Claire Dupont", "portail (parent)")
    shown = parent.get("/portail/dossier").text
    assert "Vos coordonnées sont enregistrées" in shown
    assert 'value="07 81 22 33 44"' in shown


def test_another_familys_guardian_is_404_like_one_that_does_not_exist(central, commune, desk, db):
    parent = logged_in_parent(central, commune, desk)
    other = logged_in_parent(central, commune, desk, last_name="Martin")
    theirs = _mother(db, other.family_id)

    def change(adult_id):
        fields = {"adulte": adult_id, "city": "Ailleurs"}
        return parent.post_form("/portail/dossier/coordonnees", fields, page="/portail/dossier")

    foreign, unknown = change(theirs["id"]), change(str(uuid.uuid4()))
    assert (foreign.status_code, foreign.text) == (unknown.status_code, unknown.text)
    assert foreign.status_code == 404
    assert _mother(db, other.family_id)["city"] == theirs.get("city", "")
    assert db.scalar(select(Family.version).where(Family.id == other.family_id)) == 1
