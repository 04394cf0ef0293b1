"""A parent books or cancels a day, decided by rules.booking_decision like at the counter
(never an override); a prepaid day takes a ticket from the family's wallet or gives it back.

The last ticket is decided once: the family's wallet for the activity's ticket type is locked
for the transaction before its balance is read, so eight bookings of different days with one
ticket left give one booking and a wallet at 0. The lock is a transaction-scoped advisory
lock on a hash of (commune, family, ticket type), not SELECT … FOR UPDATE: the wallet is an
append-only ledger with no balance row to lock, and locking the existing entries would not
stop a concurrent transaction from inserting a new one. It is taken first, before the day's
row (_LOCK_DAY), and by nothing else that then waits on it, so it cannot deadlock; the
balance is read afterwards, in a statement of its own (READ COMMITTED: it sees what the
previous holder committed).
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request
from sqlalchemy import func, select, text

from eticket_central.changes import flush_changes
from eticket_central.models import Activity, Child, WalletEntry
from eticket_central.ops.bookings import change_booking_from, spec_of
from eticket_central.ops.registry import OpContext, Rejected
from eticket_central.ops.wallet import wallet_entry
from eticket_central.portal.parents import ParentDep
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import Action, RefusalCode
from eticket_desk.sync.protocol import BookingPayload, PortalBooking, WalletEntryPayload

router = APIRouter()

_LOCK_WALLET = text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))")


def lock_wallet(session, tenant_id: uuid.UUID, family_id: uuid.UUID, ticket_type: str) -> int:
    """Locks the family's wallet of one ticket type until commit; its balance under the lock."""
    session.execute(_LOCK_WALLET, {"key": f"wallet/{tenant_id}/{family_id}/{ticket_type}"})
    return session.execute(
        select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
            WalletEntry.tenant_id == tenant_id,
            WalletEntry.family_id == family_id,
            WalletEntry.ticket_type == ticket_type,
        )
    ).scalar_one()


def change_paid_day(session, ctx: OpContext, family_id: uuid.UUID, payload, action, now):
    """Books or cancels one day with its ticket, in the caller's transaction: the wallet is
    locked and weighed for a prepaid day, the decision (rules.booking_decision) says whether
    a ticket moves, and its line is written. Raises Rejected (NO_TICKET included)."""
    spec = spec_of(session, payload.activity_id)
    prepaid = spec is not None and spec.billing_mode == BillingMode.PREPAID
    tickets = None
    if prepaid:
        tickets = lock_wallet(session, ctx.tenant_id, family_id, spec.ticket_type)
    answer, decision = change_booking_from(session, ctx, payload, action, now, tickets)
    if prepaid and decision.tickets:
        _pay_with_ticket(session, ctx, family_id, spec, payload, decision.tickets, now)
    return answer


@router.post("/bookings")
def book_online(body: PortalBooking, request: Request, parent: ParentDep) -> dict:
    """A parent books or cancels a day of their own commune's activity (another commune's is
    as unknown as one that does not exist: 404 alike)."""
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
            raise HTTPException(404, "Enfant inconnu dans votre dossier.")
        tenant = session.execute(
            select(Activity.tenant_id).where(Activity.id == body.activity_id)
        ).scalar_one_or_none()
        if tenant != parent.tenant_id:
            raise HTTPException(404, "Activité inconnue.")
        try:
            answer = change_paid_day(
                session, ctx, parent.family_id, payload, Action(body.action), now
            )
        except Rejected as refusal:
            detail = refusal_detail(refusal, spec_of(session, body.activity_id))
            session.rollback()
            raise HTTPException(409, detail) from None
        flush_changes(session, parent.tenant_id, None, now)
        return answer


def refusal_detail(refusal: Rejected, spec) -> dict[str, str]:
    """The refusal for the parent: the rules' code and message, the empty wallet said to a
    parent (the counter's message asks the agent to sell tickets)."""
    if refusal.code.value == RefusalCode.NO_TICKET.value:
        return {
            "code": refusal.code.value,
            "message": f"Plus de ticket {spec.ticket_type.lower()} dans votre porte-monnaie : "
            "achetez-en au guichet ou en ligne avant de réserver.",
        }
    return {"code": refusal.code.value, "message": refusal.message}


def _pay_with_ticket(session, ctx, family_id, spec, payload, quantity: int, now) -> None:
    """The ticket the decision moves: taken by a seat (−1), given back by a seat freed in
    time (+1); the waiting list never takes one."""
    kind = "booking" if quantity < 0 else "cancellation"
    wallet_entry(
        session,
        ctx,
        WalletEntryPayload(
            entry_id=uuid.uuid5(ctx.op_id, "ticket"),
            family_id=family_id,
            ticket_type=spec.ticket_type,
            quantity=quantity,
            kind=kind,
            reason=f"{spec.name} du {payload.day:%d/%m/%Y} (portail)",
            occurred_at=now,
        ),
        now,
    )
