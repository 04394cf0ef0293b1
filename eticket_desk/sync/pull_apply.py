"""Pulled changes applied here: portal bookings, dossiers (contact changes, and dossiers made
on another desk), wallet lines and online payments, all in ONE transaction with the cursor.

Written in a `quiet` session: applying the server's changes writes no op back. A row with an
op of this desk not yet answered is left alone (the server will answer it first).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from eticket_desk.models import (
    Activity,
    Booking,
    Child,
    CreditEntry,
    Family,
    Invoice,
    Payment,
    PaymentAllocation,
    Sale,
    Subscription,
    TicketType,
    WalletEntry,
)
from eticket_desk.models.sync import OutboxOp
from eticket_desk.rules.booking import SEAT_STATES, BookingState
from eticket_desk.services.seat_counters import bump_seats
from eticket_desk.services.waiting_queue import join_waiting_list, leave_waiting_list
from eticket_desk.sync.apply import CURSOR, SYNC_ACTOR, put_state, server_version
from eticket_desk.sync.commune_pull import apply_organisation, apply_school
from eticket_desk.sync.days_pull import day_changes, form_change
from eticket_desk.sync.family_pull import apply_family
from eticket_desk.sync.oplog import booking_key, days_key, quiet
from eticket_desk.sync.planning_pull import apply_activity, apply_school_year
from eticket_desk.sync.tariff_pull import apply_tariff, apply_ticket_type


def _waiting_keys(session) -> set[str]:
    return set(
        session.scalars(select(OutboxOp.entity_key).where(OutboxOp.status == "pending")).all()
    )


_FREED = "pull_freed_seats"


def apply_changes(
    store, device_id: uuid.UUID, changes, cursor: int, freed: list | None = None
) -> int:
    """Applies the pulled changes and moves the cursor in ONE transaction; returns how many
    changed something here. The (activity, day) whose seat a pulled change freed (a parent
    cancelled on the portal) are added to `freed`: their waiting list is served after."""
    applied = 0
    with store.write(SYNC_ACTOR) as session:
        quiet(session)
        session.info[_FREED] = freed if freed is not None else []
        waiting = _waiting_keys(session)
        for change in changes:
            if change.entity == "family":
                server_version(session, "family", change.id, change.data)
            if change.device_id == device_id:
                continue  # our own op coming back: already here
            apply = _APPLY.get(change.entity)
            if apply is not None and apply(session, change, waiting):
                applied += 1
        put_state(session, {CURSOR: cursor})
    return applied


def _booking(session, change, waiting: set[str]) -> bool:
    data = change.data
    activity_id, day = uuid.UUID(data["activity_id"]), date.fromisoformat(data["day"])
    child_id = uuid.UUID(data["child_id"])
    if booking_key(activity_id, day, child_id) in waiting or (
        days_key(activity_id, child_id) in waiting
    ):
        return False  # our own op on it is not answered yet: it decides
    child = session.get(Child, child_id)
    if child is None or child.school_id is None:
        return False
    booking = session.get(Booking, (activity_id, day, child_id))
    before = BookingState(booking.state) if booking is not None else None
    state = BookingState(data["state"])
    if before == state:
        return False
    if booking is None:
        booking = Booking(
            activity_id=activity_id, day=day, child_id=child_id, school_id=child.school_id
        )
        session.add(booking)
    booking.state, booking.late = state.value, bool(data.get("late"))
    booking.source = data.get("source") or "portal"
    booking.updated_at = datetime.fromisoformat(data["updated_at"])
    booking.updated_by = booking.source
    if state == BookingState.WAITING:
        # In line at the moment the server took it, after those already queued here: pulled
        # changes come in the server's order, so the same second keeps its order of arrival.
        join_waiting_list(session, booking, booking.updated_at)
    else:
        leave_waiting_list(booking)
    session.flush()
    seat = (state in SEAT_STATES) - (before in SEAT_STATES)
    queue = (state == BookingState.WAITING) - (before == BookingState.WAITING)
    if seat or queue:
        bump_seats(session, booking, booked=seat, waiting=queue)
    if seat < 0:
        session.info[_FREED].append((activity_id, day))
    return True


def _wallet_entry(session, change, _waiting) -> bool:
    data = change.data
    entry_id = uuid.UUID(change.id)
    if session.get(WalletEntry, entry_id) is not None:
        return False
    ticket = session.scalar(select(TicketType).where(TicketType.code == data["ticket_type"]))
    if ticket is None or session.get(Family, uuid.UUID(data["family_id"])) is None:
        return False
    session.add(
        WalletEntry(
            id=entry_id,
            family_id=uuid.UUID(data["family_id"]),
            ticket_type_id=ticket.id,
            at=datetime.fromisoformat(data["occurred_at"]),
            quantity=data["quantity"],
            kind=data["kind"],
            reason=data.get("reason", ""),
            by="serveur",
        )
    )
    return True


def _payment(session, change, _waiting) -> bool:
    """A payment made elsewhere (online): the invoice gets what it still needs here, the
    rest is the family's credit (never counted twice)."""
    data = change.data
    payment_id = uuid.UUID(change.id)
    receipt = (data.get("details") or {}).get("receipt_number")
    if session.get(Payment, payment_id) is not None or (
        receipt and session.scalar(select(Sale.id).where(Sale.receipt_number == receipt))
    ):
        return False  # money taken at this counter (a full reload brings it back)
    family_id = uuid.UUID(data["family_id"])
    if session.get(Family, family_id) is None:
        return False
    invoice = session.get(Invoice, uuid.UUID(data["invoice_id"])) if data["invoice_id"] else None
    amount = data["amount_cents"] - data.get("to_sale_cents", 0)
    now, tag = session.info["now"], f"en ligne {payment_id}"
    if session.scalar(select(PaymentAllocation.id).where(PaymentAllocation.by == tag)) or (
        session.scalar(select(CreditEntry.id).where(CreditEntry.by == tag))
    ):
        return False  # already here (a full reload brings it again)
    to_invoice = 0
    if invoice is not None:
        paid = sum(
            session.scalars(
                select(PaymentAllocation.amount_cents).where(
                    PaymentAllocation.invoice_id == invoice.id
                )
            )
        )
        to_invoice = max(0, min(amount, invoice.total_cents - paid))
        if to_invoice:
            session.add(
                PaymentAllocation(invoice_id=invoice.id, amount_cents=to_invoice, at=now, by=tag)
            )
    if amount - to_invoice > 0:
        session.add(
            CreditEntry(
                family_id=family_id,
                at=now,
                amount_cents=amount - to_invoice,
                invoice_id=invoice.id if invoice else None,
                reason=f"Règlement en ligne (déjà payé) {payment_id}",
                by=tag,
            )
        )
    return bool(amount)


