"""Gapless number series (family numbers, receipts, deposit slips, invoices and credit notes
per year): numbers are taken inside the writing transaction, so a rolled-back write gives its
numbers back — no gap, no duplicate."""

from __future__ import annotations

import json

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from eticket_desk.models import NumberSeries, Setting
from eticket_desk.rules.numbering import DESK_NUMBER, family_series


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


def desk_number(session: Session) -> int:
    """This desk's number in its commune (given by the central server; 1 when alone)."""
    raw = session.scalar(select(Setting.value).where(Setting.key == DESK_NUMBER))
    return int(json.loads(raw)) if raw else 1


def take_family_numbers(session: Session, count: int = 1) -> int:
    """The first of `count` new dossier numbers, in this desk's own block."""
    series, offset = family_series(desk_number(session))
    return offset + take_numbers(session, series, count)
