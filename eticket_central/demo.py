"""`eticket-central demo`: the server and its portal on a throwaway PostgreSQL, loaded with the
demo town, until Ctrl+C — for trying the portal as a parent, never for real data.

The desk's side (the demo town, the desk's first upload through the sync client, the portal
letter made by the desk's own service) runs in child processes (`eticket-desk demo`,
eticket_desk/services/demo/portal_upload.py): the server imports no desk service. The clock
starts on the demo town's today (a Monday of November 2026) and then runs, so the town's
weeks, deadlines and invoices are those of the portal's today. Ctrl+C (or SIGTERM) stops
uvicorn, stops PostgreSQL and deletes the cluster's and the desk's folders.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from eticket_central.app import Settings, create_app
from eticket_central.db import make_engine, migrate, session_factory
from eticket_central.models import Tenant
from eticket_central.tenants import add_device, add_tenant
from eticket_central.throwaway import ThrowawayCluster
from eticket_desk.clock import Clock

DEMO_TODAY = datetime(2026, 11, 23, 8, 0)  # eticket_desk.services.demo.town.DEMO_TODAY
COMMUNE = "Commune de démonstration"


class RunningClock(Clock):
    """Wall-clock time moved back or forth to start at `start`: the demo's today, running."""

    def __init__(self, start: datetime) -> None:
        self.offset = start - super().now()

    def now(self) -> datetime:
        return super().now() + self.offset


def _run(step: str, command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{step} a échoué :\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _stop_on_sigterm() -> None:
    def stop(_signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


@dataclass(frozen=True)
class Demo:
    """The running demo: where the portal is, and the letter of one family's guardian."""

    url: str
    tenant_id: uuid.UUID
    slug: str  # the commune in the portal's address: /portail/<slug>/connexion
    app: FastAPI
    letter: dict[str, str]  # family, guardian, login, password
    thread: threading.Thread  # uvicorn's


@contextlib.contextmanager
def running_demo(families: int, host: str, port: int, say=print) -> Iterator[Demo]:
    """PostgreSQL, the server and the uploaded town, for the `with` block; then nothing left
    (the server stopped, the cluster and the desk's folder deleted), whatever happened."""
    work = Path(tempfile.mkdtemp(prefix="eticket-demo-"))
    cluster = ThrowawayCluster()
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None
    try:
        say("Démarrage de PostgreSQL (base jetable)…")
        cluster.start()
        database = cluster.create_database("eticket_demo")
        engine = make_engine(database, pool_size=2)
        migrate(engine)
        sessions = session_factory(engine)
        clock = RunningClock(DEMO_TODAY)
        tenant_id = add_tenant(sessions, COMMUNE, clock.now())
        with sessions() as session:
            slug = session.get(Tenant, tenant_id).slug
        device = add_device(sessions, str(tenant_id), "Accueil mairie (démo)", clock.now())
        engine.dispose()
        # Plain HTTP on loopback: the session cookie cannot be Secure there.
        app = create_app(database, clock=clock, settings=Settings(portal_cookie_secure=False))
        config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"Le serveur ne démarre pas sur {host}:{port}.")
            time.sleep(0.05)
        url = f"http://{host}:{port}"
        say(f"Création de la ville de démonstration ({families} familles)…")
        desk = work / "guichet.sqlite"
        _run(
            "La ville de démonstration",
            [sys.executable, "-m", "eticket_desk.cli", "--db", str(desk), "demo",
             "--families", str(families)],
        )  # fmt: skip
        say("Premier envoi du guichet au serveur…")
        letter = json.loads(
            _run(
                "Le premier envoi du guichet",
                [sys.executable, "-m", "eticket_desk.services.demo.portal_upload", str(desk),
                 url, str(device.device_id), device.token],
            ).splitlines()[-1]
        )  # fmt: skip
        demo = Demo(url, tenant_id, slug, app, letter, thread)
        yield demo
        if not thread.is_alive():
            raise RuntimeError("Le serveur s'est arrêté.")
    finally:
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout=10)
        cluster.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(families: int, host: str, port: int) -> int:
    """The command: the demo until Ctrl+C (or SIGTERM), what a parent needs printed."""
    _stop_on_sigterm()
    try:
        with running_demo(families, host, port, say=lambda text: print(text, flush=True)) as demo:
            letter = demo.letter
            print(
                "\nLe portail des familles est prêt.\n"
                f"  Adresse : {demo.url}/portail/{demo.slug}/connexion\n"
                f"  Commune : {COMMUNE} (identifiant {demo.tenant_id})\n"
                f"  Famille : {letter['family']} — {letter['guardian']}\n"
                f"  Identifiant : {letter['login']}\n"
                f"  Mot de passe à usage unique : {letter['password']}\n"
                "Ctrl+C arrête le serveur et efface la base.",
                flush=True,
            )
            while demo.thread.is_alive():
                demo.thread.join(0.5)
    except KeyboardInterrupt:
        print("\nArrêt du serveur de démonstration…", flush=True)
        return 0
    except RuntimeError as error:
        print(error, file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m eticket_central.demo", description="Serveur de démonstration du portail."
    )
    parser.add_argument("--families", type=int, default=20, help="nombre de familles (20)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8600)
    args = parser.parse_args(argv)
    return run(args.families, args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
