"""A desk's dossier edits merged into the server's dossier (rules/dossier_edits.py), whatever
its version, and the provenance of each field: who typed it, when, where.

Every path the desk's op set is stamped with the op's author (`made_by`), the moment it was
made at the desk (`made_at`) and the desk's label; the portal stamps a parent's contact
change the same way (`stamp`). A conflict (the same field changed first elsewhere) keeps the
server's value and goes back in the op's answer with both values and both authors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_central.models import Device, Family
from eticket_central.ops.registry import OpContext
from eticket_desk.rules.dossier_edits import (
    Edit,
    edits_between,
    field_label,
    merge,
    shown_in,
    value_at,
)

PORTAL = "portail (parent)"
_DOSSIER = ("reference", "status", "notes", "quotient", "adults", "children")


def stamp(family: Family, paths: list[str] | tuple[str, ...], by: str, at: datetime, where: str):
    """Notes who typed these paths of the dossier, when and where."""
    if not paths:
        return
    mark = {"by": by, "at": at.isoformat(timespec="seconds"), "where": where}
    family.provenance = {**(family.provenance or {}), **dict.fromkeys(paths, mark)}


def _typed(family: Family, path: str) -> dict[str, Any]:
    """Who typed the server's value at `path` (the field's own stamp, else its item's)."""
    provenance = family.provenance or {}
    item = "/".join(path.split("/")[:2])
    return provenance.get(path) or provenance.get(item) or {"by": "", "at": None, "where": ""}


def _label(path: str, server: dict[str, Any], desk: dict[str, Any]) -> str:
    """The field's French label, saying so when its person is no longer on the server."""
    label = field_label(path, server, desk)
    person = "/".join(path.split("/")[:2])
    if path.count("/") == 2 and value_at(server, person) is None:
        return f"{label} (personne retirée du dossier ailleurs)"
    return label


def _desk_label(session: Session, ctx: OpContext) -> str:
    if ctx.device_id is None:
        return ""
    return session.scalar(select(Device.label).where(Device.id == ctx.device_id)) or ""


def merge_into(
    session: Session, ctx: OpContext, family: Family, desk: dict[str, Any], edits, now: datetime
) -> tuple[list[dict[str, Any]], bool]:
    """Merges the op's `edits` (its dossier: `desk`, the JSON the op carries) into `family`.
    Returns the conflicts as the answer gives them, and whether the merged dossier differs
    from the desk's (the desk must then take the server's)."""
    server = family.data
    result = merge(server, desk, [Edit(e.path, e.old) for e in edits])
    where = _desk_label(session, ctx)
    made_at = ctx.made_at or now
    conflicts = [
        {
            "path": c.path,
            "label": _label(c.path, server, desk),
            "server": {"value": c.server, **_typed(family, c.path)},
            "desk": {
                "value": c.desk,
                "by": ctx.made_by,
                "at": made_at.isoformat(timespec="seconds"),
                "where": where,
            },
        }
        for c in result.conflicts
    ]
    family.data = {**result.dossier, "portal_accounts": server.get("portal_accounts", [])}
    stamp(family, result.applied, ctx.made_by, made_at, where)
    differs = any(result.dossier.get(name) != desk.get(name) for name in _DOSSIER)
    return conflicts, differs


def differences(family: Family | None, desk: dict[str, Any], most: int = 5) -> str:
    """A refused whole dossier's values, as the message says them: each field where the
    desk's differs from the server's (« Mère (…) — portable : « … » ici, « … » au serveur »)."""
    if family is None:
        return ""
    server = family.data
    edits = edits_between(server, desk)
    parts = [
        f"{field_label(e.path, server, desk)} : « {shown_in(value_at(desk, e.path), e.path, desk)} "
        f"» sur ce poste, « {shown_in(e.old, e.path, server)} » sur le serveur"
        for e in edits[:most]
    ]
    more = f" (et {len(edits) - most} autre(s))" if len(edits) > most else ""
    return (" Différences : " + " ; ".join(parts) + more + ".") if parts else ""
