"""The same dossier edited on two desks offline (and by a parent on the portal), synced in
each order against the real server: changes to different fields merge, people merge by
identity, the same field changed twice is a conflict kept on the desk that met it, with both
values, authors and times, until the agent chooses. Each case ends with desk A, desk B and
the server compared field by field."""

from __future__ import annotations

import dataclasses

import httpx
import pytest
from sqlalchemy import select

from eticket_central.models import Child as ServerChild
from eticket_central.models import Family as ServerFamily
from eticket_desk.models import Adult, Child, DossierConflict
from eticket_desk.services.families.conflicts import list_conflicts, resolve_conflict
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.families.portal import issue_portal_access
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.sync.family_ops import ADULT_FIELDS
from tests.sync.conftest import parent_headers

ORDERS = pytest.mark.parametrize("first", ["office", "annex"])
COMPARED = ("first_name", "last_name", "relation", "phone_mobile", "email", "address1", "city")


def _sync(*stores) -> None:
    for store in stores:
        report = run_sync(store)
        assert report.ok and report.rejected == 0, report


def _edit(store, actor, family_id, change) -> None:
    """The dossier loaded, changed as the agent would in the editor, saved."""
    data = load_family(store, actor, family_id)
    change(data)
    save_family(store, actor, data)


def _adult_named(data, first_name: str) -> AdultData:
    return next(a for a in data.adults if a.first_name == first_name)


def _with_father(data) -> None:
    data.adults.append(
        AdultData(
            last_name="Dupont",
            first_name="Jean",
            relation="Père",
            email="jean.dupont@example.fr",
            legal_guardian=True,
            may_pick_up=True,
        )
    )


@pytest.fixture
def dupont(desks, admin, lea_family):
    """Léa's dossier with her father added at the town hall, known by both desks."""
    office, annex = desks
    _edit(office, admin, lea_family.id, _with_father)
    _sync(office, annex)
    return lea_family.id


def _desk_people(store, family_id) -> tuple[dict, dict]:
    with store.read() as session:
        adults = session.scalars(select(Adult).where(Adult.family_id == family_id)).all()
        children = session.scalars(select(Child).where(Child.family_id == family_id)).all()
        return (
            {str(a.id): {name: getattr(a, name) for name in ADULT_FIELDS} for a in adults},
            {str(c.id): (c.first_name, c.last_name, c.birth_date.isoformat()) for c in children},
        )


def _server_people(db, family_id) -> tuple[dict, dict]:
    db.expire_all()
    data = db.get(ServerFamily, family_id).data
    adults = {a["id"]: {name: a[name] for name in ADULT_FIELDS} for a in data["adults"]}
    children = {
        c["id"]: (c["first_name"], c["last_name"], c["birth_date"]) for c in data["children"]
    }
    return adults, children


def _everywhere(desks, db, family_id) -> tuple[dict, dict]:
    """The dossier's people, the same field by field on both desks and on the server."""
    office, annex = desks
    server = _server_people(db, family_id)
    assert _desk_people(office, family_id) == server
    assert _desk_people(annex, family_id) == server
    return server


def _by_name(adults: dict, first_name: str) -> dict:
    return next(a for a in adults.values() if a["first_name"] == first_name)


def _conflict_count(store) -> int:
    with store.read() as session:
        return len(session.scalars(select(DossierConflict.id)).all())


@ORDERS
def test_a_mobile_changed_at_one_desk_and_an_email_and_a_child_at_the_other_all_stay(
    desks, admin, agent, schools, dupont, db, first
):
    office, annex = desks

    def mobile(data):
        _adult_named(data, "Marie").phone_mobile = "07 81 22 33 44"

    def email_and_child(data):
        _adult_named(data, "Jean").email = "jean.dupont@example.org"
        data.children.append(
            dataclasses.replace(data.children[0], id=None, first_name="Hugo", pai=False)
        )

    _edit(office, agent, dupont, mobile)
    _edit(annex, admin, dupont, email_and_child)
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, children = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["phone_mobile"] == "+33781223344"
    assert _by_name(adults, "Jean")["email"] == "jean.dupont@example.org"
    assert sorted(name for name, _, _ in children.values()) == ["Hugo", "Léa"]
    hugo = next(i for i, (name, _, _) in children.items() if name == "Hugo")
    assert db.get(ServerChild, hugo).name == "Hugo Dupont"  # the server can book for him
    assert _conflict_count(office) == _conflict_count(annex) == 0
    assert list_sync_issues(office, agent) == list_sync_issues(annex, agent) == []


