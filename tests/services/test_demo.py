"""The demo town: deterministic, realistic, and usable at once by the agents of the counter."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text

from eticket_desk.models import Adult, Child, Family, SchoolClass
from eticket_desk.rules.contact import format_phone, normalise_phone
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.permissions import Role
from eticket_desk.rules.text import fold
from eticket_desk.services.access import users
from eticket_desk.services.catalogue.organisation import list_schools, load_organisation
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import (
    DEMO_PASSWORD,
    DemoOptions,
    build_demo_town,
    replace_with_demo_town,
)
from eticket_desk.services.families.data import PHONE_FIELDS
from eticket_desk.services.families.dossiers import load_family_quietly, save_family
from eticket_desk.services.families.search import search_families
from tests.conftest import complete_family

TOWN_SIZE = 200
BIRTH_YEARS = {
    "PS": 2023,
    "MS": 2022,
    "GS": 2021,
    "CP": 2020,
    "CE1": 2019,
    "CE2": 2018,
    "CM1": 2017,
    "CM2": 2016,
}
TABLES = (
    "organisation",
    "school",
    "school_class",
    "family",
    "adult",
    "child",
    "number_series",
    "school_year",
    "period",
    "closed_span",
    "activity",
    "activity_school",
    "booking",
    "occupancy",
    "subscription",
    # the town's past, played through the services (ids from the seed too)
    "setting",
    "invoice_run",
    "invoice",
    "invoice_line",
    "till_session",
    "sale",
    "sale_line",
    "payment",
    "payment_allocation",
    "credit_entry",
    "wallet_entry",
    "deposit_slip",
    "audit_entry",
    "sync_outbox",
)
WITHOUT_ROWID = {"booking", "occupancy"}


def _build(path: Path, families: int, seed: int = 1, messages: list[str] | None = None) -> str:
    return build_demo_town(
        path,
        DemoOptions(families=families, seed=seed),
        progress=None if messages is None else messages.append,
    )


def _dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of the town's tables, in storage order (the passwords' salts aside)."""
    with Store(path) as store, store.read() as session:
        return {
            t: session.execute(
                text(f"SELECT * FROM {t} ORDER BY {'1, 2, 3' if t in WITHOUT_ROWID else 'rowid'}")
            ).all()
            for t in TABLES
        }


