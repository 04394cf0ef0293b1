"""Command line of the CAF / MSA hours: `eticket-desk caf --from … --to … --out FILE.pdf
[--csv FILE.csv]` prints the hours per activity and writes the report (and the CSV)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from eticket_desk.cli_reports import _day


def add_command(commands) -> None:
    caf = commands.add_parser("caf", help="heures CAF / MSA prévues et réalisées (PDF, CSV)")
    caf.add_argument("--from", dest="first", type=_day, required=True, help="premier jour")
    caf.add_argument("--to", dest="last", type=_day, required=True, help="dernier jour")
    caf.add_argument("--out", type=Path, required=True, help="fichier PDF à écrire")
    caf.add_argument("--csv", type=Path, help="écrit aussi le CSV pour le site du partenaire")


def run_caf(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.caf_hours import format_hours
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.attendance.caf_exports import export_caf_hours
    from eticket_desk.services.core.store import SYSTEM, Store

    with Store(db_path) as store:
        try:
            done = export_caf_hours(
                store, SYSTEM, args.first, args.last, args.out, args.csv, with_csv=False
            )
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    report = done.report
    print(f"Heures CAF / MSA du {report.first:%d/%m/%Y} au {report.last:%d/%m/%Y}")
    if not report.activities:
        print("Aucune activité n'est déclarée pour la CAF ou la MSA (créneau à indiquer).")
    for activity in report.activities:
        total = activity.total()
        print(
            f"{activity.name} : {format_hours(total.forecast)} prévues, "
            f"{format_hours(total.actual)} réalisées"
        )
    for name in report.uncounted:
        print(f"{name} : sans créneau déclaré, non comptée")
    print(f"PDF : {done.pdf}")
    if done.csv is not None:
        print(f"CSV : {done.csv}")
    return 0
