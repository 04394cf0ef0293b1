"""Gapless number series (family numbers, receipts, deposit slips, invoices and credit notes
per year): numbers are taken inside the writing transaction, so a rolled-back write gives its
numbers back — no gap, no duplicate. Receipts are numbered in this desk's own series (« Q2-… »
at desk 2, see rules/numbering.py); a desk restored from a backup moves its counters past the
numbers the server already holds (`raise_counter`), so none is ever given twice."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from eticket_desk.models import NumberSeries, Setting
from eticket_desk.rules.numbering import (
    DESK_LABEL,
    DESK_NUMBER,
    family_series,
    receipt_reference,
    receipt_series,
    receipt_series_label,
)


def next_number(session: Session, series: str) -> int:
    """Take the next number of a gapless series inside the current write transaction."""
    return take_numbers(session, series, 1)


def take_numbers(session: Session, series: str, count: int) -> int:
    """Take `count` numbers of a gapless series at once inside the current write transaction
    (an import numbering its new dossiers, an invoice run); returns the first. The caller must
    use them all or roll the transaction back."""
    row = session.get(NumberSeries, series)
    if row is None:
        session.add(NumberSeries(name=series, next_value=count + 1))
        session.flush()
        return 1
    value = row.next_value
    session.execute(
        update(NumberSeries).where(NumberSeries.name == series).values(next_value=value + count)
    )
    session.expire(row)
    return value


def raise_counter(session: Session, series: str, last_used: int) -> bool:
    """Moves a series past `last_used` (a number given elsewhere, the server knows it); never
    back. Returns whether it moved."""
    row = session.get(NumberSeries, series)
    if row is None:
        if last_used <= 0:
            return False
        session.add(NumberSeries(name=series, next_value=last_used + 1))
        session.flush()
        return True
    if row.next_value > last_used:
        return False
    session.execute(
        update(NumberSeries).where(NumberSeries.name == series).values(next_value=last_used + 1)
    )
    session.expire(row)
    return True


# The numbers of this desk's series that only the server holds: given after the backup a
# restored desk came from (its copy has no row for them), kept apart so that the integrity
# check counts them as given, not missing. {"receipt-1-2026": [[4, 6]], …}
HELD_BY_SERVER = "numbering.held_by_server"


def hold_numbers(session: Session, series: str, first: int, last: int) -> None:
    """Notes that numbers `first`…`last` of a series were given elsewhere (the server)."""
    if last < first:
        return
    held = held_by_server(session)
    held.setdefault(series, []).append([first, last])
    statement = sqlite_insert(Setting).values(key=HELD_BY_SERVER, value=json.dumps(held))
    session.execute(  # Core: bookkeeping of the series, not an audited change
        statement.on_conflict_do_update(
            index_elements=["key"], set_={"value": statement.excluded.value}
        )
    )


def held_by_server(session: Session) -> dict[str, list[list[int]]]:
    raw = session.scalar(select(Setting.value).where(Setting.key == HELD_BY_SERVER))
    return json.loads(raw) if raw else {}


def registered_desk(session: Session) -> int | None:
    """This desk's number in its commune as the central server gave it; None before that."""
    raw = session.scalar(select(Setting.value).where(Setting.key == DESK_NUMBER))
    return int(json.loads(raw)) if raw else None


def desk_number(session: Session) -> int:
    """This desk's number in its commune (given by the central server; 1 when alone)."""
    return registered_desk(session) or 1


def take_receipt_number(session: Session, year: int) -> str:
    """The next receipt number of this desk's own series: « Q2-2026-000018 » at desk 2."""
    desk = registered_desk(session)
    return receipt_reference(desk, year, next_number(session, receipt_series(desk, year)))


def take_family_numbers(session: Session, count: int = 1) -> int:
    """The first of `count` new dossier numbers, in this desk's own block."""
    series, offset = family_series(desk_number(session))
    return offset + take_numbers(session, series, count)


def receipt_series_name(session: Session) -> str:
    """« Série Q2 — poste Annexe école »: the series this desk's receipts are numbered in."""
    raw = session.scalar(select(Setting.value).where(Setting.key == DESK_LABEL))
    return receipt_series_label(registered_desk(session), json.loads(raw) if raw else "")
