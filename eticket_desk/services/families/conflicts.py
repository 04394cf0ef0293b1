"""Dossier conflicts: a field this desk changed that another desk (or a parent on the portal)
had changed first. The server kept its value and answered the op with both; they are kept
here (`dossier_conflict`) so that nothing typed is lost, shown on the dossier and in the sync
issues, until the agent chooses: keep the server's value, or take this desk's back (a normal
edit of the dossier: audited, and its op sent). The op's sync issue closes with its last
conflict.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import select

from eticket_desk.models import Adult, Child, DossierConflict, Family, OutboxOp, SchoolClass
from eticket_desk.rules.dossier_edits import EXCLUSIVE, shown
from eticket_desk.rules.errors import InvalidInput, NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.changes import FamilyTopic, Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.data import family_display_name
from eticket_desk.services.families.dossiers import search_text_for
from eticket_desk.sync.outbox import FamilyChanged, emit

CONFLICT = "conflict"  # the outbox status of an op applied with conflicts (a sync issue)
Choice = Literal["server", "desk"]


@dataclass(frozen=True)
class DossierConflictView:
    id: uuid.UUID
    family_id: uuid.UUID
    label: str  # « Mère (Claire Dupont) — adresse ligne 1 »
    server_value: str  # as the agent reads it
    server_by: str
    server_at: datetime | None
    server_where: str  # « Accueil mairie », « portail (parent) »
    desk_value: str
    desk_by: str
    desk_at: datetime | None

    @property
    def server_origin(self) -> str:
        return _origin(self.server_by, self.server_at, self.server_where)

    @property
    def desk_origin(self) -> str:
        return _origin(self.desk_by, self.desk_at, "ce poste")


def _origin(by: str, at: datetime | None, where: str | None) -> str:
    """« Claire Martin, le 07/12/2026 à 10:15 (Annexe école) »."""
    who = by or "auteur inconnu"
    when = f", le {at:%d/%m/%Y à %H:%M}" if at else ""
    return f"{who}{when}" + (f" ({where})" if where else "")


def _shown(session, path: str, value: Any) -> str:
    """A conflict's value as the agent reads it (the payer or emergency contact: a name)."""
    if path not in EXCLUSIVE:
        return shown(value, path)
    if value is None:
        return "(personne)"
    adult = session.get(Adult, uuid.UUID(value))
    return f"{adult.first_name} {adult.last_name}".strip() if adult else "(personne retirée)"


