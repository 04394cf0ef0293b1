"""family.merge: two dossiers of one family made one at a desk; the server's rows move the
same way as the desk's (eticket_desk/services/families/merge.py).

The absorbed dossier's children become the kept dossier's; a child of both (the pairs the desk
chose) becomes the kept child: its bookings and subscriptions follow it, and a day booked for
both keeps one booking (rules.duplicates.kept_booking), the other's seat given back (its ticket
comes as the desk's own wallet line). Wallet lines, invoices and payments follow the dossier;
its portal access too when the kept dossier has none. The dossiers' own snapshots (the kept
one with its new children and adults, the absorbed one archived) come in the upserts the desk
sends right after. The other desks hear of it as one `family_merge` change and run the same
merge on their rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from eticket_central.changes import record
from eticket_central.models import (
    ActivityDay,
    Booking,
    Child,
    Family,
    Invoice,
    Payment,
    PortalAccount,
    PortalSessionRow,
    Subscription,
    WalletEntry,
)
from eticket_central.ops.registry import OpContext, handler, unknown_rows
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.rules.duplicates import kept_booking
from eticket_desk.sync.protocol import FamilyMerge, OpType


def _owned(payload: FamilyMerge):
    ids = [(Family, payload.kept_id), (Family, payload.absorbed_id)]
    for pair in payload.children:
        ids += [(Child, pair.absorbed_id), (Child, pair.kept_id)]
    return ids


def _free_seat(session: Session, booking: Booking) -> None:
    if booking.state in SEAT_STATES:
        column = ActivityDay.booked
    elif booking.state == BookingState.WAITING:
        column = ActivityDay.waiting
    else:
        return
    session.execute(
        update(ActivityDay)
        .where(ActivityDay.activity_id == booking.activity_id, ActivityDay.day == booking.day)
        .values({column: column - 1})
    )


def _join_child(session: Session, absorbed_id, kept_id) -> int:
    """The absorbed child's bookings and subscriptions become the kept child's; returns how
    many days were booked for both."""
    twice = 0
    mine = {
        (b.activity_id, b.day): b
        for b in session.scalars(select(Booking).where(Booking.child_id == kept_id))
    }
    for booking in session.scalars(select(Booking).where(Booking.child_id == absorbed_id)).all():
        twin = mine.get((booking.activity_id, booking.day))
        if twin is None:
            continue
        twice += 1
        loser = booking if kept_booking(twin.state, booking.state) == "kept" else twin
        _free_seat(session, loser)
        session.delete(loser)
    session.flush()
    session.execute(
        update(Booking)
        .where(Booking.child_id == absorbed_id)
        .values(child_id=kept_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Subscription)
        .where(Subscription.child_id == absorbed_id)
        .values(child_id=kept_id)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(Child).where(Child.id == absorbed_id))
    return twice


@handler(OpType.FAMILY_MERGE, owned_ids=_owned)
def merge_families(
    session: Session, ctx: OpContext, payload: FamilyMerge, now: datetime
) -> dict[str, Any]:
    kept = session.get(Family, payload.kept_id)
    absorbed = session.get(Family, payload.absorbed_id)
    if kept is None or absorbed is None:
        raise unknown_rows()
    twice = 0
    for pair in payload.children:
        if session.get(Child, pair.absorbed_id) is not None:
            twice += _join_child(session, pair.absorbed_id, pair.kept_id)
    session.execute(update(Child).where(Child.family_id == absorbed.id).values(family_id=kept.id))
    for model in (Booking, WalletEntry, Invoice, Payment):
        session.execute(
            update(model)
            .where(model.tenant_id == ctx.tenant_id, model.family_id == absorbed.id)
            .values(family_id=kept.id)
            .execution_options(synchronize_session=False)
        )
    kept_logins = select(PortalAccount.id).where(PortalAccount.family_id == kept.id)
    if session.execute(kept_logins).first() is None:
        for model in (PortalAccount, PortalSessionRow):
            session.execute(
                update(model)
                .where(model.family_id == absorbed.id)
                .values(family_id=kept.id)
                .execution_options(synchronize_session=False)
            )
    session.flush()
    data = payload.model_dump(mode="json")
    record(session, "family_merge", payload.absorbed_id, {**data, "made_by": ctx.made_by})
    return {"kept_id": str(kept.id), "absorbed_id": str(absorbed.id), "days_twice": twice}
