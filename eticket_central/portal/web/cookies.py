"""The session cookie's name and how its token is read (session.py and csrf.py share it)."""

from __future__ import annotations

from fastapi import Request

COOKIE = "portail_session"


def session_token(request: Request) -> str | None:
    token = request.cookies.get(COOKIE, "")
    return token if 20 <= len(token) <= 100 else None
