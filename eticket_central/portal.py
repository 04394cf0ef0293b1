"""The family portal's endpoints (what the tests need to act as a parent): log in with the
dossier's portal login (argon2), list one's invoices, pay one online, book or cancel a day."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import APIRouter, Depends, HTTPException, Request
from sqlalchemy import func, select

from eticket_central.auth import bearer_token, unauthorised
from eticket_central.changes import flush_changes, record
from eticket_central.models import (
    Child,
    Family,
    Invoice,
    Payment,
    PortalAccount,
    PortalSessionRow,
    WalletEntry,
)
from eticket_central.ops.bookings import change_booking_from, spec_of
from eticket_central.ops.families import family_data
from eticket_central.ops.money import family_credit, invoice_data, take_payment
from eticket_central.ops.registry import OpContext, Rejected
from eticket_central.ops.wallet import wallet_entry
from eticket_central.tokens import hash_secret
from eticket_desk.rules.activity import BillingMode
from eticket_desk.rules.booking import Action, BookingState, tickets_moved
from eticket_desk.rules.contact import normalise_email, normalise_phone, normalise_postcode
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.money import format_cents
from eticket_desk.sync.protocol import (
    BookingPayload,
    OnlinePayment,
    PortalBooking,
    PortalContactChange,
    PortalLogin,
    PortalSession,
    WalletEntryPayload,
)

router = APIRouter(prefix="/portal")
_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash("mot de passe factice")
_PAYMENT_IDS = uuid.UUID("6f1d2c1e-55a8-4c1b-9d0e-7b7c6a3c2f10")


@dataclass(frozen=True)
class Parent:
    tenant_id: uuid.UUID
    family_id: uuid.UUID


def _parent(request: Request) -> Parent:
    token = bearer_token(request)
    state = request.app.state
    with state.sessions.begin() as session:
        row = session.get(PortalSessionRow, hash_secret(token))
        if row is None or row.expires_at <= state.clock.now():
            raise unauthorised("Session du portail expirée ou inconnue : reconnectez-vous.")
        return Parent(row.tenant_id, row.family_id)


ParentDep = Annotated[Parent, Depends(_parent)]


@router.post("/login", response_model=PortalSession)
def login(body: PortalLogin, request: Request) -> PortalSession:
    state = request.app.state
    now = state.clock.now()
    with state.sessions.begin() as session:
        account = session.execute(
            select(PortalAccount).where(
                PortalAccount.tenant_id == body.tenant_id, PortalAccount.login == body.login
            )
        ).scalar_one_or_none()
        try:
            _HASHER.verify(account.password_hash if account else _DUMMY_HASH, body.password)
            valid = account is not None
        except (VerificationError, InvalidHashError):
            valid = False
        if not valid:
            raise unauthorised("Identifiant ou mot de passe incorrect.")
        token = secrets.token_urlsafe(32)
        expires = now + timedelta(hours=state.settings.portal_session_hours)
        session.add(
            PortalSessionRow(
                token_hash=hash_secret(token),
                tenant_id=account.tenant_id,
                family_id=account.family_id,
                expires_at=expires,
            )
        )
        return PortalSession(token=token, family_id=account.family_id, expires_at=expires)


@router.get("/invoices")
def invoices(request: Request, parent: ParentDep) -> dict:
    with request.app.state.sessions.begin() as session:
        found = session.execute(
            select(Invoice)
            .where(Invoice.tenant_id == parent.tenant_id, Invoice.family_id == parent.family_id)
            .order_by(Invoice.issued_on, Invoice.number)
        ).scalars()
        return {
            "invoices": [invoice_data(i) for i in found],
            "credit_cents": family_credit(session, parent.tenant_id, parent.family_id),
        }


@router.post("/payments")
def pay_online(body: OnlinePayment, request: Request, parent: ParentDep) -> dict:
    """Records an online payment (the bank's transaction reference makes it idempotent)."""
    state = request.app.state
    now = state.clock.now()
    payment_id = uuid.uuid5(_PAYMENT_IDS, f"{parent.tenant_id}:{body.transaction_ref}")
    ctx = OpContext(parent.tenant_id, None, payment_id)
    with state.sessions.begin() as session:
        invoice = session.execute(
            select(Invoice).where(Invoice.id == body.invoice_id).with_for_update()
        ).scalar_one_or_none()
        if invoice is None:
            raise HTTPException(404, "Facture introuvable.")
        if (invoice.tenant_id, invoice.family_id) != (parent.tenant_id, parent.family_id):
            raise HTTPException(403, "Cette facture n'est pas celle de votre famille.")
        if invoice.cancelled_at is not None and session.get(Payment, payment_id) is None:
            raise HTTPException(
                409,
                f"Cette facture a été annulée par l'avoir {invoice.credit_note_number} : "
                "il n'y a rien à payer.",
            )
        due = invoice.amount_cents - invoice.paid_cents
        if session.get(Payment, payment_id) is None and body.amount_cents > due:
            raise HTTPException(
                409,
                "Cette facture est déjà réglée."
                if due == 0
                else f"Le montant dépasse le reste à payer ({format_cents(due)}).",
            )
        answer = take_payment(
            session,
            ctx,
            payment_id=payment_id,
            family_id=parent.family_id,
            invoice_id=invoice.id,
            method="online",
            amount_cents=body.amount_cents,
            received_at=now,
            details={"transaction_ref": body.transaction_ref},
            now=now,
        )
        flush_changes(session, parent.tenant_id, None, now)
        return answer


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


_CHECKS = {
    "phone_home": normalise_phone,
    "phone_mobile": normalise_phone,
    "phone_work": normalise_phone,
    "email": normalise_email,
    "postcode": normalise_postcode,
}


@router.post("/contacts")
def change_contacts(body: PortalContactChange, request: Request, parent: ParentDep) -> dict:
    """A parent updates their phones, e-mail or address: checked like at the counter, the
    dossier's version goes up, and the desks receive it at their next pull."""
    state = request.app.state
    now = state.clock.now()
    changes = body.model_dump(exclude={"adult_id"}, exclude_none=True)
    errors = []
    for name, value in changes.items():
        check = _CHECKS.get(name)
        try:
            changes[name] = check(value) if check else value.strip()
        except InvalidInput as error:
            errors.append(str(error))
    if errors:
        raise HTTPException(422, "Rien n'a été modifié : " + " ".join(errors))
    with state.sessions.begin() as session:
        family = session.execute(
            select(Family).where(Family.id == parent.family_id).with_for_update()
        ).scalar_one()
        adults = [dict(adult) for adult in family.data.get("adults", [])]
        mine = next((a for a in adults if a.get("id") == str(body.adult_id)), None)
        if mine is None or mine.get("third_party"):
            raise HTTPException(403, "Cette personne n'est pas un responsable de votre dossier.")
        if all(mine.get(name, "") == value for name, value in changes.items()):
            return {"version": family.version, "changed": False}
        mine.update(changes)
        family.data = {**family.data, "adults": adults}
        family.version += 1
        family.updated_at = now
        session.flush()
        record(session, "family", family.id, family_data(family))
        flush_changes(session, parent.tenant_id, None, now)
        return {"version": family.version, "changed": True}
