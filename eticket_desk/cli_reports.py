"""Command line of the coordinator's documents: `attendance` (a day's lists as PDF) and `meals`
(the kitchen's meal counts, printed, as CSV or PDF)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"« {text} » n'est pas une date : écrivez-la AAAA-MM-JJ (2026-11-26)."
        ) from None


def add_commands(commands) -> None:
    """The `attendance` and `meals` subcommands, added to the main parser's."""
    attendance = commands.add_parser(
        "attendance", help="imprime les listes de présence d'un jour (PDF)"
    )
    attendance.add_argument("--date", type=_day, required=True, help="le jour, AAAA-MM-JJ")
    attendance.add_argument(
        "--activity", metavar="CODE", help="une seule activité (CANTINE…) ; par défaut toutes"
    )
    attendance.add_argument("--out", type=Path, required=True, help="fichier PDF à écrire")
    attendance.add_argument(
        "--sans-sante",
        dest="without_health",
        action="store_true",
        help="sans régimes, allergies ni PAI (liste à afficher)",
    )

    meals = commands.add_parser("meals", help="commande de repas pour la cuisine, par jour")
    meals.add_argument("--from", dest="first", type=_day, required=True, help="premier jour")
    meals.add_argument("--to", dest="last", type=_day, required=True, help="dernier jour")
    meals.add_argument("--csv", type=Path, help="écrit aussi un fichier CSV (Excel)")
    meals.add_argument("--out", type=Path, help="écrit aussi la commande en PDF")


def run_attendance(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.attendance.lists import activity_by_code, print_attendance
    from eticket_desk.services.core.store import SYSTEM, Store

    with Store(db_path) as store:
        try:
            activity_id = activity_by_code(store, args.activity).id if args.activity else None
            path = print_attendance(
                store,
                SYSTEM,
                args.date,
                args.out,
                activity_id,
                with_health=not args.without_health,
            )
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    print(f"Listes de présence du {args.date:%d/%m/%Y} : {path}")
    return 0


def _counts_text(counts) -> str:
    details = [
        (counts.no_pork, "sans porc", "sans porc"),
        (counts.vegetarian, "végétarien", "végétariens"),
        (counts.gluten_free, "sans gluten", "sans gluten"),
        (counts.pai, "PAI", "PAI"),
        (counts.packed_meal, "panier repas", "paniers repas"),
    ]
    parts = ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in details if n)
    return f"{counts.meals} repas" + (f" (dont {parts})" if parts else "")


def run_meals(args: argparse.Namespace, db_path: Path) -> int:
    from eticket_desk.rules.errors import DomainError
    from eticket_desk.services.attendance.meals import (
        export_meal_counts,
        meal_counts_of,
        print_meal_counts,
    )
    from eticket_desk.services.core.store import SYSTEM, Store

    with Store(db_path) as store:
        try:
            data = meal_counts_of(store, SYSTEM, args.first, args.last)
            pdf = print_meal_counts(store, data, args.out) if args.out else None
        except DomainError as refused:
            print(refused.message, file=sys.stderr)
            return 1
    print(f"Commande de repas — {data.activity_name}")
    for meal_day in data.days:
        status = "définitif" if meal_day.final else "PROVISOIRE"
        print(f"{meal_day.day:%d/%m/%Y} ({status}) : {_counts_text(meal_day.total)}")
        for school in meal_day.schools:
            print(f"  {school.school_name} : {_counts_text(school.counts)}")
    print(f"Total : {_counts_text(data.total)}, {data.total.to_cook} à préparer")
    if args.csv:
        print(f"CSV : {export_meal_counts(data, args.csv)}")
    if pdf is not None:
        print(f"PDF : {pdf}")
    return 0
