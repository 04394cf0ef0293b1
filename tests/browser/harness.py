"""The real browser of the portal's tests: Debian's chromium, headless, driven by selenium
through Debian's own chromedriver (the same version as the browser, nothing downloaded at run
time), with axe-core injected in the page for the accessibility audit.

Selenium rather than raw CDP: WebDriver gives keyboard input (Tab), elements and waits as a
person meets them, in little code; the few things WebDriver lacks (an exact viewport, a
full-page screenshot) are one CDP command each through chromedriver (`execute_cdp_cmd`).
scripts/bootstrap.sh installs chromium, chromium-driver and unpacks axe-core into build/.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE_VERSION = "4.14.1"  # scripts/bootstrap.sh: AXE_VERSION
AXE = ROOT / "build" / f"axe-core-{AXE_VERSION}" / "axe.min.js"
PHONE = (375, 812)
DESKTOP = (1280, 900)
SIZES = {"telephone": PHONE, "ordinateur": DESKTOP}
SERIOUS = ("serious", "critical")


class HarnessMissing(RuntimeError):
    """What bootstrap.sh installs is not there: said plainly, the tests fail (never skip)."""


def _check_installed() -> None:
    for path in (CHROMIUM, CHROMEDRIVER, AXE):
        if not path.exists():
            raise HarnessMissing(f"{path} manque : lancez scripts/bootstrap.sh.")


def start_browser() -> webdriver.Chrome:
    """Headless chromium at the phone's width; --no-sandbox only as root (CI runs as root)."""
    _check_installed()
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    options.add_argument("--headless=new")
    options.add_argument(f"--window-size={DESKTOP[0]},{DESKTOP[1]}")
    options.add_argument("--disable-gpu")
    options.add_argument("--disable-dev-shm-usage")
    options.add_argument("--lang=fr-FR")
    options.add_argument("--hide-scrollbars")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options.add_argument("--no-sandbox")
    driver = webdriver.Chrome(options=options, service=Service(executable_path=str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def viewport(driver: webdriver.Chrome, size: tuple[int, int]) -> None:
    """The page laid out at exactly `size` CSS pixels (a phone's is a mobile viewport)."""
    width, height = size
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
    )


def axe_violations(driver: webdriver.Chrome) -> list[dict]:
    """axe-core's serious and critical violations of the page shown (WCAG 2.1 A/AA and best
    practices), each with its rule, what it says and the elements concerned."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: 'critical',"
        " help: String(e), nodes: []}]));"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [", ".join(n["target"]) for n in v["nodes"]],
        }
        for v in result
        if v["impact"] in SERIOUS
    ]


def links_shown(driver: webdriver.Chrome) -> list[str]:
    """The href of every link a person can see on the page, in document order."""
    return driver.execute_script(
        "return [...document.querySelectorAll('a[href]')].filter(a => a.getClientRects().length"
        " && getComputedStyle(a).visibility !== 'hidden').map(a => a.getAttribute('href'));"
    )


def tab_order(driver: webdriver.Chrome, limit: int = 200) -> list[str]:
    """What Tab reaches from the top of the page, in order, until it comes back round:
    each element as « tag href-or-name »."""
    driver.execute_script("document.activeElement && document.activeElement.blur();")
    reached: list[str] = []
    for _ in range(limit):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        name = driver.execute_script(
            "const e = document.activeElement; if (!e || e === document.body) return null;"
            "return e.tagName.toLowerCase() + ' ' + (e.getAttribute('href') ||"
            " e.getAttribute('name') || e.id || e.textContent.trim());"
        )
        if name is None or (reached and name == reached[0]):
            break
        reached.append(name)
    return reached


def full_page_png(driver: webdriver.Chrome, size: tuple[int, int]) -> bytes:
    """The whole page at `size`'s width, as tall as its content (a PNG)."""
    viewport(driver, size)
    height = driver.execute_script(
        "return Math.ceil(Math.max(document.documentElement.scrollHeight,"
        " document.body.scrollHeight));"
    )
    viewport(driver, (size[0], max(size[1], height)))
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png"})
    viewport(driver, size)
    return base64.b64decode(shot["data"])
