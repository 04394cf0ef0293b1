"""The guard in front of every route (a plain ASGI middleware): the caller is authenticated
and the body's size is capped before a byte of the body is read.

Each route family has its limit: a desk's push carries up to PUSH_BATCH ops (about 1.3 MB
for 500 dossiers; 16 MB leaves room for long notes), a parent's requests a few kilobytes.
A declared Content-Length over the limit is refused at once (413); a chunked body is counted
as it arrives and refused as soon as it passes the limit. Before that, a /sync or /portal
request must carry a valid token (401), so that an anonymous caller never makes the server
read, buffer or parse anything. The caller is left in the request's state for the routes.
The body read here is handed to the route as it came: it is read once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import anyio
from fastapi import HTTPException
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from eticket_central.answers import busy, invalid, is_busy
from eticket_central.auth import device_caller
from eticket_central.portal.parents import parent_caller
from eticket_central.portal.web.csrf import UPLOAD_MAX_BYTES
from eticket_central.portal.web.session import upload_caller
from eticket_central.portal.web.templating import render

MB = 1024 * 1024


@dataclass(frozen=True)
class RouteFamily:
    prefix: str
    max_bytes: int
    # The caller from (app state, the `credential` header), or HTTPException; None: anyone.
    authenticate: Callable | None = None
    credential: str = "authorization"


PUSH_MAX_BYTES = 16 * MB


def route_families(push_max_bytes: int = PUSH_MAX_BYTES) -> tuple[RouteFamily, ...]:
    """The route families; the first whose prefix the path starts with applies."""
    return (
        RouteFamily("/sync/push", push_max_bytes, device_caller),
        RouteFamily("/sync/", 16 * 1024, device_caller),
        RouteFamily("/portal/login", 4 * 1024),
        RouteFamily("/portal/", 32 * 1024, parent_caller),
        # The portal's pages: a parent's document (5 MB) only from a logged-in parent.
        RouteFamily("/portail/documents", UPLOAD_MAX_BYTES + 64 * 1024, upload_caller, "cookie"),
        RouteFamily("/portail/", 64 * 1024),
        RouteFamily("/", 16 * 1024),
    )


FAMILIES = route_families()


def _readable(size: int) -> str:
    return f"{size // MB} Mo" if size >= MB else f"{size // 1024} Ko"


def too_large(limit: int) -> JSONResponse:
    return invalid(
        [f"corps de la requête : plus de {_readable(limit)}, la limite de cette adresse"], 413
    )


def _too_large_for(scope: Scope, limit: int) -> Response:
    """413: JSON for the desks and the JSON endpoints, a French page for a parent's browser
    (a document over 5 Mo is refused before it is read, the page says why)."""
    if not scope["path"].startswith("/portail"):
        return too_large(limit)
    if scope["path"].startswith("/portail/documents"):
        title = "Fichier trop volumineux"
        text = (
            f"Ce fichier dépasse {_readable(UPLOAD_MAX_BYTES)} : rien n'a été envoyé. Réduisez-"
            "le (une photo moins grande, un PDF compressé) et recommencez."
        )
    else:
        title = "Formulaire trop volumineux"
        text = "Ce formulaire est trop volumineux : rien n'a été enregistré."
    return render(Request(scope), "erreur.html", None, status=413, title=title, text=text)


class Guard:
    def __init__(self, app: ASGIApp, families: tuple[RouteFamily, ...] = FAMILIES) -> None:
        self.app = app
        self.families = families

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        family = next(f for f in self.families if scope["path"].startswith(f.prefix))
        refusal = self._declared_size_refusal(Headers(scope=scope), family)
        if refusal is not None and refusal.status_code == 413:
            refusal = _too_large_for(scope, family.max_bytes)
        if refusal is None and family.authenticate is not None:
            refusal = await self._authenticate(scope, family)
        if refusal is None:
            body = await _read(receive, family.max_bytes)
            if body is None:
                refusal = _too_large_for(scope, family.max_bytes)
        if refusal is not None:
            # Closed after the answer: the rest of an unread body is never read.
            refusal.headers["Connection"] = "close"
            await refusal(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    @staticmethod
    def _declared_size_refusal(headers: Headers, family: RouteFamily) -> JSONResponse | None:
        declared = headers.get("content-length")
        if declared is None:
            return None
        if not declared.isdigit():
            return invalid(["en-tête Content-Length : nombre d'octets attendu"], 400)
        if int(declared) > family.max_bytes:
            return too_large(family.max_bytes)
        return None

    @staticmethod
    async def _authenticate(scope: Scope, family: RouteFamily) -> JSONResponse | None:
        header = Headers(scope=scope).get(family.credential, "")
        try:
            caller = await anyio.to_thread.run_sync(family.authenticate, scope["app"].state, header)
        except HTTPException as refusal:
            return JSONResponse(
                {"detail": refusal.detail}, refusal.status_code, headers=refusal.headers
            )
        except (PoolTimeout, DBAPIError) as error:
            if is_busy(error):
                return busy(scope["path"])
            raise
        scope.setdefault("state", {})["caller"] = caller
        return None


async def _read(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it passes `limit` (the rest is never read)."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break  # the client left: the route will notice
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
