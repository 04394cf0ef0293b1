"""Who is on the portal's pages: the parent's session, kept in an HttpOnly cookie.

The cookie holds the session's token; the base keeps only its hash (PortalSessionRow, shared
with the JSON endpoints), so any instance of the server recognises it and a stolen base opens
no session. SameSite=Lax keeps the cookie off other sites' forms (the CSRF token is checked
too, csrf.py); Secure is on unless the server is told it runs on plain HTTP (tests, demo).
A page that needs a parent takes `WebParentDep`: without a valid session the browser is sent
to the login page, with the page it wanted as `suite`; a parent who must still choose a
password (the letter's one-time password) is sent to that page first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import and_, delete, or_, select

from eticket_central.models import PortalAccount, PortalSessionRow, Tenant
from eticket_central.portal.web.cookies import COOKIE, session_token
from eticket_central.portal.web.csrf import CsrfFormDep
from eticket_central.portal.web.messages import see_other
from eticket_central.tokens import hash_secret

LOGIN_PAGE = "/portail/connexion"
PASSWORD_PAGE = "/portail/mot-de-passe"

router = APIRouter()


@dataclass(frozen=True)
class WebParent:
    tenant_id: uuid.UUID
    family_id: uuid.UUID
    adult_id: uuid.UUID | None
    login: str
    commune: str  # the commune's name, for the page's header
    token_hash: bytes
    must_change_password: bool = False


class LoginRequired(Exception):  # noqa: N818 (a redirection, not a fault)
    """No valid session: the page answers with a 303 to `location` (errors.py)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def find_web_parent(state, token: str | None) -> WebParent | None:
    """The parent of a session token, or None when unknown or expired."""
    if token is None:
        return None
    with state.sessions.begin() as session:
        found = session.execute(
            select(PortalSessionRow, Tenant.name, PortalAccount.login)
            .join(Tenant, Tenant.id == PortalSessionRow.tenant_id)
            .outerjoin(PortalAccount, _same_guardian())
            .where(PortalSessionRow.token_hash == hash_secret(token))
        ).first()
        if found is None or found[0].expires_at <= state.clock.now():
            return None
        row, commune, login = found
        return WebParent(
            tenant_id=row.tenant_id,
            family_id=row.family_id,
            adult_id=row.adult_id,
            login=login or "",
            commune=commune,
            token_hash=row.token_hash,
            must_change_password=must_change_password(session, row),
        )


def _same_guardian():
    """The account a session was opened with: its family's, for its guardian (an older
    desk's family account has no guardian, nor its sessions)."""
    return and_(
        PortalAccount.family_id == PortalSessionRow.family_id,
        or_(
            PortalAccount.adult_id == PortalSessionRow.adult_id,
            and_(PortalAccount.adult_id.is_(None), PortalSessionRow.adult_id.is_(None)),
        ),
    )


def must_change_password(session, row: PortalSessionRow) -> bool:
    """Whether the session's guardian still has the letter's one-time password (every page
    but the password page sends them there)."""
    return bool(
        session.execute(
            select(PortalAccount.must_change_password).where(
                PortalAccount.family_id == row.family_id,
                PortalAccount.adult_id.is_(None)
                if row.adult_id is None
                else PortalAccount.adult_id == row.adult_id,
            )
        ).scalar()
    )


def upload_caller(state, cookie_header: str) -> WebParent:
    """The guard's check before a document's body is read: a logged-in parent, else the
    login page (a 303 the browser follows)."""
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        cookies = SimpleCookie()
    morsel = cookies.get(COOKIE)
    token = morsel.value if morsel and 20 <= len(morsel.value) <= 100 else None
    parent = find_web_parent(state, token)
    if parent is None:
        raise HTTPException(303, "Connectez-vous d'abord.", headers={"Location": LOGIN_PAGE})
    return parent


def _login_location(request: Request) -> str:
    wanted = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"{LOGIN_PAGE}?suite={quote(wanted, safe='')}"


def _any_parent(request: Request) -> WebParent:
    parent = find_web_parent(request.app.state, session_token(request))
    if parent is None:
        raise LoginRequired(_login_location(request))
    return parent


def _parent(request: Request) -> WebParent:
    parent = _any_parent(request)
    if parent.must_change_password and request.url.path != PASSWORD_PAGE:
        raise LoginRequired(PASSWORD_PAGE)
    return parent


WebParentDep = Annotated[WebParent, Depends(_parent)]
# The password page itself: a parent who must change it may be there.
WebParentAnyDep = Annotated[WebParent, Depends(_any_parent)]


def open_web_session(response: Response, request: Request, token: str) -> None:
    """Puts a session token opened by the login (PortalSessionRow) in the browser."""
    settings = request.app.state.settings
    response.set_cookie(
        COOKIE,
        token,
        max_age=settings.portal_session_hours * 3600,
        path="/portail",
        secure=settings.portal_cookie_secure,
        httponly=True,
        samesite="lax",
    )


def close_web_session(response: Response, request: Request) -> None:
    response.delete_cookie(
        COOKIE,
        path="/portail",
        secure=request.app.state.settings.portal_cookie_secure,
        httponly=True,
        samesite="lax",
    )


@router.post("/deconnexion")
def logout(request: Request, parent: WebParentAnyDep, form: CsrfFormDep) -> Response:
    """Closes the session in the base (the cookie alone would stay valid elsewhere)."""
    with request.app.state.sessions.begin() as session:
        session.execute(
            delete(PortalSessionRow).where(PortalSessionRow.token_hash == parent.token_hash)
        )
    response = see_other(LOGIN_PAGE, "Vous êtes déconnecté(e). À bientôt !")
    close_web_session(response, request)
    return response