def _subscription(session, change, waiting: set[str]) -> bool:
    """A paper form taken at another desk: its terms (the days come as bookings)."""
    data = change.data
    child_id, activity_id = uuid.UUID(data["child_id"]), uuid.UUID(data["activity_id"])
    if days_key(activity_id, child_id) in waiting:
        return False  # this desk's own form on it goes first
    if session.get(Child, child_id) is None or session.get(Activity, activity_id) is None:
        return False
    values = {
        "start": date.fromisoformat(data["start"]),
        "end": date.fromisoformat(data["end"]),
        "weekdays": data.get("weekdays", ""),
        "parity": data.get("parity", "all"),
        "regular": bool(data.get("regular", True)),
        "fare_option": data.get("fare_option", ""),
        "period_label": data.get("period_label", ""),
    }
    row = session.get(Subscription, uuid.UUID(data["id"]))
    if row is None:
        row = session.scalar(
            select(Subscription).where(
                Subscription.child_id == child_id,
                Subscription.activity_id == activity_id,
                Subscription.start == values["start"],
            )
        )
    now = session.info["now"]
    if row is None:
        row = Subscription(
            id=uuid.UUID(data["id"]),
            child_id=child_id,
            activity_id=activity_id,
            source="sync",
            created_at=now,
            updated_at=now,
            updated_by=SYNC_ACTOR.login,
            **values,
        )
        session.add(row)
        return True
    if all(getattr(row, name) == value for name, value in values.items()):
        return False
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = now, SYNC_ACTOR.login
    return True


def _booking_days(session, change, waiting: set[str]) -> bool:
    """A form's op decided on the server: its terms, then each of its days as a booking."""
    form = form_change(change)
    changed = form is not None and _subscription(session, form, waiting)
    for day in day_changes(change):
        changed = _booking(session, day, waiting) or changed
    return changed


_APPLY = {
    "booking": _booking,
    "booking_days": _booking_days,
    "family": apply_family,
    "wallet_entry": _wallet_entry,
    "payment": _payment,
    "subscription": _subscription,
    "activity": apply_activity,
    "school_year": apply_school_year,
    "ticket_type": apply_ticket_type,
    "tariff": apply_tariff,
    "school": apply_school,
    "organisation": apply_organisation,
}


def serve_waiting_lists(store, freed: list[tuple[uuid.UUID, date]]) -> None:
    """Offers the seats a pulled change freed to the waiting children, in a transaction of
    its own that writes its ops (the server judges the promotions like any booking)."""
    if not freed:
        return
    from types import SimpleNamespace

    from eticket_desk.services.activities import activities_in
    from eticket_desk.services.bookings import offer_freed_seat

    with store.write(SYNC_ACTOR) as session:
        activities = {a.id: a for a in activities_in(session, include_inactive=True)}
        ctx = SimpleNamespace(session=session, actor=SYNC_ACTOR, now=session.info["now"])
        for activity_id, day in sorted(set(freed)):
            if activity_id in activities:
                offer_freed_seat(ctx, activities[activity_id], day)
