"""`eticket-central demo`: the portal on a throwaway database with the demo town, the login
printed for a parent; Ctrl+C leaves no process and no folder behind."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from eticket_central.throwaway import free_port


def _processes_under(folder: Path) -> list[str]:
    """The command lines of running processes that name `folder` (PostgreSQL's do)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:
                continue
            if str(folder) in line:
                found.append(line)
    return found


def test_the_demo_prints_a_parent_login_that_opens_a_session_and_ctrl_c_cleans_up():
    folder = Path(tempfile.mkdtemp(prefix="eticket-demo-test-"))
    folder.chmod(0o755)  # PostgreSQL runs as « postgres » when the tests run as root
    port = free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "eticket_central.cli",
            "--port",
            str(port),
            "demo",
            "--families",
            "6",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "TMPDIR": str(folder)},
    )
    try:
        printed = []
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            assert line, "".join(printed)  # the demo stopped before it was ready
            printed.append(line)
            if line.startswith("Ctrl+C"):
                break
        text = "".join(printed)
        address = re.search(
            r"Adresse : (http://127\.0\.0\.1:\d+/portail/[a-z0-9-]+/connexion)", text
        )
        assert address, text
        tenant = re.search(r"Commune : Commune de démonstration \(identifiant (\S+)\)", text)
        login = re.search(r"Identifiant : (\S+)", text)
        password = re.search(r"Mot de passe à usage unique : (\S+)", text)
        assert tenant and login and password, text
        # The printed address is the commune's login page: the letter's password opens it.
        with httpx.Client() as browser:
            page = browser.get(address[1])
            token = re.search(r'name="csrf" value="([^"]+)"', page.text)
            assert page.status_code == 200 and token, page.text
            form = {"csrf": token[1], "identifiant": login[1], "mot_de_passe": password[1]}
            logged = browser.post(address[1], data=form)
        assert logged.status_code == 303, logged.text
        assert logged.headers["location"] == "/portail/mot-de-passe"  # the letter's is one-time
        assert _processes_under(folder)  # PostgreSQL runs in the demo's folder

        answer = httpx.post(
            f"http://127.0.0.1:{port}/portal/login",
            json={"tenant_id": tenant[1], "login": login[1], "password": password[1]},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["token"]

        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=60) == 0
        assert "Arrêt du serveur de démonstration" in demo.stdout.read()
        assert _processes_under(folder) == []
        assert list(folder.iterdir()) == []
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait()
        shutil.rmtree(folder, ignore_errors=True)
