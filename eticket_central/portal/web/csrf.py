"""CSRF: every form sent to the portal carries a token that another site cannot know.

With a session, the token is derived from the session's secret token (a hash of it, under a
label): nothing to store, any instance of the server checks it, and it changes with each
login. Before a session (the login and password-reset forms), the token is a random value
also kept in a cookie of its own (double submit). Both travel beside SameSite=Lax cookies.
A form without the right token is refused with a French page (errors.py), nothing done."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from eticket_central.portal.web.cookies import session_token

ANONYMOUS_COOKIE = "portail_csrf"
FIELD = "csrf"
# What a page's form may hold (a family's planning form has a few hundred checkboxes).
MAX_FIELDS = 2000
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


class CsrfRefused(Exception):  # noqa: N818 (a refusal shown as a French page)
    pass


def _derived(token: str) -> str:
    return hashlib.sha256(b"eticket-portail-csrf\0" + token.encode()).hexdigest()


def anonymous_token(request: Request) -> str:
    """The pre-session token: the browser's cookie, or a new one render() will set."""
    token = request.cookies.get(ANONYMOUS_COOKIE, "")
    if len(token) != 43:
        token = getattr(request.state, "new_csrf", None) or secrets.token_urlsafe(32)
        request.state.new_csrf = token
    return token


def csrf_token(request: Request) -> str:
    token = session_token(request)
    return _derived(token) if token else anonymous_token(request)


def _check(request: Request, form: FormData) -> FormData:
    sent = form.get(FIELD)
    expected = csrf_token(request)
    if not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise CsrfRefused()
    return form


async def checked_form(request: Request) -> FormData:
    """The form's fields (no file accepted), after its token was checked."""
    form = await request.form(max_files=0, max_fields=MAX_FIELDS)
    return _check(request, form)


async def checked_upload(request: Request) -> FormData:
    """A form with one file (the body's size is capped before it is read: guard.py)."""
    form = await request.form(max_files=1, max_fields=20, max_part_size=UPLOAD_MAX_BYTES)
    return _check(request, form)


CsrfFormDep = Annotated[FormData, Depends(checked_form)]
UploadFormDep = Annotated[FormData, Depends(checked_upload)]
