"""A poison op in a desk's outbox: set aside in the sync issues panel, the later ops pushed and
the changes made elsewhere pulled — whether this desk or the server refuses it."""

from __future__ import annotations

import uuid

from sqlalchemy import select, text

from eticket_central.ops.registry import REGISTRY, OpHandler
from eticket_desk.models import OutboxOp
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.state import read_cursor
from eticket_desk.sync.oplog import write_ops
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload, wallet_payload


def _outbox(store) -> list[tuple[str, str, str]]:
    with store.read() as session:
        rows = session.scalars(select(OutboxOp).order_by(OutboxOp.seq))
        return [(row.type, row.status, row.code) for row in rows]


def _elsewhere(other_desk) -> int:
    """A dossier created at another desk: the change's number, which this desk must pull."""
    family_id = uuid.uuid4()
    answer = other_desk.push(
        other_desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(family_id, reference="F-AILLEURS", last_name="Martin"),
        )
    )
    assert answer[0]["status"] == "applied"
    [change] = [c for c in other_desk.pull_all() if c["id"] == str(family_id)]
    return change["seq"]


def test_a_nul_byte_refused_here_does_not_stop_later_ops_nor_pulls(
    store, admin, agent, client, other_desk
):
    family_id = uuid.uuid4()
    with store.write(admin) as session:
        write_ops(
            session,
            [
                (
                    OpType.FAMILY_UPSERT,
                    family_payload(family_id, last_name="Du\x00pont"),
                    "",
                    "Dossier Dupont",
                ),
                (OpType.WALLET_ENTRY, wallet_payload(family_id, 3), "", ""),
            ],
        )
    elsewhere = _elsewhere(other_desk)

    report = sync_once(store, client)

    assert report.ok, report.error
    assert report.rejected == 1
    assert (OpType.FAMILY_UPSERT.value, "rejected", "INVALID_OP") in _outbox(store)
    assert (OpType.WALLET_ENTRY.value, "applied", "") in _outbox(store)
    [issue] = list_sync_issues(store, agent)
    assert issue.title == "Dossier refusé — opération illisible"
    assert issue.subject == "Dossier Dupont"
    assert "payload.adults[0].last_name : caractère de contrôle interdit (code 0)" in (
        issue.message
    )
    assert "les suivantes ont été envoyées" in issue.actions[0]
    assert str(family_id) not in {c["id"] for c in other_desk.pull_all()}
    assert read_cursor(store) >= elsewhere  # pulled past the other desk's dossier


def test_an_op_the_server_cannot_store_is_set_aside_and_syncing_goes_on(
    store, admin, agent, client, other_desk, monkeypatch
):
    def cannot_store(session, ctx, payload, now):
        from sqlalchemy import text

        session.execute(text("SELECT CAST('9999999999' AS integer)"))  # out of range
        return {}

    original = REGISTRY[OpType.TICKET_TYPE_UPSERT]
    monkeypatch.setitem(
        REGISTRY,
        OpType.TICKET_TYPE_UPSERT,
        OpHandler(OpType.TICKET_TYPE_UPSERT, cannot_store, original.owned_ids),
    )
    family_id = uuid.uuid4()
    ticket_type = {"ticket_type_id": str(uuid.uuid4()), "code": "GOUTER", "name": "Goûter"}
    with store.write(admin) as session:
        write_ops(
            session,
            [
                (OpType.TICKET_TYPE_UPSERT, ticket_type, "", "Ticket Goûter"),
                (OpType.WALLET_ENTRY, wallet_payload(family_id, 2), "", ""),
            ],
        )
    elsewhere = _elsewhere(other_desk)

    first = sync_once(store, client)
    second = sync_once(store, client)  # the op set aside is not sent again

    assert first.ok and second.ok, (first.error, second.error)
    assert (first.rejected, second.rejected, second.pushed) == (1, 0, 0)
    outbox = _outbox(store)
    assert (OpType.TICKET_TYPE_UPSERT.value, "rejected", "INVALID_OP") in outbox
    assert (OpType.WALLET_ENTRY.value, "applied", "") in outbox
    [issue] = [i for i in list_sync_issues(store, agent) if i.code == "INVALID_OP"]
    assert issue.message.startswith("Le serveur n'a pas pu enregistrer cette opération")
    lines = [c for c in other_desk.pull_all() if c["entity"] == "wallet_entry"]
    assert [c["data"]["quantity"] for c in lines] == [2]
    assert read_cursor(store) >= elsewhere


