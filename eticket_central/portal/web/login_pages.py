"""Connexion: the commune's login page (/portail/<slug>/connexion, the address printed on the
desk's letter), and the list of communes for a parent who came without one.

The page and the JSON endpoint share one path (portal/login.py `authenticate`): the
throttle first (a French page saying when to retry, 429), argon2 off the request threads.
A success opens a session row for the guardian, puts its token in the HttpOnly cookie and
sends the parent on to `suite` — only a page of this portal, never another site — or to the
password page while the letter's one-time password is still theirs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import anyio
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from eticket_central.models import Tenant
from eticket_central.portal.login import Account, authenticate, client_address, open_session
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.messages import see_other
from eticket_central.portal.web.session import PASSWORD_PAGE, open_web_session
from eticket_central.portal.web.templating import render

router = APIRouter()
HOME = "/portail/"
_FIELD_MAX = 200


@dataclass(frozen=True)
class Commune:
    id: uuid.UUID
    name: str
    slug: str


def find_commune(state, slug: str) -> Commune:
    """The commune of an address's slug; 404 (the French page) when there is none."""
    with state.sessions.begin() as session:
        row = session.execute(select(Tenant).where(Tenant.slug == slug[:80])).scalar_one_or_none()
        if row is None:
            raise HTTPException(404, "Commune inconnue.")
        return Commune(row.id, row.name, row.slug)


def _communes(state) -> list[Commune]:
    with state.sessions.begin() as session:
        rows = session.execute(select(Tenant).order_by(Tenant.name)).scalars()
        return [Commune(t.id, t.name, t.slug) for t in rows]


def local_page(suite: str | None) -> str:
    """`suite` when it is a page of this portal, else the accueil (never another site)."""
    if not suite or len(suite) > 500 or "\\" in suite or any(ord(c) < 32 for c in suite):
        return HOME
    parts = urlsplit(suite)
    if parts.scheme or parts.netloc or not parts.path.startswith("/portail/"):
        return HOME
    if parts.path.startswith("/portail/static/") or "/connexion" in parts.path:
        return HOME
    return suite


def _field(form, name: str) -> str:
    value = form.get(name)
    return value[:_FIELD_MAX] if isinstance(value, str) else ""


@router.get("/connexion", response_class=HTMLResponse)
def choose_commune(request: Request, suite: str = "") -> HTMLResponse:
    """A parent without their commune's address: the list of communes."""
    kept = local_page(suite)
    after = f"?suite={quote(kept, safe='')}" if kept != HOME else ""
    return render(request, "communes.html", communes=_communes(request.app.state), after=after)


@router.get("/{slug}/connexion", response_class=HTMLResponse)
def login_page(request: Request, slug: str, suite: str = "") -> HTMLResponse:
    commune = find_commune(request.app.state, slug)
    return render(request, "connexion.html", commune=commune, suite=local_page(suite), login="")


@router.post("/{slug}/connexion")
async def log_in(request: Request, slug: str, form: CsrfFormDep) -> Response:
    state = request.app.state
    commune = await anyio.to_thread.run_sync(find_commune, state, slug)
    login, password = _field(form, "identifiant"), _field(form, "mot_de_passe")
    suite = local_page(_field(form, "suite"))
    again = {"commune": commune, "suite": suite, "login": login}
    if not login or not password:
        return render(
            request,
            "connexion.html",
            status=422,
            error="Saisissez votre identifiant et votre mot de passe.",
            **again,
        )
    try:
        account = await authenticate(state, commune.id, login, password, client_address(request))
    except HTTPException as refused:
        if refused.status_code != 429:
            raise
        page = render(request, "connexion.html", status=429, error=refused.detail, **again)
        page.headers["Retry-After"] = refused.headers["Retry-After"]
        return page
    if account is None:
        return render(
            request,
            "connexion.html",
            status=401,
            error="Identifiant ou mot de passe incorrect.",
            **again,
        )
    token = await anyio.to_thread.run_sync(_open, state, account)
    if account.must_change_password:
        response = see_other(
            PASSWORD_PAGE,
            "Bienvenue ! Choisissez maintenant votre mot de passe personnel.",
            "info",
        )
    else:
        response = see_other(suite)
    open_web_session(response, request, token)
    return response


def _open(state, account: Account) -> str:
    with state.sessions.begin() as session:
        token, _ = open_session(
            session, account, state.clock.now(), state.settings.portal_session_hours
        )
    return token
