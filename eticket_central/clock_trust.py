"""The desk's clock at a push: its offset measured and kept on the device (with when), the
end of its last sync (its pull), and the moment each op of the push is judged at
(rules.desk_clock decides; see its docstring for when the desk's clock is trusted)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from eticket_central.models import Device
from eticket_central.ops.registry import OpContext
from eticket_desk.rules.desk_clock import DeskClock, Moment, ask_moments


def measure(
    session: Session,
    device_id: uuid.UUID,
    sent_at: datetime | None,
    now: datetime,
    limit_s: int,
) -> DeskClock:
    """The desk's clock at this push: its offset (kept on the device when measured) and its
    previous contact."""
    device = session.get(Device, device_id, with_for_update=True)
    previous = device.last_contact_at if device is not None else None
    offset = round((now - sent_at).total_seconds()) if sent_at is not None else None
    if device is not None and offset is not None:
        device.clock_offset_s, device.clock_measured_at = offset, now
    return DeskClock(offset, limit_s, previous)


def contact(session: Session, device_id: uuid.UUID, now: datetime) -> None:
    """The end of a sync (the desk pulls after pushing): every op made before it was sent."""
    session.execute(update(Device).where(Device.id == device_id).values(last_contact_at=now))


def moments_of(clock: DeskClock, ops: list, now: datetime) -> dict[uuid.UUID, Moment]:
    """Each op's moment (ops in device order), by op id."""
    found = ask_moments(clock, [op.made_at for op in ops], now)
    return {op.op_id: moment for op, moment in zip(ops, found, strict=True)}


def context_of(
    tenant_id: uuid.UUID,
    device_id: uuid.UUID | None,
    op,
    moments: dict[uuid.UUID, Moment] | None,
) -> OpContext:
    """The op's context, with the moment its deadline is judged at."""
    moment = (moments or {}).get(op.op_id)
    return OpContext(
        tenant_id,
        device_id,
        op.op_id,
        op.made_at,
        op.made_by,
        asked_at=moment.at if moment is not None else None,
        clock_note=moment.distrust if moment is not None else "",
    )
