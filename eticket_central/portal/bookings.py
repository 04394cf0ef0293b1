"""A parent books or cancels a day (prepaid days take a ticket from the wallet)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import func, select

from eticket_central.changes import flush_changes
from eticket_central.models import Child, WalletEntry
from eticket_central.ops.bookings import change_booking_from, spec_of
from eticket_central.ops.registry import OpContext, Rejected
from eticket_central.ops.wallet import wallet_entry
from eticket_central.portal.parents import ParentDep
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import Action, BookingState, tickets_moved
from eticket_desk.sync.protocol import BookingPayload, PortalBooking, WalletEntryPayload

router = APIRouter()


@router.post("/bookings")
def book_online(body: PortalBooking, request: Request, parent: ParentDep) -> dict:
    """A parent books or cancels a day: the same rules as the counter, never an override."""
    state = request.app.state
    now = state.clock.now()
    ctx = OpContext(parent.tenant_id, None, uuid.uuid4())
    payload = BookingPayload(child_id=body.child_id, activity_id=body.activity_id, day=body.day)
    with state.sessions.begin() as session:
        child = session.get(Child, body.child_id)
        if child is None or (child.tenant_id, child.family_id) != (
            parent.tenant_id,
            parent.family_id,
        ):
            raise HTTPException(403, "Cet enfant n'est pas dans votre dossier.")
        spec = spec_of(session, body.activity_id)
        prepaid = spec is not None and spec.billing_mode == BillingMode.PREPAID
        if prepaid and body.action == "book":
            tickets = session.execute(
                select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
                    WalletEntry.tenant_id == parent.tenant_id,
                    WalletEntry.family_id == parent.family_id,
                    WalletEntry.ticket_type == spec.ticket_type,
                )
            ).scalar_one()
            if tickets < 1:  # « autant de fois que de tickets » (seed 001)
                raise HTTPException(
                    409,
                    {
                        "code": "NO_TICKET",
                        "message": f"Plus de ticket {spec.ticket_type.lower()} dans votre "
                        "porte-monnaie : achetez-en au guichet ou en ligne avant de réserver.",
                    },
                )
        try:
            answer, before = change_booking_from(session, ctx, payload, Action(body.action), now)
        except Rejected as refusal:
            session.rollback()
            raise HTTPException(
                409, {"code": refusal.code.value, "message": refusal.message}
            ) from None
        if prepaid and answer["changed"]:
            moved = tickets_moved(before, BookingState(answer["state"]), answer["late"])
            if moved:
                _pay_with_ticket(session, ctx, parent, spec, body, moved, now)
        flush_changes(session, parent.tenant_id, None, now)
        return answer


def _pay_with_ticket(session, ctx, parent, spec, body, quantity: int, now) -> None:
    """The ticket a prepaid day takes (a seat) or gives back (a seat freed in time), as
    rules.booking.tickets_moved says: the waiting list never takes one."""
    kind = "booking" if quantity < 0 else "cancellation"
    wallet_entry(
        session,
        ctx,
        WalletEntryPayload(
            entry_id=uuid.uuid5(ctx.op_id, "ticket"),
            family_id=parent.family_id,
            ticket_type=spec.ticket_type,
            quantity=quantity,
            kind=kind,
            reason=f"{spec.name} du {body.day:%d/%m/%Y} (portail)",
            occurred_at=now,
        ),
        now,
    )
