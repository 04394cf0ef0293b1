"""The server's French refusals in one shape: `{"detail": "...", "errors": [...]}`.

Every request the server refuses before a route decides — invalid fields or unreadable JSON
or UTF-8 (422), a body too large (413), an unknown address or method — is answered in French;
the framework's own English words never reach a desk or a parent. A request that finds no
free connection, or waits too long for a lock or a statement, is told the server is busy
(503, to try again), wherever it happens — never a 500.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from eticket_desk.sync.protocol import french_errors

UNREADABLE = "corps de la requête : JSON illisible (texte UTF-8 attendu)"
# What the framework says in English, as a reader of this server would be told.
_ENGLISH = {
    "Not Found": "Adresse inconnue du serveur.",
    "Method Not Allowed": "Méthode non permise pour cette adresse.",
}
_FASTAPI_PARSE_ERROR = "There was an error parsing the body"


def invalid(errors: list[str], status_code: int = 422, headers=None) -> JSONResponse:
    return JSONResponse(
        status_code=status_code,
        content={
            "detail": "Requête refusée, rien n'a été appliqué : " + " ; ".join(errors),
            "errors": errors,
        },
        headers=headers,
    )


async def on_invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return invalid([UNREADABLE])
    return invalid(french_errors(errors))


async def on_http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
    """The routes' own refusals as they are; the framework's English ones in French."""
    if exc.status_code == 400 and exc.detail == _FASTAPI_PARSE_ERROR:
        return invalid([UNREADABLE])  # e.g. bytes that are not UTF-8
    detail = _ENGLISH.get(exc.detail, exc.detail) if isinstance(exc.detail, str) else exc.detail
    return JSONResponse({"detail": detail}, exc.status_code, headers=exc.headers)


# A lock or a statement waited too long, PostgreSQL is out of connections or lock memory,
# or it is shutting down: the request is worth trying again.
BUSY_STATES = frozenset({"55P03", "57014", "53300", "53200", "57P01"})
BUSY_DESK = "Le serveur est très occupé : la synchronisation reprendra d'elle-même."
BUSY_PARENT = "Le serveur est très occupé : réessayez dans un instant."


def is_busy(error: BaseException) -> bool:
    """Whether the database was too busy to answer (no connection, a timeout)."""
    if isinstance(error, PoolTimeout):
        return True
    return isinstance(error, DBAPIError) and getattr(error.orig, "sqlstate", None) in BUSY_STATES


def busy(path: str = "/sync/") -> JSONResponse:
    """503: the caller tries again later with the same request (nothing half-done shows)."""
    message = BUSY_PARENT if path.startswith("/portal") else BUSY_DESK
    return JSONResponse(status_code=503, content={"detail": message}, headers={"Retry-After": "5"})


async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
    """A route's database error: busy is a 503; anything else stays a fault (500, logged)."""
    if is_busy(exc):
        return busy(request.url.path)
    raise exc
