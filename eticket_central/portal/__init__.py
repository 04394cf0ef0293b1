"""The families' portal: its JSON endpoints (what the tests need to act as a parent) under
/portal. Each module owns one part: who the parent is (`parents`), logging in (`login`),
invoices and payments (`invoices`), booking a day (`bookings`), contact details (`contacts`)."""

from __future__ import annotations

from fastapi import APIRouter

from eticket_central.portal import bookings, contacts, invoices, login

router = APIRouter(prefix="/portal")
for _part in (login, invoices, bookings, contacts):
    router.include_router(_part.router)
