"""`eticket-central` as an administrator runs it: migrate an empty database, add a commune
and a desk (the token is printed once), serve on a loopback port, revoke the desk."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from eticket_central.cli import main
from eticket_central.throwaway import free_port
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import Desk, wallet_payload


def _command() -> str:
    found = shutil.which("eticket-central", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail("the eticket-central script is not installed (pyproject [project.scripts])")
    return found


def _run(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [_command(), "--database", url, *args], capture_output=True, text=True, timeout=60
    )


def test_migrate_register_a_desk_serve_and_revoke(pg_cluster):
    url = pg_cluster.create_database(f"cli_{uuid.uuid4().hex[:8]}")
    port = free_port()
    refused = subprocess.run(
        [_command(), "--database", url, "--port", str(port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1
    assert "lancez « eticket-central migrate »" in refused.stderr

    assert _run(url, "migrate").stdout.strip() == "Base à jour."
    tenant = _run(url, "add-tenant", "Commune de Neuvecelle")
    assert tenant.returncode == 0
    assert "Portail : /portail/neuvecelle/connexion" in tenant.stdout  # the letter's address
    again = _run(url, "add-tenant", "Commune de Neuvecelle")
    assert (again.returncode, again.stderr.strip()) == (
        1,
        "La commune « Commune de Neuvecelle » existe déjà.",
    )
    device = _run(url, "add-device", "Commune de Neuvecelle", "Accueil mairie")
    lines = dict(line.split(" : ", 1) for line in device.stdout.strip().splitlines())
    device_id = uuid.UUID(lines["Appareil"])
    token = lines["Jeton (affiché une seule fois)"]

    server = subprocess.Popen(
        [_command(), "--database", url, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    desk = Desk(f"http://127.0.0.1:{port}", device_id, token)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "the server did not answer within 30 s"
            time.sleep(0.1)
        answer = desk.push(desk.op(OpType.WALLET_ENTRY, **wallet_payload(uuid.uuid4(), 4)))
        assert answer[0]["status"] == "applied"

        revoked = _run(url, "revoke-device", str(device_id))
        assert revoked.stdout.strip() == "Appareil révoqué."
        assert desk.http.get("/sync/pull").status_code == 401
    finally:
        desk.close()
        server.terminate()
        server.wait(timeout=15)


def test_a_wrong_database_address_is_said_in_french(capsys):
    assert main(["--database", "mysql://localhost/x", "migrate"]) == 2
    assert "n'est pas une adresse PostgreSQL" in capsys.readouterr().err
