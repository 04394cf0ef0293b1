"""`eticket-desk invoices pes --period YYYY-MM --out FILE.xml`: a month's invoice run written as
the PES V2 « PES_Aller » file for the Trésor (titres de recettes); exit 1 with the French
reason when the export is refused (régie, SIRET, PES codes, product codes, addresses)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_command(invoice_commands) -> None:
    pes = invoice_commands.add_parser(
        "pes", help="écrit le fichier PES V2 (titres de recettes) de la facturation d'un mois"
    )
    pes.add_argument("--period", required=True, help="le mois facturé, AAAA-MM (2026-11)")
    pes.add_argument("--out", type=Path, required=True, help="le fichier XML à écrire")
    pes.add_argument(
        "--reductions",
        action="store_true",
        help="seulement les annulations-réductions (avoirs faits après l'envoi des titres)",
    )


def run_pes(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.rules.money import format_cents
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.invoicing.drafts import month_period
    from eticket_desk.services.invoicing.pes.export import export_pes, month_run

    with Store(db_path) as store:
        try:
            run_id = month_run(store, SYSTEM, month_period(args.period))
            result = export_pes(store, SYSTEM, run_id, args.out, reductions_only=args.reductions)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    if result.pieces:
        print(
            f"Bordereau n° {result.bordereau} : {result.pieces} titre(s), "
            f"{format_cents(result.total_cents)}."
        )
    if result.reductions:
        print(
            f"Annulations-réductions : {result.reductions} pièce(s), "
            f"{format_cents(result.reduced_cents)}."
        )
    print(f"Fichier PES écrit : {result.path} ({result.attached} PDF joint(s)).")
    return 0
