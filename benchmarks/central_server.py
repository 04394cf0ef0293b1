"""What the benchmarks that start `eticket-central` in its own process share."""

from __future__ import annotations

import subprocess
import time

import httpx


def wait_for_server(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    """Returns once the server answers /health; stops the benchmark if it died or never did."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
        if server.poll() is not None:
            raise SystemExit("le serveur s'est arrêté au démarrage")
    raise SystemExit("le serveur ne répond pas")
