"""The network and the servers fail, the truth stays: a reply lost after the commit, and two
server instances side by side on one database."""

from __future__ import annotations

import threading
import time
import uuid

import httpx
import pytest
from sqlalchemy import func, select, text

from eticket_central.models import WalletEntry
from eticket_desk.sync.protocol import OpType
from tests.central.conftest import start_server
from tests.central.helpers import CuttingProxy, Desk, family_payload, wallet_payload


def _wallet(db, family_id) -> tuple[int, int]:
    db.expire_all()
    return db.execute(
        select(func.count(), func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.family_id == family_id
        )
    ).one()


def test_a_reply_lost_after_the_commit_is_answered_duplicate_on_retry(central, desk, db):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    proxy = CuttingProxy(central.thread.port)
    through_proxy = Desk(proxy.url, desk.device_id, desk.token)
    try:
        debit = desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, -1))
        proxy.cut = True
        with pytest.raises(httpx.TransportError):
            through_proxy.push_raw([debit])
        assert proxy.cuts == 1
        assert _wallet(db, family_id) == (1, -1)  # the server did commit

        proxy.cut = False
        retry = through_proxy.push(debit)[0]
        assert retry["status"] == "duplicate"
        assert retry["original_status"] == "applied"
        assert retry["result"]["already_recorded"] is False
        assert _wallet(db, family_id) == (1, -1)  # debited once
        entries = [c for c in desk.pull_all() if c["entity"] == "wallet_entry"]
        assert [e["data"]["quantity"] for e in entries] == [-1]
    finally:
        through_proxy.close()
        proxy.close()


def test_two_instances_side_by_side_share_one_truth(central, database_url, desk, db):
    second = start_server(database_url, central.clock)
    other_door = Desk(second.url, desk.device_id, desk.token)
    try:
        family_id = uuid.uuid4()
        ops = [desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id))]
        ops += [desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 2)) for _ in range(20)]
        answers: dict[str, list[dict]] = {}

        def push(name: str, client: Desk) -> None:
            answers[name] = client.push(*ops)

        threads = [
            threading.Thread(target=push, args=("first", desk)),
            threading.Thread(target=push, args=("second", other_door)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        for index in range(len(ops)):
            statuses = sorted(answers[name][index]["status"] for name in answers)
            assert statuses == ["applied", "duplicate"]
        assert _wallet(db, family_id) == (20, 40)

        # What one instance wrote, the other serves: the dossier and the change log.
        assert other_door.http.get(f"/sync/families/{family_id}").json()["version"] == 1
        via_first = desk.pull_all()
        via_second = other_door.pull_all()
        assert via_first == via_second
        assert len(via_first) == 21
    finally:
        other_door.close()
        second.stop()


def test_a_push_cut_after_its_first_chunk_keeps_that_chunk_and_the_retry_finishes_it(
    central, database_url, desk, db
):
    """A push is committed a chunk at a time, in device order: when its desk hangs up in
    the middle, what was committed is answered "duplicate" on retry, the rest "applied"."""
    from datetime import date

    from eticket_central.db import make_engine, session_factory
    from eticket_central.push import CHUNK_OPS
    from tests.central.helpers import a_child
    from tests.central.test_push_concurrency import _book, _canteen

    activity_id = _canteen(desk)
    lea, tom = a_child(desk, "Lea"), a_child(desk, "Tom")
    day = date(2026, 9, 15)
    assert desk.push(_book(desk, lea, activity_id, day))[0]["status"] == "applied"
    family_id = uuid.uuid4()
    ops = [desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 1)) for _ in range(CHUNK_OPS)]
    ops.append(_book(desk, tom, activity_id, day))  # the second chunk: waits on the held day
    ops.append(desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, 1)))
    engine = make_engine(database_url, pool_size=1)
    holder = session_factory(engine)()
    holder.execute(
        text("SELECT 1 FROM activity_days WHERE activity_id = :a AND day = :d FOR UPDATE"),
        {"a": activity_id, "d": day},
    )
    impatient = Desk(central.url, desk.device_id, desk.token)
    impatient.http.timeout = httpx.Timeout(1.5)
    try:
        with pytest.raises(httpx.ReadTimeout):
            impatient.push_raw(ops)
        for _ in range(100):  # until the server has noticed and rolled the chunk back
            if _wallet(db, family_id)[0] == CHUNK_OPS and not _waiting(db):
                break
            time.sleep(0.1)
        assert _wallet(db, family_id) == (CHUNK_OPS, CHUNK_OPS)  # the first chunk stands
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
        impatient.close()
    answers = desk.push(*ops)
    assert [a["status"] for a in answers] == ["duplicate"] * CHUNK_OPS + ["applied"] * 2
    assert _wallet(db, family_id) == (CHUNK_OPS + 1, CHUNK_OPS + 1)


def _waiting(db) -> int:
    db.rollback()
    return db.execute(
        text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
             "AND datname = current_database()")
    ).scalar_one()  # fmt: skip
