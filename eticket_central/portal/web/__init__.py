"""The families' portal pages: server-rendered French HTML under /portail.

Each page module owns its routes (`router`) and is listed in PAGES. `mount(app)` adds the
pages, their static files and the security headers to the server (app.py)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from eticket_central.portal.web import (
    document_pages,
    dossier_pages,
    home,
    invoice_pages,
    invoice_pdf,
    login_pages,
    password_pages,
    payment_pages,
    planning_pages,
    session,
    wallet_pages,
)
from eticket_central.portal.web.errors import install_error_pages
from eticket_central.portal.web.headers import SecurityHeaders

STATIC = Path(__file__).resolve().parent.parent / "static"
PAGES = (
    session,
    home,
    planning_pages,
    login_pages,
    password_pages,
    wallet_pages,
    invoice_pages,
    invoice_pdf,
    payment_pages,
    dossier_pages,
    document_pages,
)

router = APIRouter(prefix="/portail")
for _page in PAGES:
    router.include_router(_page.router)


def mount(app: FastAPI) -> None:
    app.mount("/portail/static", StaticFiles(directory=STATIC), name="portail-static")
    app.include_router(router)
    install_error_pages(app)
    app.add_middleware(SecurityHeaders, extra_form_targets=app.state.settings.payfip_origins())