def test_a_busy_server_is_said_in_french_and_the_next_sync_sends_everything(
    store, lea_family, device, central, database_url, memory_keyring
):
    from eticket_central import locks
    from eticket_central.db import make_engine
    from eticket_desk.services.syncing.status import sync_status
    from eticket_desk.sync.client import SyncClient
    from tests.central.conftest import start_server

    busy = start_server(database_url, central.clock, lock_timeout_s=0.3)
    client = SyncClient(busy.url, device.device_id, device.token, retries=2, backoff=0.01)
    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.begin() as holder:  # another desk's push holds the dossier meanwhile
            holder.execute(
                text("SELECT pg_advisory_xact_lock(:k)"), {"k": locks.family(lea_family.id)}
            )
            report = sync_once(store, client)
        assert report.error == (
            "Hors ligne : le serveur est très occupé, la synchronisation reprendra d'elle-même."
        )
        assert sync_status(store).online is False
        again = sync_once(store, client)
    finally:
        client.close()
        busy.stop()
        engine.dispose()
    assert again.ok, again.error
    assert {status for _, status, _ in _outbox(store)} == {"applied"}


def test_a_push_too_big_for_the_server_goes_in_halves_and_one_huge_op_is_set_aside(
    store, admin, agent, device, central, database_url, memory_keyring
):
    from eticket_desk.sync.client import SyncClient
    from tests.central.conftest import start_server

    small = start_server(database_url, central.clock, push_max_bytes=4 * 1024)
    client = SyncClient(small.url, device.device_id, device.token, retries=0)
    family_id = uuid.uuid4()
    huge = family_payload(uuid.uuid4(), reference="F-NOTES", last_name="Bavard")
    huge["notes"] = "Une note très longue. " * 177  # 3.9 kB: more than this server takes
    with store.write(admin) as session:
        write_ops(
            session,
            [
                *((OpType.WALLET_ENTRY, wallet_payload(family_id, 1), "", "") for _ in range(40)),
                (OpType.FAMILY_UPSERT, huge, "", "Dossier Bavard"),
                (OpType.WALLET_ENTRY, wallet_payload(family_id, 5), "", ""),
            ],
        )
    try:
        report = sync_once(store, client)
    finally:
        client.close()
        small.stop()

    assert report.ok, report.error
    outbox = _outbox(store)
    assert outbox.count((OpType.WALLET_ENTRY.value, "applied", "")) == 41
    assert (OpType.FAMILY_UPSERT.value, "rejected", "INVALID_OP") in outbox
    [issue] = [i for i in list_sync_issues(store, agent) if i.code == "INVALID_OP"]
    assert issue.subject == "Dossier Bavard"
    assert "trop volumineuse" in issue.message


def test_a_refused_wallet_line_names_its_dossier_in_the_panel(
    store, admin, agent, client, lea_family
):
    line = {**wallet_payload(lea_family.id, 3), "reason": "Achat\x00"}
    with store.write(admin) as session:
        write_ops(session, [(OpType.WALLET_ENTRY, line, "", "")])

    report = sync_once(store, client)

    assert report.ok, report.error
    [issue] = list_sync_issues(store, agent)
    assert issue.title == "Porte-monnaie refusé — opération illisible"
    assert issue.subject == f"Dossier {lea_family.reference} — {lea_family.display_name}"
