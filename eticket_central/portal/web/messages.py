"""The answer after a form: a 303 to the next page, with a message shown there once.

The message travels in a short cookie read and cleared by the next page (render()); its text
is escaped like everything a template shows."""

from __future__ import annotations

import base64
import json

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

COOKIE = "portail_message"
KINDS = ("ok", "erreur", "info")


def see_other(url: str, message: str | None = None, kind: str = "ok") -> RedirectResponse:
    if not url.startswith("/") or url.startswith("//"):
        url = "/portail/"  # only this server's pages
    response = RedirectResponse(url, status_code=303)
    if message:
        kind = kind if kind in KINDS else "info"
        data = json.dumps({"kind": kind, "text": message[:500]}).encode()
        value = base64.urlsafe_b64encode(data).decode()
        response.set_cookie(
            COOKIE, value, max_age=300, path="/portail", httponly=True, samesite="lax"
        )
    return response


def pending_message(request: Request) -> dict[str, str] | None:
    """The message left by the previous answer, if any (read once)."""
    raw = request.cookies.get(COOKIE)
    if not raw or len(raw) > 2000:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(raw.encode()))
        kind, text = str(data["kind"]), str(data["text"])
    except (ValueError, KeyError, TypeError):
        return None
    return {"kind": kind if kind in KINDS else "info", "text": text[:500]}


def clear_message(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/portail", httponly=True, samesite="lax")