def _moment(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def record_conflicts(session, op_seq: int, family_id: str, conflicts: list[dict[str, Any]]) -> str:
    """Keeps the conflicts the server answered an op with; returns the sync issue's French
    message (every field with both values)."""
    now = session.info["now"]
    lines = []
    for item in conflicts:
        server, desk = item["server"], item["desk"]
        session.add(
            DossierConflict(
                family_id=uuid.UUID(family_id),
                op_seq=op_seq,
                path=item["path"][:120],
                label=item["label"][:300],
                server_value=json.dumps(server.get("value")),
                server_by=(server.get("by") or "")[:200],
                server_at=_moment(server.get("at")),
                server_where=(server.get("where") or "")[:200],
                desk_value=json.dumps(desk.get("value")),
                desk_by=(desk.get("by") or "")[:200],
                desk_at=_moment(desk.get("at")),
                created_at=now,
            )
        )
        there = _origin(server.get("by") or "", _moment(server.get("at")), server.get("where"))
        lines.append(
            f"{item['label']} : « {_shown(session, item['path'], server.get('value'))} » gardé "
            f"(serveur ; {there}), « {_shown(session, item['path'], desk.get('value'))} » saisi ici"
        )
    count = len(conflicts)
    head = f"{count} champ(s) modifié(s) aussi ailleurs : le serveur a gardé sa valeur. "
    return (head + " ; ".join(lines) + ".")[:1000]


def _view(session, row: DossierConflict) -> DossierConflictView:
    return DossierConflictView(
        id=row.id,
        family_id=row.family_id,
        label=row.label,
        server_value=_shown(session, row.path, json.loads(row.server_value)),
        server_by=row.server_by,
        server_at=row.server_at,
        server_where=row.server_where,
        desk_value=_shown(session, row.path, json.loads(row.desk_value)),
        desk_by=row.desk_by,
        desk_at=row.desk_at,
    )


def list_conflicts(store: Store, actor: Actor, family_id: uuid.UUID) -> list[DossierConflictView]:
    """The dossier's conflicts still to settle, oldest first."""
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        rows = session.scalars(
            select(DossierConflict)
            .where(DossierConflict.family_id == family_id, DossierConflict.resolved_at.is_(None))
            .order_by(DossierConflict.created_at, DossierConflict.path)
        ).all()
        return [_view(session, row) for row in rows]


@changes(Topic.SYNC, lambda call: {Topic.FAMILIES, FamilyTopic(call.result.family_id)})
def resolve_conflict(
    store: Store, actor: Actor, conflict_id: uuid.UUID, choice: Choice
) -> DossierConflictView:
    """« Garder la valeur du serveur » (`server`: nothing to write) or « Reprendre la valeur
    de ce poste » (`desk`: the field written here and sent, like any edit)."""
    actor.require(Permission.FAMILY_EDIT)
    with store.write(actor) as session:
        row = session.get(DossierConflict, conflict_id)
        if row is None or row.resolved_at is not None:
            raise NotFound("Ce conflit n'existe pas ou a déjà été réglé.")
        now = session.info["now"]
        if choice == "desk":
            _take_back(session, row.family_id, row.path, json.loads(row.desk_value), now)
            emit(session, FamilyChanged(row.family_id))
        row.resolved_at, row.resolved_by, row.resolution = now, actor.login, choice
        kept = "la valeur de ce poste" if choice == "desk" else "la valeur du serveur"
        record(session, "conflict.resolve", "family", row.family_id, f"{row.label} : {kept}")
        session.flush()
        left = session.scalar(
            select(DossierConflict.id).where(
                DossierConflict.op_seq == row.op_seq, DossierConflict.resolved_at.is_(None)
            )
        )
        op = session.get(OutboxOp, row.op_seq)
        if left is None and op is not None and op.handled_at is None:
            op.handled_at, op.handled_by = now, actor.login  # the sync issue closes
        return _view(session, row)


def _take_back(session, family_id: uuid.UUID, path: str, value: Any, now: datetime) -> None:
    """Writes this desk's value at `path` in the dossier (the field, or a person removed)."""
    family = session.get(Family, family_id)
    parts = path.split("/")
    gone = InvalidInput(
        "Cette personne n'est plus dans le dossier sur ce poste : ajoutez-la de nouveau à la "
        "main si elle doit y être."
    )
    if len(parts) == 1:
        column = {"quotient": "qf_value"}.get(path, path)
        if column in EXCLUSIVE:  # the payer or the emergency contact: one adult holds it
            if value is not None and all(str(a.id) != value for a in family.members):
                raise gone
            for adult in family.members:
                setattr(adult, column, str(adult.id) == value)
        elif column not in ("notes", "qf_value"):
            raise InvalidInput(
                "Ce champ ne se reprend pas ici (le statut se change par « Valider » ou "
                "« Archiver ») : gardez la valeur du serveur, puis modifiez le dossier."
            )
        else:
            setattr(family, column, value)
    else:
        model = Adult if parts[0] == "adults" else Child
        item = session.get(model, uuid.UUID(parts[1]))
        if item is None or item.family_id != family_id:
            raise gone
        if len(parts) == 2:
            if value is not None or model is Child:
                raise InvalidInput(
                    "Reprendre cette fiche se fait à la main : ouvrez la personne et recopiez-la."
                )
            family.members.remove(item)  # removed on this desk: removed again
        else:
            setattr(item, *_column(session, item, parts[2], value))
    session.flush()
    family.display_name = family_display_name(family.members)
    family.search_text = search_text_for(family.reference, family.members, family.children)
    family.updated_at = now
    family.version += 1  # a window holding the older dossier cannot overwrite this


def _column(session, item, name: str, value: Any) -> tuple[str, Any]:
    """The column and the value of a field as the op sends it (dates and ids as text)."""
    if name == "birth_date":
        return name, date.fromisoformat(value) if value else None
    if name == "school_id":
        return name, uuid.UUID(value) if value else None
    if name == "level":
        class_id = session.scalar(
            select(SchoolClass.id)
            .where(SchoolClass.school_id == item.school_id, SchoolClass.level == value)
            .order_by(SchoolClass.position, SchoolClass.name)
            .limit(1)
        )
        return "class_id", class_id
    return name, value
