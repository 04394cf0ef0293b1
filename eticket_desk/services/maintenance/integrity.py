"""The integrity check of a store (`eticket-desk check`): foreign keys, wallets, gapless
number series, payments, seat counters and cheque slips, as a readable French report."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from eticket_desk.rules.booking import SEAT_STATES
from eticket_desk.rules.numbering import (
    FAMILY_BLOCK,
    RECEIPT_SERIES,
    family_series,
    parse_receipt,
    receipt_prefix,
    receipt_series,
)
from eticket_desk.services.core.numbering import desk_number, held_by_server
from eticket_desk.services.core.store import Store

# (series prefix in number_series, table, column, pattern of the number, title in the report)
_SERIES = (
    ("invoice", "invoice", "number", r"F-(\d{4})-(\d+)", "factures"),
    ("credit-note", "invoice", "number", r"A-(\d{4})-(\d+)", "avoirs"),
    ("deposit-slip", "deposit_slip", "number", r"B-(\d{4})-(\d+)", "bordereaux"),
)
_MAX_LISTED = 10  # faults of one kind listed one by one; the rest are counted


@dataclass(frozen=True)
class Section:
    title: str
    faults: tuple[str, ...]


@dataclass(frozen=True)
class Report:
    """What was checked and what is wrong, section by section."""

    sections: tuple[Section, ...]

    @property
    def ok(self) -> bool:
        return not any(section.faults for section in self.sections)

    @property
    def faults(self) -> tuple[str, ...]:
        return tuple(fault for section in self.sections for fault in section.faults)

    def text(self) -> str:
        lines = ["Vérification de la base de données", ""]
        for section in self.sections:
            mark = "OK" if not section.faults else f"{len(section.faults)} anomalie(s)"
            lines.append(f"- {section.title} : {mark}")
            shown = section.faults[:_MAX_LISTED]
            lines.extend(f"    · {fault}" for fault in shown)
            if len(section.faults) > len(shown):
                lines.append(f"    · … et {len(section.faults) - len(shown)} autre(s)")
        lines.append("")
        lines.append(
            "Aucune anomalie : la base est cohérente."
            if self.ok
            else f"{len(self.faults)} anomalie(s) trouvée(s). Restaurez une sauvegarde "
            "ou faites appel au support."
        )
        return "\n".join(lines)


def _rows(session: Session, sql: str, **params) -> list:
    return session.execute(text(sql), params).all()


def _foreign_keys(session: Session) -> list[str]:
    faults = []
    for table, rowid, parent, _ in _rows(session, "PRAGMA foreign_key_check"):
        faults.append(
            f"ligne orpheline : {table} n° {rowid} renvoie à un(e) {parent} qui n'existe pas"
        )
    return faults


def _wallets(session: Session) -> list[str]:
    faults = []
    for reference, ticket, low, balance in _rows(
        session,
        "WITH moves AS (SELECT family_id, ticket_type_id, SUM(quantity) OVER ("
        "PARTITION BY family_id, ticket_type_id ORDER BY at, rowid ROWS UNBOUNDED PRECEDING"
        ") AS running, quantity FROM wallet_entry) "
        "SELECT f.reference, t.name, MIN(m.running), SUM(m.quantity) FROM moves m "
        "LEFT JOIN family f ON f.id = m.family_id "
        "LEFT JOIN ticket_type t ON t.id = m.ticket_type_id "
        "GROUP BY m.family_id, m.ticket_type_id HAVING MIN(m.running) < 0",
    ):
        faults.append(
            f"portefeuille négatif : famille {reference or '?'}, tickets « {ticket or '?'} », "
            f"le solde descend à {low} (solde actuel {balance})"
        )
    return faults


def _numbers_of(session: Session, table: str, column: str, pattern: str) -> dict:
    used: dict[int, list[int]] = defaultdict(list)
    for (value,) in _rows(session, f"SELECT {column} FROM {table}"):  # noqa: S608 (constants)
        match = re.fullmatch(pattern, value or "")
        if match:
            used[int(match.group(1))].append(int(match.group(2)))
    return used


def _gaps(title: str, name: str, numbers: list[int], next_value: int | None) -> list[str]:
    faults, title = [], f"{title} {name}".strip()
    expected_last = (next_value - 1) if next_value is not None else 0
    last = max(numbers, default=0)
    missing = sorted(set(range(1, max(expected_last, last) + 1)) - set(numbers))
    if missing:
        shown = ", ".join(str(n) for n in missing[:_MAX_LISTED])
        more = f" (et {len(missing) - _MAX_LISTED} autres)" if len(missing) > _MAX_LISTED else ""
        faults.append(f"{title} : numéros manquants {shown}{more}")
    if last > expected_last:
        faults.append(
            f"{title} : le numéro {last} dépasse le compteur de la série "
            f"({expected_last} attribué(s))"
        )
    return faults


def _series(session: Session) -> list[str]:
    counters = dict(_rows(session, "SELECT name, next_value FROM number_series"))
    faults = []
    held = held_by_server(session)
    for prefix, table, column, pattern, title in _SERIES:
        used = _numbers_of(session, table, column, pattern)
        for name, ranges in held.items():
            if name.startswith(f"{prefix}-") and name.rsplit("-", 1)[1].isdigit():
                year = int(name.rsplit("-", 1)[1])
                used[year] += [n for first, last in ranges for n in range(first, last + 1)]
        years = set(used) | {
            int(name.rsplit("-", 1)[1])
            for name in counters
            if name.startswith(f"{prefix}-") and name.rsplit("-", 1)[1].isdigit()
        }
        for year in sorted(years):
            faults += _gaps(title, str(year), used.get(year, []), counters.get(f"{prefix}-{year}"))
    faults += _receipts(session, counters)
    # This desk's own block only: the dossiers pulled from other desks have theirs.
    series, offset = family_series(desk_number(session))
    families = [
        n - offset
        for (n,) in _rows(session, "SELECT number FROM family")
        if offset < n <= offset + FAMILY_BLOCK
    ]
    faults += _gaps("dossiers famille", "", families, counters.get(series))
    return faults


def _receipts(session: Session, counters: dict[str, int]) -> list[str]:
    """Each receipt series on its own: « Q-2026 » (before the desk had a number) and this
    desk's « Q2-2026 »; a restored desk's counter may be ahead of its copy of the receipts
    (the numbers the server already held are not reused, see syncing/restore.py)."""
    used: dict[tuple[int | None, int], list[int]] = defaultdict(list)
    for (value,) in _rows(session, "SELECT receipt_number FROM sale"):
        parsed = parse_receipt(value or "")
        if parsed is not None:
            used[parsed[:2]].append(parsed[2])
    for name in counters:
        parts = name.split("-")
        if parts[0] == RECEIPT_SERIES and all(p.isdigit() for p in parts[1:]):
            key = (int(parts[1]), int(parts[2])) if len(parts) == 3 else (None, int(parts[1]))
            used.setdefault(key, [])
    held = held_by_server(session)
    faults = []
    for desk, year in sorted(used, key=lambda key: (key[0] or 0, key[1])):
        title = f"quittances {receipt_prefix(desk)}-{year}"
        series = receipt_series(desk, year)
        numbers = used[(desk, year)] + [
            n for first, last in held.get(series, []) for n in range(first, last + 1)
        ]
        faults += _gaps(title, "", numbers, counters.get(series))
    return faults


def _payments(session: Session) -> list[str]:
    faults = []
    for receipt, method, amount, allocated in _rows(
        session,
        "SELECT s.receipt_number, p.method, p.amount_cents, SUM(a.amount_cents) "
        "FROM payment_allocation a JOIN payment p ON p.id = a.payment_id "
        "LEFT JOIN sale s ON s.id = p.sale_id "
        "GROUP BY p.id HAVING SUM(a.amount_cents) > p.amount_cents",
    ):
        faults.append(
            f"paiement sur-affecté : {method} de la quittance {receipt or '?'}, "
            f"{allocated} centimes affectés pour {amount} reçus"
        )
    for number, total, allocated in _rows(
        session,
        "SELECT i.number, i.total_cents, SUM(a.amount_cents) FROM payment_allocation a "
        "JOIN invoice i ON i.id = a.invoice_id "
        "GROUP BY i.id HAVING SUM(a.amount_cents) > i.total_cents",
    ):
        faults.append(
            f"facture trop payée : {number}, {allocated} centimes affectés pour un total de {total}"
        )
    return faults


def _seats(session: Session) -> list[str]:
    states = ", ".join(f"'{state.value}'" for state in SEAT_STATES)
    counted = {
        (a, d, s): (booked, waiting)
        for a, d, s, booked, waiting in _rows(
            session,
            f"SELECT activity_id, day, school_id, SUM(state IN ({states})), "  # noqa: S608
            "SUM(state = 'waiting') FROM booking GROUP BY activity_id, day, school_id",
        )
    }
    stored = {
        (a, d, s): (booked, waiting)
        for a, d, s, booked, waiting in _rows(
            session, "SELECT activity_id, day, school_id, booked, waiting FROM occupancy"
        )
    }
    names = dict(_rows(session, "SELECT id, name FROM activity"))
    faults = []
    for key in sorted(set(counted) | set(stored), key=lambda k: (str(k[1]), str(k[0]))):
        want, have = counted.get(key, (0, 0)), stored.get(key, (0, 0))
        if want != have:
            faults.append(
                f"compteur de places faux : {names.get(key[0], '?')} le {key[1]}, "
                f"{have[0]} place(s) comptée(s) pour {want[0]} réservation(s)"
            )
    for name, day, capacity, booked in _rows(
        session,
        f"SELECT a.name, b.day, a.capacity, COUNT(*) FROM booking b "  # noqa: S608
        f"JOIN activity a ON a.id = b.activity_id WHERE a.capacity IS NOT NULL "
        f"AND b.state IN ({states}) GROUP BY b.activity_id, b.day "
        f"HAVING COUNT(*) > a.capacity",
    ):
        faults.append(f"capacité dépassée : {name} le {day}, {booked} enfants pour {capacity}")
    for name, day, capacity, booked in _rows(
        session,
        f"SELECT a.name || ' (' || sc.name || ')', b.day, s.capacity, COUNT(*) "  # noqa: S608
        f"FROM booking b JOIN activity_school s ON s.activity_id = b.activity_id "
        f"AND s.school_id = b.school_id JOIN activity a ON a.id = b.activity_id "
        f"JOIN school sc ON sc.id = b.school_id WHERE s.capacity IS NOT NULL "
        f"AND b.state IN ({states}) GROUP BY b.activity_id, b.day, b.school_id "
        f"HAVING COUNT(*) > s.capacity",
    ):
        faults.append(f"capacité dépassée : {name} le {day}, {booked} enfants pour {capacity}")
    return faults


def _slips(session: Session) -> list[str]:
    faults = []
    for number, total, cheques in _rows(
        session,
        "SELECT d.number, d.total_cents, COALESCE(SUM(p.amount_cents), 0) FROM deposit_slip d "
        "LEFT JOIN payment p ON p.deposit_slip_id = d.id GROUP BY d.id "
        "HAVING d.total_cents != COALESCE(SUM(p.amount_cents), 0)",
    ):
        faults.append(
            f"bordereau {number} : total {total} centimes, chèques remis {cheques} centimes"
        )
    for number, method in _rows(
        session,
        "SELECT d.number, p.method FROM payment p JOIN deposit_slip d "
        "ON d.id = p.deposit_slip_id WHERE p.method != 'cheque'",
    ):
        faults.append(f"bordereau {number} : un paiement « {method} » n'est pas un chèque")
    return faults


_CHECKS: tuple[tuple[str, Callable[[Session], list[str]]], ...] = (
    ("Liens entre les tables (clés étrangères)", _foreign_keys),
    ("Portefeuilles de tickets", _wallets),
    ("Numérotation sans trou (dossiers, quittances, factures, avoirs, bordereaux)", _series),
    ("Paiements et factures", _payments),
    ("Places réservées et capacités", _seats),
    ("Bordereaux de remise de chèques", _slips),
)


def check_in(session: Session) -> Report:
    """Every check inside an open session (or connection-bound session)."""
    integrity = [row[0] for row in _rows(session, "PRAGMA quick_check")]
    sections = [
        Section(
            "Fichier SQLite (intégrité des pages)",
            tuple() if integrity == ["ok"] else tuple(integrity),
        )
    ]
    sections += [Section(title, tuple(check(session))) for title, check in _CHECKS]
    return Report(tuple(sections))


def check(store: Store) -> Report:
    """The whole check of the store, read only."""
    with store.read() as session:
        return check_in(session)
