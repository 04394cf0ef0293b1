"""Two dossiers merged at another desk (a pulled `family_merge` change): the same rows moved
here by the same service (services/families/merge.py), with the pairs that desk chose. The
tickets it gave back for a day booked twice come as wallet lines of their own."""

from __future__ import annotations

import uuid
from typing import Any

from eticket_desk.models import Family
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.services.families.merge import merge_rows


def apply_family_merge(session, change, waiting: set[str]) -> bool:
    data: dict[str, Any] = change.data
    kept = session.get(Family, uuid.UUID(data["kept_id"]))
    absorbed = session.get(Family, uuid.UUID(data["absorbed_id"]))
    if kept is None or absorbed is None or absorbed.status == FamilyStatus.ARCHIVED:
        return False  # not here (yet), or already merged
    children = {uuid.UUID(p["absorbed_id"]): uuid.UUID(p["kept_id"]) for p in data["children"]}
    adults = {uuid.UUID(p["absorbed_id"]): uuid.UUID(p["kept_id"]) for p in data["adults"]}
    by = data.get("made_by") or "un autre poste"
    merge_rows(session, kept, absorbed, children, adults, by=by, returned=None)
    return True
