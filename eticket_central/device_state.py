"""GET /sync/device: what the server holds from the calling desk (sync/device_state.py).

Read at every sync: the desk compares it with its own outbox and counters to see whether it
was restored from a backup (then it reloads before any new work and moves its counters past
these numbers). Each figure is one indexed query: how many ops the device sent and their
highest seq (applied_ops by tenant, device, seq), the last receipt number of each of its
series and year (its payments), the commune's last invoice and credit note of each year, and
the commune's desks by number and label (a desk names the others by them).
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_central.models import AppliedOp, Device, Invoice, Payment
from eticket_desk.sync.device_state import CommuneDesk, DeviceState
from eticket_desk.sync.protocol import RejectCode


def _last_by_year(session: Session, number, *where) -> list[str]:
    """The greatest number of each « PREFIX-YEAR » (the numbers are zero-padded: the text's
    order is the numbers' order)."""
    series = func.substring(number, r"^(.*)-\d+$")
    query = select(func.max(number)).where(number != "", *where).group_by(series)
    return sorted(value for value in session.scalars(query) if value)


def device_state(session: Session, tenant_id: uuid.UUID, device_id: uuid.UUID) -> DeviceState:
    device = session.get(Device, device_id)
    if device is None or device.tenant_id != tenant_id:
        return DeviceState(device_id=device_id, number=0)
    ops, last_seq = session.execute(
        select(
            # an op refused as unreadable may never have reached here: neither side counts it
            func.count().filter(AppliedOp.code.is_distinct_from(RejectCode.INVALID_OP.value)),
            func.max(AppliedOp.seq),
        ).where(AppliedOp.tenant_id == tenant_id, AppliedOp.device_id == device_id)
    ).one()
    receipt = Payment.details["receipt_number"].astext
    return DeviceState(
        device_id=device_id,
        label=device.label,
        number=device.number,
        ops=ops,
        last_seq=last_seq or 0,
        last_receipts=_last_by_year(
            session, receipt, Payment.tenant_id == tenant_id, Payment.device_id == device_id
        ),
        last_invoices=_last_by_year(session, Invoice.number, Invoice.tenant_id == tenant_id),
        last_credit_notes=_last_by_year(
            session, Invoice.credit_note_number, Invoice.tenant_id == tenant_id
        ),
        desks=[
            CommuneDesk(number=number, label=label)
            for number, label in session.execute(
                select(Device.number, Device.label)
                .where(Device.tenant_id == tenant_id)
                .order_by(Device.number)
            )
        ],
    )
