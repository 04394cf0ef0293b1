"""Command line of SEPA direct debits: `debits export --run AAAA-MM --out FICHIER.xml` writes
the pain.008 of a month's invoice run (without --run: every invoice due for debit); `--dry-run`
shows the batch (totals per sequence type, invoices left out) without writing anything."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_commands(commands) -> None:
    debits = commands.add_parser("debits", help="prélèvements SEPA (fichier pain.008)")
    actions = debits.add_subparsers(dest="debit_command", metavar="ACTION")
    actions.required = True
    export = actions.add_parser(
        "export", help="écrit le fichier de prélèvement d'une facturation et règle ses factures"
    )
    export.add_argument(
        "--run", metavar="AAAA-MM", help="le mois facturé (2026-11) ; par défaut toutes"
    )
    export.add_argument("--out", type=Path, help="fichier XML à écrire (sauf --dry-run)")
    export.add_argument(
        "--dry-run", action="store_true", help="montre le lot, sans rien écrire ni régler"
    )


def run_debits(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.rules.money import format_cents
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.invoicing.debit_export import export_batch
    from eticket_desk.services.invoicing.debit_preview import preview_batch
    from eticket_desk.services.invoicing.debit_queries import month_run

    if args.out is None and not args.dry_run:
        print("Indiquez le fichier à écrire avec --out FICHIER.xml.", file=sys.stderr)
        return 2
    with Store(db_path) as store:
        try:
            run_id = month_run(store, SYSTEM, args.run) if args.run else None
            preview = preview_batch(store, SYSTEM, run_id)
            print(
                f"{preview.run_label[:1].upper()}{preview.run_label[1:]} : {preview.count} "
                f"facture(s) à prélever, {format_cents(preview.total_cents)} "
                f"({preview.pain_version}).",
                flush=True,
            )
            for total in preview.totals:
                print(f"  {total.label} : {total.count}, {format_cents(total.total_cents)}")
            for left in preview.left_out:
                print(f"  écartée : {left.invoice_number} {left.family_label} — {left.reason}")
            if args.dry_run:
                return 0
            done = export_batch(store, SYSTEM, args.out, run_id)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    print(
        f"Lot {done.message_id} : {done.count} prélèvement(s), {format_cents(done.total_cents)}, "
        f"écrit dans {done.path}."
    )
    return 0
