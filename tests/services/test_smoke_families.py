from eticket_desk.services.families.search import search_families


def test_family_found_by_child_first_name_without_accent(store, admin, family):
    hits = search_families(store, admin, "lea")
    assert [h.reference for h in hits] == ["F00001"]
