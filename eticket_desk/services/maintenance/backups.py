"""Backups of the store with SQLite's backup API (never a copy of the live file), their
rotation (7 daily + 4 weekly), and the restore that checks a file before replacing anything:
a sound SQLite file, a schema revision this program knows holding exactly the objects a new
base of that revision has (backup_schema.py: no extra trigger, view, table or index), and
data without anomalies. A restored desk registered with a server is marked: it reloads the
server's state before any new work (services/core/restored.py)."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from eticket_desk.models.database import HEAD_REVISION
from eticket_desk.paths import documents_folder
from eticket_desk.rules.errors import DomainError
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.base_lock import ensure_free
from eticket_desk.services.core.restored import mark_restored_file
from eticket_desk.services.core.settings import load_settings
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.maintenance.backup_schema import schema_faults
from eticket_desk.services.maintenance.integrity import check, check_in

log = logging.getLogger(__name__)

KEEP_DAILY = 7
KEEP_WEEKLY = 4
PREFIX = "eticket-"
SUFFIX = ".sqlite"
_STAMP = "%Y-%m-%d_%H%M%S"


class BadBackup(DomainError):
    """A file that cannot be restored: nothing was replaced."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    at: datetime


def backup_folder(store: Store, folder: str = "") -> Path:
    """The chosen folder, or `backups/` beside the base's documents in the user's data folder
    when none is chosen (never beside a base opened from a checkout or a USB key)."""
    return Path(folder) if folder else documents_folder(store.path).parent / "backups"


