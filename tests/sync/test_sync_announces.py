"""After a sync, the open screens hear what it changed here and nothing else: a dossier
edited at another desk reaches the family screens (and that family's own), not the tariffs;
a booking the server refused and the desk took back reaches the plannings and the wallet."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from eticket_desk.models import Adult, OutboxOp, ServerVersion
from eticket_desk.services.core.changes import FamilyTopic, Topic
from eticket_desk.services.syncing.answers import record_answers
from eticket_desk.services.syncing.status import save_device
from eticket_desk.sync.protocol import OpType
from eticket_desk.ui.sync import SyncWorker
from tests.sync.conftest import refuse_a_booked_day

MONDAY = date(2026, 9, 21)
NEW_MOBILE = "+33655443322"


def _synced(qtbot, worker) -> list[frozenset]:
    """Runs one sync through the worker; returns what it announced."""
    heard: list[frozenset] = []
    worker._ctx.bus.changed.connect(heard.append)
    with qtbot.waitSignal(worker.sync_finished, timeout=60_000) as finished:
        assert worker.sync_now()
    assert finished.args[0].ok, finished.args[0].error
    return heard


def _mobile_changed_elsewhere(store, other_desk, family) -> None:
    """Another desk changes the mother's mobile in the dossier this desk sent."""
    with store.read() as session:
        last = session.scalars(
            select(OutboxOp).where(OutboxOp.type == "family.upsert").order_by(OutboxOp.seq.desc())
        ).first()
        known = session.get(ServerVersion, ("family", str(family.id)))
    payload = json.loads(last.payload)
    payload["base_version"] = known.version
    payload["adults"][0]["phone_mobile"] = NEW_MOBILE
    answers = other_desk.push(other_desk.op(OpType.FAMILY_UPSERT, **payload))
    assert [a["status"] for a in answers] == ["applied"], answers


def test_a_pulled_dossier_change_reaches_the_family_screens_and_not_the_tariffs(
    qtbot, ctx, lea_family, device, other_desk, memory_keyring
):
    save_device(ctx.store, ctx.actor, str(device.http.base_url), device.device_id, device.token)
    worker = SyncWorker(ctx)
    _synced(qtbot, worker)  # the first upload: the dossier goes up
    _mobile_changed_elsewhere(ctx.store, other_desk, lea_family)

    heard = _synced(qtbot, worker)

    assert heard == [frozenset({Topic.SYNC, Topic.FAMILIES, FamilyTopic(lea_family.id)})]
    assert Topic.TARIFFS not in heard[0]
    with ctx.store.read() as session:
        mother = session.get(Adult, lea_family.adults[0].id)
        assert mother.phone_mobile == NEW_MOBILE
    assert _synced(qtbot, worker) == [frozenset({Topic.SYNC})]  # nothing new: sync panels only


def test_a_booking_the_server_refused_and_the_desk_took_back_names_its_family(
    store, agent, lea_family, garderie
):
    answers, rows, full = refuse_a_booked_day(store, agent, lea_family, garderie, MONDAY, "complet")

    assert answers.rejected == ["complet"]
    assert answers.changed == {Topic.BOOKINGS, Topic.SALES, FamilyTopic(lea_family.id)}
    again = record_answers(store, rows, full)  # nothing left to take back
    assert again.changed == set()