@ORDERS
def test_the_same_address_typed_at_both_desks_is_a_conflict_for_the_second_to_sync(
    desks, admin, agent, dupont, db, first
):
    office, annex = desks
    typed = {office: "3 place de la Mairie", annex: "8 chemin du Lac"}
    authors = {office: agent, annex: admin}
    labels = {office: "Accueil mairie", annex: "Annexe école"}
    for desk in (office, annex):
        _edit(
            desk,
            authors[desk],
            dupont,
            lambda d, v=typed[desk]: setattr(d.adults[0], "address1", v),
        )
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, _ = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["address1"] == typed[one]  # first to sync
    assert list_conflicts(one, agent, dupont) == []
    [conflict] = list_conflicts(other, agent, dupont)
    assert conflict.label == "Mère (Marie Dupont) — adresse ligne 1"
    assert (conflict.server_value, conflict.desk_value) == (typed[one], typed[other])
    assert (conflict.server_by, conflict.server_where) == (authors[one].full_name, labels[one])
    assert conflict.desk_by == authors[other].full_name
    assert conflict.server_at == conflict.desk_at == other.clock.now().replace(microsecond=0)
    assert conflict.server_origin == (
        f"{authors[one].full_name}, le {conflict.server_at:%d/%m/%Y à %H:%M} ({labels[one]})"
    )
    [issue] = list_sync_issues(other, agent)
    assert issue.title == "Dossier fusionné — conflit de modification à régler"
    assert (
        f"Mère (Marie Dupont) — adresse ligne 1 : « {typed[one]} » gardé (serveur ; "
        f"{conflict.server_origin}), « {typed[other]} » saisi ici"
    ) in issue.message

    resolve_conflict(other, agent, conflict.id, "desk")  # « Reprendre la valeur de ce poste »
    assert list_sync_issues(other, agent) == []  # the issue closed with its last conflict
    _sync(other, one)
    adults, _ = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["address1"] == typed[other]
    assert list_conflicts(other, agent, dupont) == list_conflicts(one, agent, dupont) == []


@ORDERS
def test_an_adult_removed_at_one_desk_while_the_other_edits_another_and_adds_a_tiers(
    desks, admin, agent, dupont, db, first
):
    office, annex = desks

    def without_father(data):
        data.adults = [a for a in data.adults if a.first_name != "Jean"]

    def email_and_grandmother(data):
        data.adults[0].email = "marie@example.org"
        data.adults.append(
            AdultData(
                last_name="Dupont",
                first_name="Monique",
                relation="Grand-mère",
                third_party=True,
                phone_home="04 50 75 18 42",
                may_pick_up=True,
            )
        )

    _edit(office, agent, dupont, without_father)
    _edit(annex, admin, dupont, email_and_grandmother)
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, _ = _everywhere(desks, db, dupont)
    assert sorted(a["first_name"] for a in adults.values()) == ["Marie", "Monique"]
    assert _by_name(adults, "Marie")["email"] == "marie@example.org"
    monique = _by_name(adults, "Monique")
    assert (monique["third_party"], monique["phone_home"]) == (True, "+33450751842")
    assert _conflict_count(office) == _conflict_count(annex) == 0


@pytest.mark.parametrize("portal_first", [True, False])
def test_a_parent_changes_a_phone_on_the_portal_that_a_desk_changed_offline(
    desks, admin, agent, dupont, db, central, commune, portal_first
):
    office, annex = desks
    guardian = load_family(office, admin, dupont).adults[0].id
    letter = issue_portal_access(office, admin, dupont, guardian)
    _sync(office, annex)
    parent = parent_headers(central, commune, letter)
    mother = _adult_named(load_family(office, agent, dupont), "Marie")

    def on_the_portal():
        answer = httpx.post(
            f"{central.url}/portal/contacts",
            headers=parent,
            json={"adult_id": str(mother.id), "phone_mobile": "07 81 22 33 44"},
        )
        assert answer.status_code == 200, answer.text

    def at_the_desk():
        _edit(office, agent, dupont, lambda d: setattr(d.adults[0], "phone_mobile", "0699887766"))

    steps = (on_the_portal, at_the_desk) if portal_first else (at_the_desk, on_the_portal)
    for step in steps:
        step()
    _sync(office, annex)

    adults, _ = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["phone_mobile"] == "+33781223344"  # the parent's
    [conflict] = list_conflicts(office, agent, dupont)
    assert (conflict.label, conflict.server_value, conflict.desk_value) == (
        "Mère (Marie Dupont) — portable",
        "+33781223344",
        "+33699887766",
    )
    assert (conflict.server_by, conflict.server_where) == ("Marie Dupont", "portail (parent)")
    assert conflict.desk_by == agent.full_name
    assert list_conflicts(annex, agent, dupont) == []

    resolve_conflict(office, agent, conflict.id, "server")  # « Garder la valeur du serveur »
    assert list_sync_issues(office, agent) == []
    _sync(office, annex)
    adults, _ = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["phone_mobile"] == "+33781223344"


