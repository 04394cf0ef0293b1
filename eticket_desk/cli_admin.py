"""The administrator's commands: backup, restore, check, export-family, anonymise and sync."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_commands(commands) -> None:
    backup = commands.add_parser("backup", help="sauvegarde la base (sans arrêter le programme)")
    backup.add_argument("--out", type=Path, help="fichier de la sauvegarde (par défaut : daté)")

    restore = commands.add_parser(
        "restore", help="remplace la base par une sauvegarde, après l'avoir vérifiée"
    )
    restore.add_argument("file", type=Path, help="fichier de la sauvegarde")

    commands.add_parser("check", help="vérifie la cohérence de la base (code 1 si anomalie)")

    export = commands.add_parser(
        "export-family", help="exporte toutes les données d'une famille (JSON et PDF)"
    )
    export.add_argument("reference", help="référence du dossier (F-000123)")
    export.add_argument("--out", type=Path, required=True, help="dossier où écrire l'export")

    anonymise = commands.add_parser(
        "anonymise", help="anonymise les familles parties depuis plus de N ans"
    )
    anonymise.add_argument("--years", type=int, default=3, help="années depuis le départ (3)")
    anonymise.add_argument(
        "--dry-run", action="store_true", help="liste seulement les familles concernées"
    )

    sync = commands.add_parser(
        "sync",
        help="synchronise avec le serveur central, en continu (Ctrl+C pour arrêter) ou une fois",
    )
    sync.add_argument(
        "--once", action="store_true", help="une seule fois (code 1 si le serveur ne répond pas)"
    )
    sync.add_argument(
        "--every", type=int, default=60, help="secondes entre deux synchronisations (60)"
    )


def run_backup(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.maintenance.backups import backup_now, backup_to

    if not db.exists():
        print(f"La base {db} n'existe pas.", file=sys.stderr)
        return 1
    with Store(db) as store:
        path = backup_to(store, args.out) if args.out else backup_now(store)
    print(f"Sauvegarde écrite : {path}")
    return 0


def run_restore(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.services.core.base_lock import BaseInUse
    from eticket_desk.services.core.restored import RELOAD_AT_NEXT_SYNC, is_marked_restored
    from eticket_desk.services.maintenance.backups import BadBackup, restore

    try:
        aside = restore(args.file, db)
    except (BadBackup, BaseInUse) as refused:
        print(refused.message, file=sys.stderr)
        print("Rien n'a été remplacé.", file=sys.stderr)
        return 1
    print(f"Base restaurée depuis {args.file}.")
    if aside.exists():
        print(f"L'ancienne base est gardée dans {aside}.")
    if is_marked_restored(db):
        print(RELOAD_AT_NEXT_SYNC)
    return 0


def run_check(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.services.core.store import Store
    from eticket_desk.services.maintenance.integrity import check

    if not db.exists():
        print(f"La base {db} n'existe pas.", file=sys.stderr)
        return 1
    with Store(db) as store:
        report = check(store)
    print(report.text())
    return 0 if report.ok else 1


def run_export_family(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.maintenance.privacy import export_family

    with Store(db) as store:
        try:
            files = export_family(store, SYSTEM, args.reference, args.out)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    for path in files:
        print(f"Écrit : {path}")
    return 0


def run_anonymise(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.maintenance.privacy import anonymise_gone_families

    with Store(db) as store:
        try:
            result = anonymise_gone_families(store, SYSTEM, args.years, dry_run=args.dry_run)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    for reference, name in result.families:
        print(f"  {reference} {name}")
    print(result.sentence())
    return 0


def run_sync_once(args: argparse.Namespace, db: Path) -> int:
    from eticket_desk.services.core.store import Store

    if not db.exists():
        print(f"La base {db} n'existe pas.", file=sys.stderr)
        return 1
    with Store(db) as store:
        if args.once:
            return _sync_and_say(store)
        if args.every < 5:
            print("L'intervalle doit être d'au moins 5 secondes.", file=sys.stderr)
            return 2
        try:
            while True:
                code = _sync_and_say(store)
                if code == 2:
                    return code
                time.sleep(args.every)
        except KeyboardInterrupt:
            print("Synchronisation arrêtée.")
            return 0


def _sync_and_say(store) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.syncing.cycle import run_sync
    from eticket_desk.services.syncing.status import sync_status

    try:
        report = run_sync(store)
    except DomainError as refused:  # no keyring on this computer: nothing can be sent
        print(refused.message, file=sys.stderr)
        return 2
    if report is None:
        print(
            "Synchronisation non configurée : enregistrez le serveur central dans "
            "Paramètres › Poste et sécurité.",
            file=sys.stderr,
        )
        return 2
    print(f"Envoyées : {report.pushed} opération(s), dont {report.duplicates} déjà reçue(s).")
    print(f"Refusées par le serveur : {report.rejected}.")
    for label in report.rejected_labels:
        print(f"  {label}")
    print(f"Reçues du serveur : {report.pulled} modification(s).")
    if report.full_reload:
        print("Rechargement complet depuis le serveur.")
    if not report.ok:
        print(f"Échec : {report.error}", file=sys.stderr)
    print(sync_status(store).text, flush=True)
    return 0 if report.ok else 1


HANDLERS = {
    "backup": run_backup,
    "restore": run_restore,
    "check": run_check,
    "export-family": run_export_family,
    "anonymise": run_anonymise,
    "sync": run_sync_once,
}
