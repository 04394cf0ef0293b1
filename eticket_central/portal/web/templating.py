"""Pages are Jinja2 templates (eticket_central/portal/templates) rendered by `render()`,
which gives every page what base.html needs: the parent, the active menu entry, the CSRF
field and the message left by the previous form. French formats come from babel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from babel.dates import format_date, format_time
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from eticket_central.portal.web.csrf import ANONYMOUS_COOKIE, csrf_token
from eticket_central.portal.web.messages import clear_message, pending_message
from eticket_desk.rules.money import format_cents

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=TEMPLATES)

# The menu: (key, label, address). A page names its key as `active`.
MENU = (
    ("accueil", "Accueil", "/portail/"),
    ("planning", "Planning", "/portail/planning"),
    ("porte-monnaie", "Porte-monnaie", "/portail/porte-monnaie"),
    ("factures", "Factures", "/portail/factures"),
    ("dossier", "Dossier", "/portail/dossier"),
    ("documents", "Documents", "/portail/documents"),
)


def euros(cents: int) -> str:
    return format_cents(int(cents))


def date_longue(day: date) -> str:
    return format_date(day, "EEEE d MMMM y", locale="fr_FR")


def date_courte(day: date) -> str:
    return format_date(day, "dd/MM/y", locale="fr_FR")


def heure(moment: datetime) -> str:
    return format_time(moment, "HH:mm", locale="fr_FR")


templates.env.filters.update(
    euros=euros, date_longue=date_longue, date_courte=date_courte, heure=heure
)


def render(
    request: Request,
    name: str,
    parent=None,
    active: str | None = None,
    status: int = 200,
    **context,
) -> HTMLResponse:
    """The page `name` for `parent` (None on the pages before login)."""
    token = csrf_token(request)

    def csrf_field() -> Markup:
        return Markup('<input type="hidden" name="csrf" value="{}">').format(escape(token))

    pending = pending_message(request)
    message = context.pop("message", None) or pending
    response = templates.TemplateResponse(
        request,
        name,
        {
            "parent": parent,
            "active": active,
            "menu": MENU if parent is not None else (),
            "csrf_token": token,
            "csrf_field": csrf_field,
            "message": message,
            **context,
        },
        status_code=status,
    )
    if pending is not None:
        clear_message(response)
    new_csrf = getattr(request.state, "new_csrf", None)
    if new_csrf:
        response.set_cookie(
            ANONYMOUS_COOKIE,
            new_csrf,
            path="/portail",
            secure=request.app.state.settings.portal_cookie_secure,
            httponly=True,
            samesite="lax",
        )
    return response
