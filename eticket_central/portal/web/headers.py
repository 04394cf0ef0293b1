"""Security headers on every answer of the server (a plain ASGI middleware).

The Content-Security-Policy allows no inline script or style and no foreign script, image or
frame; the portal cannot be framed (clickjacking); the browser never guesses a type (an
uploaded file is never run as HTML or script); pages holding a family's data are not kept in
shared caches. Forms may only be sent to this server, and to PayFiP (a payment form is
redirected there, and Chrome applies `form-action` to that redirect)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def content_security_policy(extra_form_targets: Iterable[str] = ()) -> str:
    form_targets = " ".join(["'self'", *extra_form_targets])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"font-src 'self'; connect-src 'self'; form-action {form_targets}; "
        "frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, extra_form_targets: Iterable[str] = ()) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(extra_form_targets),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = not scope["path"].startswith("/portail/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
                if private:
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)
