"""Search as you type: accents, case, children, phones, e-mails, references."""

from __future__ import annotations

import pytest

from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.families.search import search_families
from tests.conftest import complete_family


@pytest.fixture
def town(store, admin, schools):
    for last_name, child in (
        ("Lefèvre", "Éloïse"),
        ("Bérard", "Noé"),
        ("Martin", "Chloé"),
        ("Martinez", "Zoé"),
    ):
        data = complete_family(schools, last_name=last_name, child_first_name=child)
        data.adults[0].email = f"{last_name.lower()}@example.fr".replace("è", "e").replace("é", "e")
        save_family(store, admin, data)
    return store


def names(store, actor, query):
    return [h.display_name for h in search_families(store, actor, query)]


def test_accent_and_case_insensitive(town, admin):
    assert names(town, admin, "ELOISE") == ["LEFÈVRE Marie"]
    assert names(town, admin, "lefevre") == ["LEFÈVRE Marie"]
    assert names(town, admin, "bérard noé") == ["BÉRARD Marie"]


def test_word_starts_rank_first(town, admin):
    assert names(town, admin, "martin") == ["MARTIN Marie", "MARTINEZ Marie"]


def test_by_reference_phone_and_email(town, admin):
    assert names(town, admin, "F00002") == ["BÉRARD Marie"]
    assert len(names(town, admin, "06 12 34 56 78")) == 4
    assert names(town, admin, "martinez@") == ["MARTINEZ Marie"]


def test_hits_show_children_with_their_class(town, admin):
    hit = search_families(town, admin, "zoe")[0]
    assert hit.children == "Zoé (CP)"
    assert hit.phone == "06 12 34 56 78"


def test_nothing_found(town, admin):
    assert names(town, admin, "zzz") == []
    assert names(town, admin, "50%_") == []
