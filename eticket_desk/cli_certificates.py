"""`eticket-desk certificates --year YYYY [--out DIR]`: the yearly tax certificates for the care
of children under six (attestations de frais de garde), a PDF per family and the merged file;
prints how many were made and their total; exit 1 with the French reason when refused."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_commands(commands) -> None:
    certificates = commands.add_parser(
        "certificates",
        help="attestations de frais de garde d'une année (enfants de moins de 6 ans)",
    )
    certificates.add_argument("--year", type=int, required=True, help="l'année payée, AAAA")
    certificates.add_argument(
        "--out",
        type=Path,
        help="dossier des PDF ; par défaut Attestations fiscales/<année>/ des documents",
    )


def run_certificates(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.core.store import SYSTEM, Store
    from eticket_desk.services.invoicing.certificates import make_certificates

    with Store(db_path) as store:
        try:
            made = make_certificates(store, SYSTEM, args.year, args.out)
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    print(made.message)
    if made.merged is not None:
        print(f"Fichier à imprimer : {made.merged}")
    return 0
