"""Sync issues: the ops the server rejected, with what the agent can do, until handled; and
the likely duplicate dossiers found after a pull (services/families/duplicates.py), until
merged or declared « pas des doublons »."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import select

from eticket_desk.models import Activity, Child, Family, OutboxOp
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.duplicates import declare_not_duplicates, duplicate_issues
from eticket_desk.sync.wire import OpType, RejectCode

REASONS = {
    RejectCode.CAPACITY_FULL: "complet",
    RejectCode.DEADLINE_PASSED: "délai dépassé",
    RejectCode.DAY_CLOSED: "jour fermé",
    RejectCode.SUBSCRIPTION_ONLY: "sur inscription seulement",
    RejectCode.DOSSIER_NOT_VALIDATED: "dossier non validé",
    RejectCode.CHILD_NOT_CONCERNED: "enfant non concerné",
    RejectCode.PERMISSION_DENIED: "droit refusé",
    RejectCode.OVERRIDE_REASON_MISSING: "motif de dérogation manquant",
    RejectCode.STALE_VERSION: "modifié ailleurs",
    RejectCode.NOT_FOUND: "inconnu du serveur",
    RejectCode.INVALID_DATA: "données refusées",
    RejectCode.OP_ID_REUSED: "opération en double",
    RejectCode.BOOKING_LOCKED: "présence déjà pointée",
    RejectCode.DEPENDENCY_REJECTED: "dossier refusé",
    RejectCode.INVALID_OP: "opération illisible",
}
KINDS = {
    OpType.BOOKING_BOOK: "Réservation refusée",
    OpType.BOOKING_CANCEL: "Annulation refusée",
    OpType.FAMILY_UPSERT: "Dossier refusé",
    OpType.WALLET_ENTRY: "Porte-monnaie refusé",
    OpType.PAYMENT_RECEIVED: "Règlement refusé",
    OpType.BOOKINGS_APPLY: "Inscription en partie refusée",
    OpType.INVOICE_ISSUE: "Facture refusée",
    OpType.INVOICE_CANCEL: "Avoir refusé",
    OpType.PAYMENT_CANCEL: "Annulation de quittance refusée",
    OpType.FAMILY_MERGE: "Fusion de dossiers refusée",
}
# The outbox statuses that are issues: refused, or a form applied with days refused.
ISSUE_STATUSES = ("rejected", "partial")
FORM_ACTIONS = (
    "Les jours refusés ne sont pas réservés et leurs tickets ont été rendus ; les jours "
    "complets sont sur la liste d'attente. Prévenez la famille et proposez d'autres jours.",
)
ACTIONS = {
    RejectCode.CAPACITY_FULL: (
        "Le jour n'est pas réservé et le ticket a été rendu : proposez la liste "
        "d'attente ou un autre jour, et prévenez la famille.",
    ),
    RejectCode.DEADLINE_PASSED: (
        "Le jour n'est pas réservé et le ticket a été rendu : réservez avec une "
        "dérogation si elle se justifie, sinon prévenez la famille.",
    ),
    RejectCode.STALE_VERSION: (
        "Rouvrez le dossier (il a reçu les changements du serveur) et refaites la modification.",
    ),
    RejectCode.DEPENDENCY_REJECTED: (
        "Traitez d'abord l'incident du dossier (juste au-dessus), puis refaites cette opération.",
    ),
    RejectCode.INVALID_OP: (
        "Cette opération est mise de côté, les suivantes ont été envoyées : corrigez la donnée "
        "en cause (caractère invisible, date ou nombre hors limites), puis refaites-la.",
    ),
}
DEFAULT_ACTION = ("Vérifiez la situation avec la famille, puis marquez l'incident comme traité.",)


@dataclass(frozen=True)
class SyncIssue:
    seq: int
    at: datetime
    title: str  # « Réservation refusée — complet »
    subject: str  # « Léa Dupont — Cantine du jeudi 24 septembre 2026 »
    message: str  # the server's own French message
    code: str
    actions: tuple[str, ...]
    handled_at: datetime | None = None
    handled_by: str = ""  # the person's name


def _subject(session, op_type: str, payload: dict, label: str) -> str:
    try:
        return (
            _booking_subject(session, op_type, payload)
            or label
            or _family_subject(session, payload)
        )
    except (KeyError, TypeError, ValueError, AttributeError):  # unreadable (INVALID_OP)
        return label


def _family_subject(session, payload: dict) -> str:
    """« Dossier F00042 — DUPONT Marie & Jean » for an op of a family without its own label
    (a wallet line, a payment)."""
    family_id = payload.get("family_id")
    family = session.get(Family, uuid.UUID(family_id)) if family_id else None
    return f"Dossier {family.reference} — {family.display_name}" if family else ""


def _booking_subject(session, op_type: str, payload: dict) -> str:
    if op_type in (OpType.BOOKING_BOOK, OpType.BOOKING_CANCEL):
        child = session.get(Child, uuid.UUID(payload["child_id"]))
        activity = session.get(Activity, uuid.UUID(payload["activity_id"]))
        day = format_date(date.fromisoformat(payload["day"]), "EEEE d MMMM y", locale="fr_FR")
        name = f"{child.first_name} {child.last_name}" if child else "Enfant inconnu"
        return f"{name} — {activity.name if activity else 'activité inconnue'} du {day}"
    return ""


def _issue(session, row: OutboxOp, people: People) -> SyncIssue:
    code = RejectCode(row.code) if row.code in RejectCode._value2member_map_ else None
    kind = KINDS.get(row.type, "Opération refusée")
    title = f"{kind} — {REASONS[code]}" if code else kind
    return SyncIssue(
        seq=row.seq,
        at=row.answered_at or row.created_at,
        title=title,
        subject=_subject(session, row.type, json.loads(row.payload), row.label),
        message=row.message,
        code=row.code,
        actions=FORM_ACTIONS
        if row.type == OpType.BOOKINGS_APPLY
        else ACTIONS.get(code, DEFAULT_ACTION),
        handled_at=row.handled_at,
        handled_by=people.label(row.handled_by) if row.handled_by else "",
    )


def list_sync_issues(store: Store, actor: Actor, *, include_handled: bool = False):
    """The rejected ops, newest first (the handled ones only when asked), then the likely
    duplicate dossiers found after a sync."""
    actor.require(Permission.BOOKING_EDIT)
    query = select(OutboxOp).where(OutboxOp.status.in_(ISSUE_STATUSES))
    if not include_handled:
        query = query.where(OutboxOp.handled_at.is_(None))
    with store.read() as session:
        rows = session.scalars(query.order_by(OutboxOp.seq.desc())).all()
        people = People(session)
        issues = [_issue(session, row, people) for row in rows]
        pairs = duplicate_issues(session, include_handled=include_handled)
        return issues + [_duplicate_issue(pair, people) for pair in pairs]


# A likely duplicate pair is an issue of its own kind: its number is the pair's, negated (the
# ops' are positive); marking it handled declares the two « pas des doublons ».
DUPLICATE_TITLE = "Doublon possible"
DUPLICATE_CODE = "DUPLICATE"
DUPLICATE_ACTIONS = (
    "Ouvrez les deux dossiers : si c'est la même famille, un régisseur les fusionne "
    "(« Fusionner… » dans la recherche des familles) ; sinon marquez l'incident traité : "
    "ils sont déclarés « pas des doublons » et ne seront plus signalés.",
)


def _duplicate_issue(pair, people: People) -> SyncIssue:
    return SyncIssue(
        seq=-pair.pair_id,
        at=pair.at,
        title=DUPLICATE_TITLE,
        subject=pair.subject,
        message="",
        code=DUPLICATE_CODE,
        actions=DUPLICATE_ACTIONS,
        handled_at=pair.handled_at,
        handled_by=people.label(pair.handled_by) if pair.handled_by else "",
    )


@changes(Topic.SYNC)
def mark_handled(store: Store, actor: Actor, seq: int) -> SyncIssue | None:
    actor.require(Permission.BOOKING_EDIT)
    if seq < 0:
        declare_not_duplicates(store, actor, -seq)
        return None
    with store.write(actor) as session:
        row = session.get(OutboxOp, seq)
        if row is None or row.status not in ISSUE_STATUSES:
            raise NotFound("Cet incident de synchronisation n'existe pas (ou plus).")
        row.handled_at, row.handled_by = session.info["now"], actor.login
        session.flush()
        return _issue(session, row, People(session))
