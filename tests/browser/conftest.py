"""Fixtures of the portal's browser tests: the server of tests/central over the test
PostgreSQL, a commune with one family whose parent is logged in through the portal's cookie,
and one headless chromium for the whole session (tests/browser/harness.py). The time of each
browser test is printed at the end of the run."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import httpx
import pytest
from argon2 import PasswordHasher

from eticket_central.portal.web.cookies import COOKIE
from eticket_desk.sync.protocol import OpType
from tests.browser.harness import start_browser
from tests.central.conftest import (  # noqa: F401 (fixtures)
    _central_module,
    central,
    commune,
    database_url,
    db,
    pg_cluster,
)
from tests.central.helpers import SCHOOL, child, family_payload, invoice_payload

_TIMES: dict[str, float] = {}


@pytest.fixture(scope="session")
def browser():
    started = time.perf_counter()
    driver = start_browser()
    _TIMES["(démarrage de chromium)"] = time.perf_counter() - started
    yield driver
    driver.quit()


def pytest_runtest_logreport(report):
    if "tests/browser/" in report.nodeid and report.when in ("setup", "call", "teardown"):
        _TIMES[report.nodeid] = _TIMES.get(report.nodeid, 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if not _TIMES:
        return
    terminalreporter.section("browser tests: time")
    for name, seconds in _TIMES.items():
        terminalreporter.write_line(f"{seconds:6.2f} s  {name}")
    terminalreporter.write_line(f"{sum(_TIMES.values()):6.2f} s  in all")


PASSWORD = "Soleil2026"


@dataclass(frozen=True)
class PortalParent:
    """A family of the commune whose parent has a portal session (its token: the cookie)."""

    family_id: uuid.UUID
    login: str
    token: str
    url: str  # the server's


@pytest.fixture
def portal_parent(central, commune) -> PortalParent:  # noqa: F811
    """The Dupont family (Léa at school, an invoice of 42,50 € to pay), pushed by a desk,
    and its parent logged in with the password the desk set."""
    desk = commune.desk()
    family_id, child_id, invoice_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    login = f"dupont.{family_id.hex[:6]}"
    portal = {"login": login, "password_hash": PasswordHasher().hash(PASSWORD)}
    answers = desk.push(
        desk.op(
            OpType.FAMILY_UPSERT,
            **family_payload(family_id, children=[child(child_id, SCHOOL)], portal=portal),
        ),
        desk.op(OpType.INVOICE_ISSUE, **invoice_payload(family_id, invoice_id, 4250)),
    )
    assert [a["status"] for a in answers] == ["applied", "applied"], answers
    answer = httpx.post(
        f"{central.url}/portal/login",
        json={"tenant_id": str(commune.tenant_id), "login": login, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return PortalParent(family_id, login, answer.json()["token"], central.url)


@pytest.fixture
def logged_in(browser, portal_parent):
    """The browser with the parent's session cookie (HttpOnly, path /portail), as the login
    page would leave it; the page to open next is the test's."""
    browser.delete_all_cookies()
    browser.get(f"{portal_parent.url}/portail/static/portail.css")  # on the portal's origin
    browser.add_cookie(
        {"name": COOKIE, "value": portal_parent.token, "path": "/portail", "httpOnly": True}
    )
    return browser
