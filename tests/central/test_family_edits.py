"""family.upsert with edits: merged into the server's dossier whatever its version, each field
stamped with who typed it; the same field changed first elsewhere answered as a conflict with
both values and authors; a whole dossier on an old version refused with the values."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select

from eticket_central.models import ChangeLog, Family
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import family_payload

MADE_AT = datetime(2026, 9, 14, 10, 15)


def _edit(desk, family_id, base_version: int, by: str, **fields):
    """An op of `desk` changing the mother's `fields` (the helper's dossier otherwise)."""
    payload = family_payload(family_id, base_version=base_version)
    mother = payload["adults"][0]
    payload["edits"] = [
        {"path": f"adults/{mother['id']}/{name}", "old": mother[name]} for name in fields
    ]
    mother.update(fields)
    op = desk.op(OpType.FAMILY_UPSERT, **payload)
    return op.model_copy(update={"made_by": by, "made_at": MADE_AT})


def test_edits_of_two_desks_merge_and_the_same_field_is_a_conflict_naming_both_authors(commune, db):
    office, annex = commune.desk("Accueil mairie"), commune.desk("Annexe école")
    family_id = uuid.uuid4()
    office.push(office.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    [first] = annex.push(_edit(annex, family_id, 1, "Paul Guichet", email="c.d@example.org"))
    assert (first["status"], first["result"]) == (
        "applied",
        {"family_id": str(family_id), "version": 2},
    )
    # The town hall had not seen version 2: its phone merges, its e-mail is a conflict.
    [second] = office.push(
        _edit(office, family_id, 1, "Anne Martin", email="claire@example.fr", phone_mobile="07")
    )
    assert second["status"] == "applied"
    mother_id = str(uuid.uuid5(family_id, "adult"))
    assert second["result"] == {
        "family_id": str(family_id),
        "version": 3,
        "conflicts": [
            {
                "path": f"adults/{mother_id}/email",
                "label": "Mère (Claire Dupont) — e-mail",
                "server": {
                    "value": "c.d@example.org",
                    "by": "Paul Guichet",
                    "at": "2026-09-14T10:15:00",
                    "where": "Annexe école",
                },
                "desk": {
                    "value": "claire@example.fr",
                    "by": "Anne Martin",
                    "at": "2026-09-14T10:15:00",
                    "where": "Accueil mairie",
                },
            }
        ],
    }
    db.expire_all()
    family = db.get(Family, family_id)
    mother = family.data["adults"][0]
    assert (mother["email"], mother["phone_mobile"]) == ("c.d@example.org", "07")
    assert family.provenance[f"adults/{mother_id}/phone_mobile"]["by"] == "Anne Martin"
    assert family.provenance[f"adults/{mother_id}/email"]["where"] == "Annexe école"
    last = db.scalars(
        select(ChangeLog).where(ChangeLog.entity_id == str(family_id)).order_by(ChangeLog.seq)
    ).all()[-1]
    assert last.data["merged"] is True  # the town hall takes the merged dossier back


def test_a_whole_dossier_on_an_old_version_is_refused_with_the_values_that_differ(desk):
    family_id = uuid.uuid4()
    desk.push(desk.op(OpType.FAMILY_UPSERT, **family_payload(family_id)))
    renamed = family_payload(family_id, base_version=1, last_name="Durand")
    desk.push(desk.op(OpType.FAMILY_UPSERT, **renamed))
    stale = family_payload(family_id, base_version=1)
    stale["adults"][0]["phone_mobile"] = "07 81 22 33 44"
    [answer] = desk.push(desk.op(OpType.FAMILY_UPSERT, **stale))
    assert (answer["status"], answer["code"]) == ("rejected", "STALE_VERSION")
    assert (
        "Différences : Mère (Claire Durand) — nom : « Dupont » sur ce poste, « Durand » sur le "
        "serveur ; Mère (Claire Durand) — portable : « 07 81 22 33 44 » sur ce poste, "
        "« 06 12 34 56 78 » sur le serveur."
    ) in answer["message"]