@pytest.fixture(scope="module")
def town(tmp_path_factory) -> Store:
    """A read-only demo town shared by the tests that only look at it."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    _build(path, TOWN_SIZE)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture(scope="module")
def admin(town):
    actor, _ = users.authenticate(town, "admin", DEMO_PASSWORD)
    return actor


def _families(store: Store) -> list[Family]:
    with store.read() as session:
        return list(session.scalars(select(Family).order_by(Family.number)))


def test_same_seed_builds_the_same_town_row_for_row(tmp_path):
    _build(tmp_path / "a.sqlite", 60, seed=7)
    _build(tmp_path / "b.sqlite", 60, seed=7)
    _build(tmp_path / "c.sqlite", 60, seed=8)
    a, b, c = (_dump(tmp_path / name) for name in ("a.sqlite", "b.sqlite", "c.sqlite"))
    assert a == b
    assert [row.display_name for row in a["family"]] != [row.display_name for row in c["family"]]
    assert [row.first_name for row in a["child"]] != [row.first_name for row in c["child"]]


def test_summary_progress_and_an_existing_file_is_never_overwritten(tmp_path):
    messages: list[str] = []
    summary = _build(tmp_path / "demo.sqlite", 40, messages=messages)
    assert summary.startswith("Commune de démonstration créée : 40 familles, ")
    assert "4 utilisateurs (mot de passe : demo2026)" in summary
    assert "Familles créées : 40 / 40" in messages
    assert any(m.startswith("Réservations de l'année scolaire : ") for m in messages)
    assert messages[-1].startswith("Journées de caisse : 15, bordereaux de chèques : ")
    with pytest.raises(FileExistsError):
        _build(tmp_path / "demo.sqlite", 40)


def test_a_build_that_fails_half_way_leaves_no_file_behind(tmp_path):
    def interrupt(message: str) -> None:
        if message.startswith("Familles créées"):
            raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        build_demo_town(tmp_path / "demo.sqlite", DemoOptions(families=30), progress=interrupt)
    assert list(tmp_path.iterdir()) == []


def test_a_forced_rebuild_that_fails_half_way_leaves_the_old_base_as_it_was(tmp_path):
    path = tmp_path / "demo.sqlite"
    replace_with_demo_town(path, DemoOptions(families=5, seed=1))
    before = path.read_bytes()

    def interrupt(message: str) -> None:
        if message.startswith("Familles créées"):
            raise RuntimeError("disque plein")

    with pytest.raises(RuntimeError):
        replace_with_demo_town(path, DemoOptions(families=30, seed=2), progress=interrupt)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
    assert path.read_bytes() == before
    with Store(path) as store:
        assert len(_families(store)) == 5


def test_what_a_killed_build_left_is_cleaned_and_the_new_town_replaces_the_old(tmp_path):
    path = tmp_path / "demo.sqlite"
    replace_with_demo_town(path, DemoOptions(families=5, seed=1))
    (tmp_path / "demo.sqlite.building").write_bytes(b"SQLite format 3\x00" + b"\0" * 4000)
    (tmp_path / "demo.sqlite.building-wal").write_bytes(b"\0" * 100)

    summary = replace_with_demo_town(path, DemoOptions(families=7, seed=2))

    assert summary.endswith(f"fichier {path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
    with Store(path) as store:
        assert len(_families(store)) == 7


def test_a_base_open_in_the_program_is_not_replaced_by_a_demo(tmp_path):
    from eticket_desk.services.core.base_lock import BaseInUse, hold

    path = tmp_path / "demo.sqlite"
    replace_with_demo_town(path, DemoOptions(families=5, seed=1))
    before = path.read_bytes()
    window = hold(path)
    try:
        with pytest.raises(BaseInUse, match="rien n'a été remplacé"):
            replace_with_demo_town(path, DemoOptions(families=6, seed=1))
    finally:
        window.release()
    assert path.read_bytes() == before


def test_the_next_dossier_created_at_the_counter_gets_the_next_number(tmp_path):
    path = tmp_path / "demo.sqlite"
    _build(path, 40)
    with Store(path) as store:
        regisseur, _ = users.authenticate(store, "regisseur", DEMO_PASSWORD)
        families = _families(store)
        assert [f.reference for f in families] == [f"F{n:05d}" for n in range(1, 41)]
        created = save_family(store, regisseur, complete_family(list_schools(store)))
        assert created.reference == "F00041"


def test_commune_schools_and_classes_are_set_up(town):
    organisation = load_organisation(town)
    assert organisation.name == "Commune de Val-d'Arve-les-Bains"
    assert organisation.postcode.startswith("74")
    assert organisation.payable_to == "Trésor Public"
    assert organisation.payfip_id.isdigit() and len(organisation.payfip_id) == 6
    assert "tribunal administratif de Grenoble" in organisation.invoice_mentions
    assert organisation.cash_ceiling_cents == 150_000
    schools = list_schools(town)
    assert len(schools) == 2
    for school in schools:
        assert [c.name for c in school.classes] == list(BIRTH_YEARS)


@pytest.mark.parametrize(
    ("login", "role"),
    [
        ("admin", Role.ADMIN),
        ("regisseur", Role.REGISSEUR),
        ("coordinatrice", Role.COORDINATOR),
        ("agent", Role.AGENT),
    ],
)
def test_every_demo_agent_logs_in_with_the_demo_password(town, login, role):
    actor, must_change = users.authenticate(town, login, DEMO_PASSWORD)
    assert actor.role == role
    assert not must_change
    assert " " in actor.full_name


def test_statuses_are_mostly_validated_and_each_status_means_what_it_says(town, admin):
    families = _families(town)
    by_status = {s: [f for f in families if f.status == s] for s in FamilyStatus}
    assert len(by_status[FamilyStatus.VALIDATED]) > 0.75 * TOWN_SIZE
    assert all(by_status[s] for s in FamilyStatus)
    for family in by_status[FamilyStatus.VALIDATED]:
        dossier = load_family_quietly(town, admin, family.id)
        assert dossier.missing == [], family.reference
        assert family.validated_at is not None
        assert sum(a.billing for a in dossier.adults) == 1
        assert sum(a.emergency_contact for a in dossier.adults) == 1
    for family in by_status[FamilyStatus.INCOMPLETE]:
        assert load_family_quietly(town, admin, family.id).missing, family.reference
        assert family.validated_at is None


def test_families_have_one_to_four_children_of_the_right_age_for_their_class(town):
    with town.read() as session:
        rows = session.execute(
            select(Child.family_id, Child.birth_date, SchoolClass.level).outerjoin(
                SchoolClass, SchoolClass.id == Child.class_id
            )
        ).all()
    per_family: dict = {}
    for family_id, birth_date, level in rows:
        per_family[family_id] = per_family.get(family_id, 0) + 1
        if birth_date is not None and level is not None:
            assert birth_date.year == BIRTH_YEARS[level]
    assert len(per_family) == TOWN_SIZE
    assert set(per_family.values()) <= {1, 2, 3, 4}
    assert 1.5 < len(rows) / TOWN_SIZE < 2.4


def test_names_are_french_with_their_accents(town):
    families = _families(town)
    with town.read() as session:
        first_names = set(session.scalars(select(Child.first_name)))
    accented = [f.display_name for f in families if fold(f.display_name) != f.display_name.lower()]
    assert len(accented) > TOWN_SIZE / 5
    assert any(fold(name) != name.lower() for name in first_names)


def test_every_phone_is_a_valid_number_stored_as_e164(town):
    with town.read() as session:
        adults = list(session.scalars(select(Adult)))
    phones = [getattr(a, field) for a in adults for field in PHONE_FIELDS if getattr(a, field)]
    assert len(phones) > len(adults)
    for phone in phones:
        assert phone.startswith("+33")
        assert normalise_phone(format_phone(phone)) == phone


def test_shared_custody_families_have_two_homes_and_one_payer(town, admin):
    shared = [f for f in _families(town) if f.notes.startswith("Garde alternée")]
    assert shared
    for family in shared:
        dossier = load_family_quietly(town, admin, family.id)
        mother, father = [a for a in dossier.adults if a.legal_guardian]
        assert mother.last_name != father.last_name
        assert mother.address1 != father.address1
        assert sum(a.billing for a in dossier.adults) == 1


def test_a_child_first_name_typed_without_accents_finds_its_family(town, admin):
    with town.read() as session:
        rows = session.execute(
            select(Child.first_name, Family.reference).join(Family).order_by(Family.number)
        ).all()
    first_name, reference = next(r for r in rows if fold(r.first_name) != r.first_name.lower())
    hits = search_families(town, admin, fold(first_name), limit=TOWN_SIZE)
    assert reference in [h.reference for h in hits]
