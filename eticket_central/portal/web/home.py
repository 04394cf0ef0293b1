"""Accueil: what a parent checks first — the children, the wallet, the invoices to pay, what
blocks bookings while the dossier is not validated (seed 001), the mairie's messages."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eticket_central.models import Child, CommuneRecord, Family, Invoice, WalletEntry
from eticket_central.ops.money_data import family_credit
from eticket_central.portal.messages import messages_for
from eticket_central.portal.web.session import WebParentDep
from eticket_central.portal.web.templating import render
from eticket_desk.rules.dossier import (
    ChildCheck,
    DossierCheck,
    FamilyStatus,
    PersonCheck,
    missing_for_validation,
)

router = APIRouter()


@dataclass(frozen=True)
class ChildLine:
    id: uuid.UUID
    name: str
    school: str
    level: str


@dataclass(frozen=True)
class Balance:
    ticket_type: str
    label: str
    tickets: int


@dataclass(frozen=True)
class InvoiceDue:
    id: uuid.UUID
    number: str
    left_cents: int
    due_on: date
    late: bool


@dataclass(frozen=True)
class Home:
    family_name: str
    reference: str
    validated: bool
    status_label: str
    missing: list[str]
    children: list[ChildLine]
    balances: list[Balance]
    invoices_due: list[InvoiceDue]
    credit_cents: int


def _names(session: Session, tenant_id: uuid.UUID, entity: str) -> dict[str, dict]:
    rows = session.execute(
        select(CommuneRecord.id, CommuneRecord.data).where(
            CommuneRecord.tenant_id == tenant_id, CommuneRecord.entity == entity
        )
    ).all()
    return {str(row.id): row.data for row in rows}


def dossier_check(data: dict) -> DossierCheck:
    """The server's copy of the dossier, as rules.dossier weighs it at the desk."""
    adults = tuple(
        PersonCheck(
            name=f"{a.get('first_name', '')} {a.get('last_name', '')}".strip(),
            third_party=bool(a.get("third_party")),
            legal_guardian=bool(a.get("legal_guardian")),
            billing=bool(a.get("billing")),
            emergency_contact=bool(a.get("emergency_contact")),
            phones=tuple(
                p for p in (a.get(k, "") for k in ("phone_home", "phone_mobile", "phone_work")) if p
            ),
            email=a.get("email", ""),
            address1=a.get("address1", ""),
            postcode=a.get("postcode", ""),
            city=a.get("city", ""),
        )
        for a in data.get("adults", [])
    )
    children = tuple(
        ChildCheck(
            name=f"{c.get('first_name', '')} {c.get('last_name', '')}".strip(),
            has_school=bool(c.get("school_id")),
            has_class=bool(c.get("level")),
            has_birth_date=bool(c.get("birth_date")),
        )
        for c in data.get("children", [])
    )
    return DossierCheck(adults=adults, children=children)


def home_of(session: Session, tenant_id: uuid.UUID, family_id: uuid.UUID, today: date) -> Home:
    family = session.get(Family, family_id)
    if family is None or family.tenant_id != tenant_id:
        raise LookupError("dossier inconnu")
    status = FamilyStatus(family.status)
    schools = {
        key: value.get("name", "") for key, value in _names(session, tenant_id, "school").items()
    }
    children = [
        ChildLine(c.id, c.name, schools.get(str(c.school_id), ""), c.level or "")
        for c in session.execute(
            select(Child).where(Child.family_id == family_id).order_by(Child.name)
        ).scalars()
    ]
    ticket_names = {
        v.get("code"): v.get("name", "") for v in _names(session, tenant_id, "ticket_type").values()
    }
    balances = [
        Balance(code, ticket_names.get(code) or code, int(total))
        for code, total in session.execute(
            select(WalletEntry.ticket_type, func.sum(WalletEntry.quantity))
            .where(WalletEntry.tenant_id == tenant_id, WalletEntry.family_id == family_id)
            .group_by(WalletEntry.ticket_type)
            .order_by(WalletEntry.ticket_type)
        ).all()
    ]
    invoices = [
        InvoiceDue(i.id, i.number, i.amount_cents - i.paid_cents, i.due_on, i.due_on < today)
        for i in session.execute(
            select(Invoice)
            .where(
                Invoice.tenant_id == tenant_id,
                Invoice.family_id == family_id,
                Invoice.cancelled_at.is_(None),
                Invoice.paid_cents < Invoice.amount_cents,
            )
            .order_by(Invoice.due_on, Invoice.number)
        ).scalars()
    ]
    payer = next((a for a in family.data.get("adults", []) if a.get("billing")), None)
    family_name = (payer or {}).get("last_name", "") or family.reference
    return Home(
        family_name=family_name.upper(),
        reference=family.reference,
        validated=status == FamilyStatus.VALIDATED,
        status_label=status.label,
        missing=missing_for_validation(dossier_check(family.data))
        if status != FamilyStatus.VALIDATED
        else [],
        children=children,
        balances=balances,
        invoices_due=invoices,
        credit_cents=family_credit(session, tenant_id, family_id),
    )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, parent: WebParentDep) -> HTMLResponse:
    state = request.app.state
    today = state.clock.now().date()
    with state.sessions.begin() as session:
        view = home_of(session, parent.tenant_id, parent.family_id, today)
        messages = messages_for(session, parent.tenant_id, parent.family_id, today)
    return render(
        request,
        "accueil.html",
        parent,
        active="accueil",
        home=view,
        today=today,
        messages=messages,
    )
