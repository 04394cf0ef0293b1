"""A throwaway PostgreSQL cluster on a loopback port, for the tests and the benchmark.

Debian's `postgresql` package puts initdb and pg_ctl in /usr/lib/postgresql/<version>/bin
(not on PATH). PostgreSQL refuses to run as root, so when we are root the cluster belongs
to the `postgres` system user (the package creates it) and lives in a fresh temporary folder.

The Windows test run (scripts/windows_suite.sh) cannot start Debian's pg_ctl from Windows'
Python: the script starts a cluster on the Linux side (`python -m eticket_central.throwaway`)
and the tests reach it through $ETICKET_TEST_PG_URL (`cluster_for_tests`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import psycopg

# Durability is pointless in a cluster thrown away at the end; the benchmark keeps the default.
FAST_SETTINGS = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


class ClusterError(RuntimeError):
    """PostgreSQL could not be found or started; the message says what to install or read."""


def find_bin_dir() -> Path:
    """The folder holding initdb and pg_ctl: $ETICKET_PG_BIN, PATH, then Debian's layout."""
    candidates: list[Path] = []
    if os.environ.get("ETICKET_PG_BIN"):
        candidates.append(Path(os.environ["ETICKET_PG_BIN"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in path.parent.name.split(".") if p.isdigit())

    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    candidates.extend(debian)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise ClusterError(
        "PostgreSQL est introuvable (initdb, pg_ctl) : installez le paquet Debian "
        "« postgresql » (scripts/bootstrap.sh le fait) ou indiquez son dossier bin dans "
        "ETICKET_PG_BIN."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayCluster:
    """initdb in a temporary folder, pg_ctl start on 127.0.0.1:<free port>, stop and delete."""

    def __init__(self, *, fast: bool = True) -> None:
        self.bin_dir = find_bin_dir()
        self.fast = fast
        self.port = 0
        self.root = Path(tempfile.mkdtemp(prefix="eticket-pg-"))
        self.data = self.root / "data"
        self._user: str | None = None
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            import pwd  # POSIX only

            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise ClusterError(
                    "Les tests tournent en root et l'utilisateur système « postgres » "
                    "n'existe pas : installez le paquet Debian « postgresql »."
                ) from None
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
            self._user = "postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin_dir / args[0]), *args[1:]],
            user=self._user,
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "LC_ALL": "C", "LANG": "C"},
        )

    def start(self) -> ThrowawayCluster:
        done = self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
            "--no-locale", "--no-sync",
        )  # fmt: skip
        if done.returncode != 0:
            raise ClusterError(f"initdb a échoué :\n{done.stdout}\n{done.stderr}")
        settings = FAST_SETTINGS if self.fast else ()
        for _attempt in range(3):
            self.port = free_port()
            options = [
                f"-p {self.port}",
                "-h 127.0.0.1",
                f"-k {self.data}",
                "-c max_connections=200",
            ]
            options += [f"-c {s}" for s in settings]
            done = self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log_path),
                "-w", "-t", "60", "-o", " ".join(options), "start",
            )  # fmt: skip
            if done.returncode == 0:
                return self
        log = self.log_path.read_text(errors="replace")[-3000:]
        raise ClusterError(f"PostgreSQL n'a pas démarré :\n{done.stdout}\n{done.stderr}\n{log}")

    @property
    def log_path(self) -> Path:
        return self.root / "server.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        clause = f' TEMPLATE "{template}"' if template else ""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"{clause}')
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> ThrowawayCluster:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class SharedServer:
    """A server started by someone else, given by $ETICKET_TEST_PG_URL (its log by
    $ETICKET_TEST_PG_LOG): the same methods as ThrowawayCluster. Each database it makes has a
    name of its own run, and is dropped at stop, so runs never meet."""

    def __init__(self, url: str, log_path: str) -> None:
        self._base = url.rstrip("/").rsplit("/", 1)[0]
        self.log_path = Path(log_path)
        self._run = uuid.uuid4().hex[:8]
        self._made: dict[str, str] = {}  # asked name → this run's name

    def start(self) -> SharedServer:
        try:
            with psycopg.connect(self.url(), autocommit=True, connect_timeout=10):
                pass
        except psycopg.Error as error:
            raise ClusterError(
                f"Le serveur PostgreSQL {self._base} ne répond pas : {error}"
            ) from None
        return self

    def url(self, database: str = "postgres") -> str:
        return f"{self._base}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        own = f"{name}_{self._run}"
        source = self._made.get(template, template) if template else None
        clause = f' TEMPLATE "{source}"' if source else ""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{own}"{clause}')
        self._made[name] = own
        return self.url(own)

    def stop(self) -> None:
        with (
            contextlib.suppress(psycopg.Error),
            psycopg.connect(self.url(), autocommit=True) as connection,
        ):
            for own in reversed(list(self._made.values())):
                connection.execute(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)')


def cluster_for_tests() -> ThrowawayCluster | SharedServer:
    """The server given by $ETICKET_TEST_PG_URL, else a new throwaway cluster (not started)."""
    url = os.environ.get("ETICKET_TEST_PG_URL")
    if url:
        return SharedServer(url, os.environ.get("ETICKET_TEST_PG_LOG", ""))
    return ThrowawayCluster()


def serve() -> None:
    """Starts a cluster, prints its URL and log on one line, and holds it until stdin closes."""
    with ThrowawayCluster() as cluster:
        print(cluster.url(), cluster.log_path, flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    serve()