def backup_to(store: Store, target: Path) -> Path:
    """A consistent copy of the open store in `target`, through SQLite's online backup (a
    writer may go on meanwhile); written beside and renamed, so a cut leaves no half file."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(store.path, timeout=30)
    try:
        copy = sqlite3.connect(partial)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            copy.commit()
        finally:
            copy.close()
    finally:
        source.close()
    with open(partial, "rb+") as written:
        os.fsync(written.fileno())
    os.replace(partial, target)
    return target


def backup_now(store: Store, folder: Path | str | None = None) -> Path:
    """A dated backup in the folder (by default the one of the settings), then rotation."""
    if folder is None or folder == "":
        folder = backup_folder(store, load_settings(store).backup_folder)
    folder = Path(folder)
    now = store.clock.now()
    path = folder / f"{PREFIX}{now.strftime(_STAMP)}{SUFFIX}"
    backup_to(store, path)
    rotate(folder, now.date())
    return path


def backup_by(store: Store, actor: Actor) -> BackupInfo:
    """« Sauvegarder maintenant »: a backup to the folder of the settings, or a French refusal
    when the folder cannot be written (a USB key taken out, a share offline)."""
    actor.require(Permission.BACKUP)
    try:
        path = backup_now(store)
    except (OSError, sqlite3.Error) as error:
        raise DomainError(
            f"La sauvegarde n'a pas pu être écrite ({error}). Vérifiez que le dossier des "
            "sauvegardes est accessible (clé USB branchée, partage réseau disponible)."
        ) from error
    return BackupInfo(path, store.clock.now())


def automatic_backup(store: Store, *, only_if_due: bool = False) -> Path | None:
    """The backup at close (or, `only_if_due`, the first start of a day): never raises, a
    failure is logged and the next occasion tries again."""

    try:
        folder = load_settings(store).backup_folder
        if only_if_due and not daily_backup_due(store, folder):
            return None
        return backup_now(store, backup_folder(store, folder))
    except Exception:  # a backup must never stop the desk from starting or closing
        log.exception("automatic backup failed")
        return None


def list_backups(folder: Path | str) -> list[BackupInfo]:
    """The backups of a folder, newest first (files named by backup_now only)."""
    found = []
    for path in Path(folder).glob(f"{PREFIX}*{SUFFIX}"):
        try:
            at = datetime.strptime(path.name[len(PREFIX) : -len(SUFFIX)], _STAMP)
        except ValueError:
            continue
        found.append(BackupInfo(path, at))
    return sorted(found, key=lambda b: b.at, reverse=True)


def last_backup(store: Store, folder: str = "") -> BackupInfo | None:
    backups = list_backups(backup_folder(store, folder))
    return backups[0] if backups else None


def backups_to_keep(backups: list[BackupInfo], today: date) -> set[Path]:
    """The newest backup of each of the last 7 days, and of each of the 4 weeks before."""
    keep: set[Path] = set()
    days: set[date] = set()
    weeks: set[tuple[int, int]] = set()
    for backup in backups:  # newest first
        day = backup.at.date()
        if day > today - timedelta(days=KEEP_DAILY) and day not in days:
            days.add(day)
            keep.add(backup.path)
    for backup in backups:
        week = backup.at.date().isocalendar()[:2]
        if backup.path in keep or week in weeks:
            continue
        if backup.at.date() <= today - timedelta(days=KEEP_DAILY) and len(weeks) < KEEP_WEEKLY:
            weeks.add(week)
            keep.add(backup.path)
    return keep


def rotate(folder: Path | str, today: date) -> list[Path]:
    """Deletes the backups beyond 7 daily + 4 weekly; returns the deleted files."""
    backups = list_backups(folder)
    keep = backups_to_keep(backups, today)
    removed = [b.path for b in backups if b.path not in keep]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def daily_backup_due(store: Store, folder: str = "") -> bool:
    """True when no backup was made today (the first start of a day makes one)."""
    last = last_backup(store, folder)
    return last is None or last.at.date() < store.clock.today()


def verify_backup(path: Path | str) -> str:
    """Opens the file read only and checks it is a sound eticket-desk database of a schema
    this program knows; returns its schema revision or raises BadBackup (French message)."""
    path = Path(path)
    if not path.is_file():
        raise BadBackup(f"Le fichier {path} n'existe pas.")
    with open(path, "rb") as head:
        if head.read(16) != b"SQLite format 3\x00":
            raise BadBackup(f"Le fichier {path.name} n'est pas une base de données SQLite.")
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BadBackup(f"Le fichier {path.name} ne s'ouvre pas ({error}).") from error
    try:
        try:
            integrity = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        except sqlite3.DatabaseError as error:
            raise BadBackup(
                f"Le fichier {path.name} est endommagé ({error}) : il ne peut pas être restauré."
            ) from error
        if integrity != ["ok"]:
            raise BadBackup(
                f"Le fichier {path.name} est endommagé ({integrity[0]}) : "
                "il ne peut pas être restauré."
            )
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            connection.execute("SELECT 1 FROM family LIMIT 1")
        except sqlite3.DatabaseError as error:
            raise BadBackup(f"Le fichier {path.name} n'est pas une base eticket-desk.") from error
        if revision is None:
            raise BadBackup(f"Le fichier {path.name} n'est pas une base eticket-desk.")
        if revision[0] > HEAD_REVISION:
            raise BadBackup(
                f"Le fichier {path.name} vient d'une version plus récente du programme "
                f"(schéma {revision[0]}, celui-ci connaît {HEAD_REVISION}) : mettez d'abord "
                "le programme à jour."
            )
        try:
            faults = schema_faults(connection, revision[0])
        except Exception as error:  # a revision the migrations do not know
            raise BadBackup(
                f"Le fichier {path.name} porte un schéma inconnu de ce programme "
                f"({revision[0]}) : il ne peut pas être restauré."
            ) from error
        if faults:
            raise BadBackup(
                f"Le fichier {path.name} n'a pas la structure d'une base eticket-desk : il ne "
                "peut pas être restauré (rien n'a été remplacé).\n"
                + "\n".join(f"• {fault[0].upper()}{fault[1:]}." for fault in faults)
            )
        try:
            report = (
                _check_file(connection) if revision[0] == HEAD_REVISION else _check_older_file(path)
            )
        except Exception as error:  # a schema this check cannot read, a failed migration
            raise BadBackup(
                f"Le fichier {path.name} n'a pas pu être vérifié ({error}) : "
                "il ne peut pas être restauré."
            ) from error
        if not report.ok:
            raise BadBackup(
                f"Le fichier {path.name} a des anomalies : il ne peut pas être restauré.\n"
                + report.text()
            )
        return revision[0]
    finally:
        connection.close()


def _check_file(connection: sqlite3.Connection):
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool

    engine = create_engine("sqlite://", creator=lambda: connection, poolclass=StaticPool)
    try:
        with Session(engine) as session:
            return check_in(session)
    finally:
        engine.dispose(close=False)


def _check_older_file(path: Path):
    """A backup of an older schema: checked on a copy brought up to date, as it will be when
    the program opens it after the restore."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "verification.sqlite"
        shutil.copyfile(path, copy)
        with Store(copy) as upgraded:
            return check(upgraded)


def _fold_wal(database: Path) -> None:
    """Writes a closed database's WAL back into its file, so the file alone is whole."""
    try:
        connection = sqlite3.connect(database)
        try:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    except sqlite3.Error:
        pass  # a damaged file is set aside as it is, with its WAL beside it
    else:
        return
    for suffix in ("-wal", "-shm"):
        side = Path(f"{database}{suffix}")
        if side.exists():
            os.replace(side, side.with_name(side.name + ".avant-restauration"))


def restore(path: Path | str, target: Path | str) -> Path:
    """Replaces the database `target` (closed) by the checked backup `path`; the replaced
    file is kept aside (`<name>.avant-restauration-<date>`) and its path returned. A desk
    registered with a server is marked restored: it reloads the server's state at its next
    sync before any new work (services/core/restored.py)."""
    path, target = Path(path), Path(target)
    ensure_free(target)  # never under a window that has it open
    verify_backup(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime(_STAMP)
    aside = target.with_name(f"{target.name}.avant-restauration-{stamp}")
    incoming = target.with_name(target.name + ".restauration")
    shutil.copyfile(path, incoming)
    mark_restored_file(incoming, datetime.now(), path.name)
    with open(incoming, "rb+") as written:
        os.fsync(written.fileno())
    if target.exists():
        _fold_wal(target)
        os.replace(target, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, target)
    return aside
