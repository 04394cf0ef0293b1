"""Pull: the commune's changes after a cursor, page by page, in commit order; a cursor older
than the kept change log gets `full_reload`, and the snapshot rebuilds the desk's copy."""

from __future__ import annotations

import uuid

from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, wallet_payload


def test_pull_pages_from_the_cursor_in_order_and_resumes_where_it_stopped(desk):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    desk.push(*[desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, n)) for n in range(1, 8)])

    pages, cursor = [], 0
    while True:
        page = desk.pull(since=cursor, limit=3)
        pages.append(page)
        assert page["full_reload"] is False
        cursor = page["cursor"]
        if not page["more"]:
            break
    assert [len(p["changes"]) for p in pages] == [3, 3, 2]
    changes = [c for p in pages for c in p["changes"]]
    seqs = [c["seq"] for c in changes]
    assert seqs == sorted(seqs) and len(set(seqs)) == 8
    assert [c["entity"] for c in changes] == ["family"] + ["wallet_entry"] * 7
    assert [c["data"]["quantity"] for c in changes[1:]] == list(range(1, 8))
    assert all(c["device_id"] == str(desk.device_id) for c in changes)
    assert pages[-1]["cursor"] == seqs[-1]

    # Nothing new: the same cursor comes back, with no change.
    assert desk.pull(since=cursor) == {
        "changes": [],
        "cursor": cursor,
        "more": False,
        "full_reload": False,
    }
    desk.push(desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, -1)))
    later = desk.pull(since=cursor)
    assert [c["data"]["quantity"] for c in later["changes"]] == [-1]


def test_a_cursor_older_than_the_kept_log_gets_a_full_reload_then_the_snapshot(central, desk):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    desk.push(*[desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 1)) for _ in range(5)])
    old_cursor = desk.pull()["changes"][0]["seq"]  # a desk that saw only the first change

    central.clock.advance(days=91)  # past the 90 days the log keeps
    desk.push(
        desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id, base_version=1, reference="F-9"))
    )
    answer = desk.pull(since=old_cursor)
    assert answer["full_reload"] is True
    assert answer["changes"] == []
    assert desk.pull(since=0)["full_reload"] is True  # a new desk too

    # The snapshot: every entity, page by page, then pull from the first page's cursor.
    loaded: dict[str, dict[str, dict]] = {}
    resume = None
    for entity in ("family", "wallet_entry"):
        after = None
        while True:
            params = {"entity": entity, "limit": 2} | ({"after": after} if after else {})
            page = desk.http.get("/sync/snapshot", params=params).json()
            resume = page["resume_cursor"] if resume is None else resume
            loaded.setdefault(entity, {}).update({i["id"]: i["data"] for i in page["items"]})
            after = page["after"]
            if after is None:
                break
    assert loaded["family"][str(family_id)]["reference"] == "F-9"
    assert loaded["family"][str(family_id)]["version"] == 2
    assert sorted(e["quantity"] for e in loaded["wallet_entry"].values()) == [1] * 5
    after_reload = desk.pull(since=resume)
    assert after_reload["full_reload"] is False
    assert after_reload["changes"] == []


def test_the_snapshot_refuses_an_unknown_entity_in_french(desk):
    answer = desk.http.get("/sync/snapshot", params={"entity": "licornes"})
    assert answer.status_code == 422
    assert "entity : inconnue" in answer.json()["detail"]
