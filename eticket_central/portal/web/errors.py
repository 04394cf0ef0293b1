"""What a parent sees when a page cannot answer: French pages, never the server's JSON.

Not logged in: a 303 to the login page. A form without its CSRF token: 403. An unknown page,
or an id that is not the family's (another family's invoice is as unknown as a missing one):
404. The database too busy: 503, to try again. The JSON endpoints keep their JSON answers."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from eticket_central.answers import (
    is_busy,
    on_database_error,
    on_http_error,
    on_invalid_request,
)
from eticket_central.portal.web.csrf import CsrfRefused
from eticket_central.portal.web.session import LoginRequired, find_web_parent, session_token
from eticket_central.portal.web.templating import render

TITLES = {
    400: "Demande incomplète",
    403: "Action refusée",
    404: "Page introuvable",
    405: "Action impossible",
    413: "Fichier trop volumineux",
    429: "Trop de tentatives",
    503: "Service momentanément indisponible",
}
TEXTS = {
    400: "Cette demande est incomplète ou mal formée. Revenez à la page précédente et réessayez.",
    403: "Ce formulaire a expiré ou ne vient pas du portail : rien n'a été enregistré. "
    "Rechargez la page et recommencez.",
    404: "Cette page n'existe pas, ou ce que vous cherchez n'est pas dans votre dossier.",
    405: "Cette adresse ne permet pas cette action.",
    503: "Le serveur est très occupé : rien n'a été enregistré. Réessayez dans un instant.",
}


_FRAMEWORK_WORDS = {"Not Found", "Method Not Allowed", "Unauthorized", "Forbidden", "Bad Request"}


def is_page(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/portail") and not path.startswith("/portail/static/")


def error_page(request: Request, status: int, text: str | None = None) -> Response:
    parent = None
    try:
        parent = find_web_parent(request.app.state, session_token(request))
    except (PoolTimeout, DBAPIError):
        parent = None  # the page still answers when the base cannot
    return render(
        request,
        "erreur.html",
        parent,
        status=status,
        title=TITLES.get(status, "Erreur"),
        text=text or TEXTS.get(status, "Une erreur est survenue."),
    )


def install_error_pages(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, _exc: CsrfRefused) -> Response:
        return error_page(request, 403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if not is_page(request):
            return await on_http_error(request, exc)
        text = exc.detail if isinstance(exc.detail, str) else None
        if text in _FRAMEWORK_WORDS or exc.status_code in (404, 405):
            text = None  # the framework's English words, or a 404 that says nothing more
        response = error_page(request, exc.status_code, text)
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if not is_page(request):
            return await on_invalid_request(request, exc)
        return error_page(request, 400)

    async def database_error(request: Request, exc: Exception) -> Response:
        if is_page(request) and is_busy(exc):
            response = error_page(request, 503)
            response.headers["Retry-After"] = "5"
            return response
        return await on_database_error(request, exc)

    app.add_exception_handler(PoolTimeout, database_error)
    app.add_exception_handler(DBAPIError, database_error)
