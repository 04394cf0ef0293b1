"""Screenshots of the families' portal, on a phone (375 px) and on a computer (1280 px), into
docs/screenshots/portal_<page>_<telephone|ordinateur>.png: the demo server
(eticket_central/demo.py: throwaway PostgreSQL, the demo town uploaded by the desk) seen in
Debian's chromium, as the demo's parent logged in with the letter's password.

Usage: uv run --extra test python scripts/portal_screenshots.py [--families 12] [--out DIR]
Each page's axe-core serious/critical violations are printed too (tests/browser asserts none).
A page not there yet (404) is said and left out; add the portal's new pages to PAGES.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eticket_central.demo import running_demo  # noqa: E402
from eticket_central.portal.web.cookies import COOKIE  # noqa: E402
from eticket_central.throwaway import free_port  # noqa: E402
from tests.browser.harness import (  # noqa: E402
    SIZES,
    axe_violations,
    full_page_png,
    start_browser,
    viewport,
)
from tests.central.portal_pages import csrf_of  # noqa: E402

# (name, path, whether the parent is logged in)
PAGES = (
    ("communes", "/portail/connexion", False),
    ("connexion", "/portail/{slug}/connexion", False),
    ("mot_de_passe_oublie", "/portail/{slug}/mot-de-passe-oublie", False),
    ("accueil", "/portail/", True),
    ("planning", "/portail/planning", True),
    ("planning_plage", "/portail/planning/plage", True),
    ("porte_monnaie", "/portail/porte-monnaie", True),
    ("factures", "/portail/factures", True),
    ("dossier", "/portail/dossier", True),
    ("documents", "/portail/documents", True),
    ("introuvable", "/portail/nulle-part", True),
)
NEW_PASSWORD = "Demo-portail-2026"


def _login(demo) -> str:
    answer = httpx.post(
        f"{demo.url}/portal/login",
        json={
            "tenant_id": str(demo.tenant_id),
            "login": demo.letter["login"],
            "password": demo.letter["password"],
        },
    )
    answer.raise_for_status()
    token = answer.json()["token"]
    # The letter's password is for once: the parent chooses theirs (the session stays open).
    with httpx.Client(base_url=demo.url, cookies={COOKIE: token}) as portal:
        page = portal.get("/portail/mot-de-passe")
        form = {
            "csrf": csrf_of(page.text),
            "actuel": demo.letter["password"],
            "nouveau": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
        }
        changed = portal.post("/portail/mot-de-passe", data=form)
        assert changed.status_code == 303, changed.text
    return token


def shoot(families: int, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with running_demo(families, "127.0.0.1", free_port()) as demo:
        token = _login(demo)
        driver = start_browser()
        try:
            for name, address, logged in PAGES:
                path = address.format(slug=demo.slug)
                driver.delete_all_cookies()
                driver.get(f"{demo.url}/portail/static/portail.css")
                if logged:
                    driver.add_cookie({"name": COOKIE, "value": token, "path": "/portail"})
                cookies = {COOKIE: token} if logged else {}
                status = httpx.get(f"{demo.url}{path}", cookies=cookies).status_code
                if status == 404 and name != "introuvable":
                    print(f"{name} : pas encore de page ({path}), pas de capture")
                    continue
                for device, size in SIZES.items():
                    viewport(driver, size)
                    driver.get(f"{demo.url}{path}")
                    target = out / f"portal_{name}_{device}.png"
                    target.write_bytes(full_page_png(driver, size))
                    written.append(target)
                    found = axe_violations(driver)
                    print(f"{target.name} : {len(found)} violation(s) graves {found or ''}")
        finally:
            driver.quit()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    shoot(args.families, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
