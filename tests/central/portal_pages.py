"""What the tests of the portal's pages share: a family pushed by a desk, a parent logged in
on the pages (a session opened in the base, its token in the browser's cookie), and the CSRF
token read from a page's form."""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from eticket_central.models import PortalSessionRow
from eticket_central.portal.web.cookies import COOKIE
from eticket_central.tokens import hash_secret
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import SCHOOL, child, family_payload

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class ParentPages:
    """A logged-in parent's browser on the portal (no redirect followed on its own)."""

    family_id: uuid.UUID
    children: dict[str, uuid.UUID]
    http: httpx.Client
    token: str
    extra: dict = field(default_factory=dict)

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post_form(self, path: str, data: dict, page: str | None = None) -> httpx.Response:
        """Posts `data` with the CSRF token of `page` (default: the same address)."""
        token = csrf_of(self.http.get(page or path).text)
        return self.http.post(path, data={**data, "csrf": token})

    def close(self) -> None:
        self.http.close()


def csrf_of(html: str) -> str:
    found = _CSRF.search(html)
    assert found, "la page n'a pas de formulaire avec son jeton CSRF"
    return found.group(1)


def open_session(central, tenant_id: uuid.UUID, family_id: uuid.UUID) -> str:
    """A portal session for the family, as the login opens one; its token."""
    token = secrets.token_urlsafe(32)
    with central.sessions.begin() as session:
        session.add(
            PortalSessionRow(
                token_hash=hash_secret(token),
                tenant_id=tenant_id,
                family_id=family_id,
                expires_at=central.clock.now() + timedelta(hours=8),
            )
        )
    return token


def browser(central, token: str | None = None) -> httpx.Client:
    cookies = {COOKIE: token} if token else {}
    return httpx.Client(base_url=central.url, cookies=cookies, timeout=30)


def logged_in_parent(
    central, commune, desk, children: tuple[str, ...] = ("Léa",), **family
) -> ParentPages:
    """A family with `children` at SCHOOL pushed by `desk`, and its parent logged in."""
    family_id = uuid.uuid4()
    kids = {name: uuid.uuid4() for name in children}
    payload = family_payload(
        family_id,
        children=[child(kid, SCHOOL, first_name=name) for name, kid in kids.items()],
        **family,
    )
    answer = desk.push(desk.op(OpType.FAMILY_UPSERT, **payload))[0]
    assert answer["status"] == "applied", answer
    token = open_session(central, commune.tenant_id, family_id)
    return ParentPages(family_id, kids, browser(central, token), token)
