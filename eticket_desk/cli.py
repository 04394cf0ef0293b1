"""Command line: the GUI when no subcommand is given, and the scriptable commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eticket_desk import (
    __version__,
    cli_admin,
    cli_caf,
    cli_certificates,
    cli_debits,
    cli_finance,
    cli_pes,
    cli_reports,
)
from eticket_desk.paths import default_database_path
from eticket_desk.selftest import STEP_KEYS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="eticket-desk",
        description="Guichet des services périscolaires (cantine, garderie, bus, TAP).",
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="fichier de base de données (par défaut : dossier de l'utilisateur)",
    )
    parser.add_argument("--version", action="version", version=f"eticket-desk {__version__}")
    parser.add_argument(
        "--selftest",
        action="store_true",
        help="vérifie l'installation (base, PDF, fenêtre) dans un dossier temporaire, puis quitte",
    )
    parser.add_argument(
        "--selftest-skip",
        action="append",
        default=[],
        choices=STEP_KEYS,
        metavar="ÉTAPE",
        help="avec --selftest : une étape à ne pas faire (répétable ; "
        f"étapes : {', '.join(STEP_KEYS)})",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMANDE")

    demo = commands.add_parser("demo", help="crée une commune de démonstration réaliste")
    demo.add_argument("--families", type=int, default=300, help="nombre de familles (300)")
    demo.add_argument("--seed", type=int, default=1, help="graine du hasard (1)")
    demo.add_argument("--force", action="store_true", help="remplace un fichier existant")

    commands.add_parser("migrate", help="met la base à jour (fait aussi à chaque démarrage)")

    imports = commands.add_parser(
        "import", help="importe des familles et leurs inscriptions (CSV ou Excel)"
    )
    imports.add_argument("file", type=Path, help="fichier .csv ou .xlsx")
    imports.add_argument(
        "--dry-run", action="store_true", help="vérifie seulement, sans rien enregistrer"
    )
    imports.add_argument(
        "--skip-duplicates",
        action="store_true",
        help="ignore les enfants déjà dans la base (par défaut : fusionner)",
    )

    invoices = commands.add_parser("invoices", help="facturation des services post-payés")
    invoice_commands = invoices.add_subparsers(dest="invoice_command", metavar="ACTION")
    invoice_commands.required = True
    run = invoice_commands.add_parser(
        "run",
        help="émet les factures d'un mois et écrit leurs PDF (un par facture + un à imprimer)",
    )
    run.add_argument("--period", required=True, help="le mois facturé, AAAA-MM (2026-11)")
    run.add_argument("--out", type=Path, help="dossier des PDF (obligatoire sauf --dry-run)")
    run.add_argument(
        "--dry-run", action="store_true", help="montre ce qui serait facturé, sans rien émettre"
    )
    cli_pes.add_command(invoice_commands)
    cli_reports.add_commands(commands)
    cli_caf.add_command(commands)
    cli_debits.add_commands(commands)
    cli_admin.add_commands(commands)
    cli_finance.add_commands(commands)
    cli_certificates.add_commands(commands)
    return parser


def _db_path(args: argparse.Namespace) -> Path:
    return args.db if args.db is not None else default_database_path()


def _run_demo(args: argparse.Namespace) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.demo.town import DemoOptions, replace_with_demo_town

    path = _db_path(args)
    if args.families < 1 or args.families > 50_000:
        print("Le nombre de familles doit être compris entre 1 et 50 000.", file=sys.stderr)
        return 2
    if path.exists() and not args.force:
        print(
            f"Le fichier {path} existe déjà (ajoutez --force pour le remplacer).", file=sys.stderr
        )
        return 2
    path.parent.mkdir(parents=True, exist_ok=True)
    try:  # built beside, then renamed over the old file: a kill leaves the old base whole
        summary = replace_with_demo_town(
            path,
            DemoOptions(families=args.families, seed=args.seed),
            progress=lambda text: print(text, flush=True),
        )
    except DomainError as refused:
        print(refused.message, file=sys.stderr)
        return 2
    print(summary)
    return 0


def _run_migrate(args: argparse.Namespace) -> int:
    from eticket_desk.services.core.store import Store

    with Store(_db_path(args)) as store:
        print(f"Base à jour : {store.path}")
    return 0


def _run_import(args: argparse.Namespace) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.importing import import_file

    if not args.file.exists():
        print(f"Le fichier {args.file} n'existe pas.", file=sys.stderr)
        return 2
    with Store(_db_path(args)) as store:
        try:
            outcome = import_file(
                store,
                SYSTEM,
                args.file,
                dry_run=args.dry_run,
                skip_duplicates=args.skip_duplicates,
            )
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    print(outcome.text() if args.dry_run else outcome.sentence())
    return 0


def _run_invoices(args: argparse.Namespace) -> int:
    if args.invoice_command == "pes":
        return cli_pes.run_pes(args, _db_path(args))
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.rules.money import format_cents
    from eticket_desk.rules.text import first_upper
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.invoicing.documents import write_run_pdfs
    from eticket_desk.services.invoicing.drafts import describe, month_period
    from eticket_desk.services.invoicing.files import write_owed_pdfs
    from eticket_desk.services.invoicing.run import issue_run, preview_run

    if args.out is None and not args.dry_run:
        print("Indiquez le dossier des PDF avec --out DOSSIER.", file=sys.stderr)
        return 2

    def progress(step: str, done: int, total: int) -> None:
        if total and (done % 500 == 0 or done == total):
            print(f"  {step} : {done}/{total}", flush=True)

    with Store(_db_path(args)) as store:
        try:
            for label in write_owed_pdfs(store, SYSTEM, progress):  # a run killed after commit
                print(f"PDF manquants de la facturation {label} écrits.", flush=True)
            period = month_period(args.period)
            preview = preview_run(store, SYSTEM, period)
            print(f"{first_upper(period.label)} : {describe(preview)}.", flush=True)
            for reference, name in preview.already_invoiced:
                print(f"  déjà facturée pour cette période : {reference} {name}")
            if args.dry_run:
                return 0
            result = issue_run(store, SYSTEM, period)
            print(
                f"Émises : {result.invoices} facture(s), {result.first_number} à "
                f"{result.last_number}, {format_cents(result.total_cents)}.",
                flush=True,
            )
            # In the documents folder first (the run's archive, which settles what it owes),
            # then copied where asked.
            files, merged = write_run_pdfs(store, SYSTEM, result.run_id, None, progress)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    try:
        _copy_files([*files, merged], args.out)
    except OSError as error:
        print(
            f"Les PDF sont écrits dans {merged.parent}, mais pas copiés dans {args.out} ({error}).",
            file=sys.stderr,
        )
        return 1
    print(f"{len(files)} PDF dans {args.out}, à imprimer : {merged.name}")
    return 0


def _copy_files(files: list[Path], folder: Path) -> None:
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    for path in files:
        if path.parent.resolve() != folder.resolve():
            shutil.copy2(path, folder / path.name)


def _utf8_when_not_a_console() -> None:
    """Amounts are written with French spaces (U+202F, U+00A0) that Windows' cp1252 lacks: a
    command whose output went to a file or a pipe (a scheduled backup's log) wrote half a line
    and stopped on UnicodeEncodeError. Such output is UTF-8; a console shows every character
    already."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure") and not stream.isatty():
            stream.reconfigure(encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    _utf8_when_not_a_console()
    parser = _parser()
    args = parser.parse_args(argv)
    if args.selftest_skip and not args.selftest:
        parser.error("--selftest-skip ne va qu'avec --selftest")
    if args.selftest:
        from eticket_desk.selftest import run_selftest

        return run_selftest(skip=args.selftest_skip)
    if args.command is None:
        from eticket_desk.ui.app import run_gui

        return run_gui(args.db)
    handlers = {
        "demo": _run_demo,
        "migrate": _run_migrate,
        "import": _run_import,
        "invoices": _run_invoices,
        "attendance": lambda args: cli_reports.run_attendance(args, _db_path(args)),
        "meals": lambda args: cli_reports.run_meals(args, _db_path(args)),
        "caf": lambda args: cli_caf.run_caf(args, _db_path(args)),
        "debits": lambda args: cli_debits.run_debits(args, _db_path(args)),
        "export": lambda args: cli_finance.run_export(args, _db_path(args)),
        "certificates": lambda args: cli_certificates.run_certificates(args, _db_path(args)),
    }
    if args.command in cli_admin.HANDLERS:
        return cli_admin.HANDLERS[args.command](args, _db_path(args))
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
