"""Command line of the exports for the finance software: `export receipts` (the payments
received over some days) and `export invoices` (a month's invoices and credit notes), as CSV
or Excel by the file's extension (docs/finance_exports.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eticket_desk.cli_reports import _day


def add_commands(commands) -> None:
    """The `export` command and its two exports, added to the main parser's."""
    export = commands.add_parser("export", help="exports pour le logiciel financier (CSV ou Excel)")
    kinds = export.add_subparsers(dest="export_command", metavar="EXPORT")
    kinds.required = True
    receipts = kinds.add_parser("receipts", help="journal des encaissements sur une période")
    receipts.add_argument("--from", dest="first", type=_day, required=True, help="AAAA-MM-JJ")
    receipts.add_argument("--to", dest="last", type=_day, required=True, help="AAAA-MM-JJ")
    receipts.add_argument("--out", type=Path, required=True, help="fichier .csv ou .xlsx")
    invoices = kinds.add_parser("invoices", help="factures et avoirs d'un mois, ligne à ligne")
    invoices.add_argument("--period", required=True, help="le mois facturé, AAAA-MM (2026-11)")
    invoices.add_argument("--out", type=Path, required=True, help="fichier .csv ou .xlsx")


def run_export(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.rules.money import format_cents
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.invoicing import finance_exports

    with Store(db_path) as store:
        try:
            if args.export_command == "receipts":
                done = finance_exports.export_receipts(
                    store, SYSTEM, args.first, args.last, args.out
                )
            else:
                done = finance_exports.export_invoices(store, SYSTEM, args.period, args.out)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    lines = f"{done.rows} ligne{'' if done.rows == 1 else 's'}"
    print(f"{lines}, total {format_cents(done.total_cents)} : {done.path}")
    return 0