@ORDERS
def test_dossiers_known_before_baselines_were_kept_merge_after_the_next_sync(
    desks, admin, agent, dupont, db, first
):
    from sqlalchemy import delete

    from eticket_desk.models import FamilyBaseline

    office, annex = desks
    for desk in desks:  # as an older version of the program left them
        with desk.write(admin) as session:
            session.execute(delete(FamilyBaseline))
    _sync(office, annex)  # each desk keeps its dossiers as they are as their baselines
    _edit(office, agent, dupont, lambda d: setattr(d.adults[0], "phone_mobile", "0781223344"))
    _edit(annex, admin, dupont, lambda d: setattr(d.adults[1], "email", "jean@example.org"))
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, _ = _everywhere(desks, db, dupont)
    assert _by_name(adults, "Marie")["phone_mobile"] == "+33781223344"
    assert _by_name(adults, "Jean")["email"] == "jean@example.org"
    assert _conflict_count(office) == _conflict_count(annex) == 0


@ORDERS
def test_a_parent_removed_at_one_desk_while_the_other_changes_his_mobile_is_a_conflict(
    desks, admin, agent, dupont, db, first
):
    from eticket_desk.rules.errors import InvalidInput

    office, annex = desks

    def without_father(data):
        data.adults = [a for a in data.adults if a.first_name != "Jean"]

    _edit(office, agent, dupont, lambda d: setattr(d.adults[1], "phone_mobile", "0655443322"))
    _edit(annex, admin, dupont, without_father)
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, _ = _everywhere(desks, db, dupont)
    [conflict] = list_conflicts(other, agent, dupont)
    if first == "office":  # the mobile came first: Jean stays, the annex's removal waits
        assert sorted(a["first_name"] for a in adults.values()) == ["Jean", "Marie"]
        assert (conflict.label, conflict.server_value, conflict.desk_value) == (
            "Père (Jean Dupont)",
            "Jean Dupont",
            "(retiré du dossier)",
        )
        resolve_conflict(annex, agent, conflict.id, "desk")  # removed again, and sent
        _sync(annex, office)
        adults, _ = _everywhere(desks, db, dupont)
        assert [a["first_name"] for a in adults.values()] == ["Marie"]
    else:  # the removal came first: the town hall's mobile is kept in the conflict
        assert [a["first_name"] for a in adults.values()] == ["Marie"]
        assert (conflict.label, conflict.server_value, conflict.desk_value) == (
            "Père (Jean Dupont) — portable (personne retirée du dossier ailleurs)",
            "(vide)",
            "+33655443322",
        )
        with pytest.raises(InvalidInput, match="n'est plus dans le dossier"):
            resolve_conflict(office, agent, conflict.id, "desk")
        resolve_conflict(office, agent, conflict.id, "server")
    assert list_conflicts(other, agent, dupont) == []
    assert list_sync_issues(office, agent) == list_sync_issues(annex, agent) == []


@ORDERS
def test_the_payer_changed_at_one_desk_and_the_emergency_contact_at_the_other(
    desks, admin, agent, dupont, db, first
):
    office, annex = desks

    def holder(flag: str, first_name: str):
        def change(data):
            for adult in data.adults:
                setattr(adult, flag, adult.first_name == first_name)

        return change

    _edit(office, agent, dupont, holder("billing", "Jean"))
    _edit(annex, admin, dupont, holder("emergency_contact", "Jean"))
    one, other = (office, annex) if first == "office" else (annex, office)
    _sync(one, other, one)

    adults, _ = _everywhere(desks, db, dupont)
    flags = {a["first_name"]: (a["billing"], a["emergency_contact"]) for a in adults.values()}
    assert flags == {"Marie": (False, False), "Jean": (True, True)}
    assert _conflict_count(office) == _conflict_count(annex) == 0
