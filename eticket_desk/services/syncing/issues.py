"""Sync issues, each until handled, with what the agent can do: the ops the server rejected
(or applied with conflicts to settle); the sync's notices (sync_notice: a wallet gone
negative, wallet_notices.py; a desk restored from a backup, syncing/restore.py); the
likely duplicate dossiers found after a pull (services/families/duplicates.py), until merged
or declared « pas des doublons ». Each issue has a `ref` naming its origin ("op:<seq>",
"notice:<id>", "pair:<id>"), which `mark_handled` takes. A refused booking's issue says what
this desk did about it: the ticket given back only when one was (the answer recorded it:
answers.py), the day not invoiced for a post-paid activity, and for a passed deadline why the
desk's clock was not trusted when it was not."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from babel.dates import format_date
from sqlalchemy import select

from eticket_desk.models import Activity, Child, Family, OutboxOp, SyncNotice
from eticket_desk.rules.errors import NotFound
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.access.people import People
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.duplicates import declare_not_duplicates, duplicate_issues
from eticket_desk.services.syncing.wallet_notices import DESK_RESTORED, WALLET_NEGATIVE
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
# The outbox statuses that are issues: refused, a form applied with days refused, a dossier
# merged with conflicts.
ISSUE_STATUSES = ("rejected", "partial", "conflict")
# A dossier merged with fields changed elsewhere first (services/families/conflicts.py).
CONFLICT_TITLE = "Dossier fusionné — conflit de modification à régler"
CONFLICT_ACTIONS = (
    "Ouvrez le dossier : pour chaque champ, choisissez « Garder la valeur du serveur » ou "
    "« Reprendre la valeur de ce poste ». L'incident se ferme avec le dernier conflit réglé.",
)
FORM_ACTIONS = (
    "Les jours refusés ne sont pas réservés (leurs tickets rendus s'ils étaient prépayés, "
    "sinon ils ne seront pas facturés) ; les jours complets sont sur la liste d'attente. "
    "Prévenez la famille et proposez d'autres jours.",
)
# What this desk did about a refused booking (answers.py stored it on the op's answer).
UNDONE_WORDS = {
    "ticket": "Le jour n'est pas réservé et le ticket a été rendu",
    "unbilled": "Le jour n'est pas réservé : la journée ne sera pas facturée",
}
NOT_BOOKED = "Le jour n'est pas réservé"
BOOKING_NEXT = {
    RejectCode.CAPACITY_FULL: "proposez la liste d'attente ou un autre jour, et prévenez la famille.",
    RejectCode.DEADLINE_PASSED: (
        "réservez avec une dérogation si elle se justifie, sinon prévenez la famille."
    ),
}
CLOCK_FIRST = (
    "L'horloge de ce poste n'était pas fiable : réglez sa date et son heure (Paramètres › "
    "Poste montre l'écart mesuré), puis refaites la réservation si elle était dans les délais."
)
ACTIONS = {
    RejectCode.CAPACITY_FULL: (f"{NOT_BOOKED} : {BOOKING_NEXT[RejectCode.CAPACITY_FULL]}",),
    RejectCode.DEADLINE_PASSED: (f"{NOT_BOOKED} : {BOOKING_NEXT[RejectCode.DEADLINE_PASSED]}",),
    RejectCode.BOOKING_LOCKED: (
        "La présence de ce jour a été pointée sur un autre poste : le jour reste consommé "
        "et le ticket rendu par l'annulation a été repris. Prévenez la famille.",
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
RESTORED_ACTIONS = (
    "Vérifiez les dernières saisies de ce poste : ce qu'il avait envoyé au serveur après la "
    "sauvegarde est revenu (dossiers, réservations, porte-monnaie).",
    "Les quittances données après la sauvegarde (listées ci-dessus) sont reprises dans le "
    "journal de caisse (ligne « quittances reprises du serveur après restauration » du journal) : "
    "à la clôture, vérifiez leur argent ; celles qui n'ont pu être reprises sont à compter à "
    "part. Leurs numéros ne seront pas redonnés. Puis marquez l'incident comme traité.",
)
DEFAULT_ACTION = ("Vérifiez la situation avec la famille, puis marquez l'incident comme traité.",)


@dataclass(frozen=True)
class SyncIssue:
    ref: str  # what it comes from: "op:<outbox seq>", "notice:<id>", "pair:<id>"
    seq: int  # the op's number in the outbox (0: a notice or a likely duplicate)
    at: datetime
    title: str  # « Réservation refusée — complet »
    subject: str  # « Léa Dupont — Cantine du jeudi 24 septembre 2026 »
    message: str  # the server's own French message
    code: str
    actions: tuple[str, ...]
    handled_at: datetime | None = None
    handled_by: str = ""  # the person's name
    merged: bool = False  # a dossier applied with conflicts to settle, not a refusal
    notice: bool = False  # what the sync itself found or did, not a server's refusal


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


def _actions(row: OutboxOp, code: RejectCode | None) -> tuple[str, ...]:
    """What the agent can do: for a refused booking, said after what this desk did (the
    ticket given back only when one was) and, for a passed deadline judged at the server's
    time, that the desk's clock comes first."""
    if row.type == OpType.BOOKINGS_APPLY:
        return FORM_ACTIONS
    if row.type != OpType.BOOKING_BOOK or code not in BOOKING_NEXT:
        return ACTIONS.get(code, DEFAULT_ACTION)
    try:
        undone = (json.loads(row.result) or {}).get("undone", "") if row.result else ""
    except (ValueError, AttributeError):
        undone = ""
    done = f"{UNDONE_WORDS.get(undone, NOT_BOOKED)} : {BOOKING_NEXT[code]}"
    if code == RejectCode.DEADLINE_PASSED and "jugée à l'heure du serveur" in row.message:
        return (done, CLOCK_FIRST)
    return (done,)


def _issue(session, row: OutboxOp, people: People) -> SyncIssue:
    code = RejectCode(row.code) if row.code in RejectCode._value2member_map_ else None
    kind = KINDS.get(row.type, "Opération refusée")
    title = f"{kind} — {REASONS[code]}" if code else kind
    if row.status == "conflict":
        title = CONFLICT_TITLE
    return SyncIssue(
        ref=f"op:{row.seq}",
        seq=row.seq,
        at=row.answered_at or row.created_at,
        title=title,
        subject=_subject(session, row.type, json.loads(row.payload), row.label),
        message=row.message,
        code=row.code,
        actions=CONFLICT_ACTIONS if row.status == "conflict" else _actions(row, code),
        handled_at=row.handled_at,
        handled_by=people.label(row.handled_by) if row.handled_by else "",
        merged=row.status == "conflict",
    )


NOTICE_TITLES = {
    WALLET_NEGATIVE: "Porte-monnaie négatif",
    DESK_RESTORED: "Poste restauré — données du serveur rechargées",
}
NOTICE_ACTIONS = {
    WALLET_NEGATIVE: (
        "Les tickets de deux postes se sont croisés : vendez des tickets à la famille, ou "
        "corrigez le porte-monnaie si un jour a été payé deux fois.",
    ),
    DESK_RESTORED: RESTORED_ACTIONS,
}


def _notice_issue(notice: SyncNotice, people: People) -> SyncIssue:
    """A sync notice as an issue."""
    return SyncIssue(
        ref=f"notice:{notice.id}",
        seq=0,
        at=notice.raised_at,
        title=NOTICE_TITLES.get(notice.kind, "À vérifier après synchronisation"),
        subject=notice.subject,
        message=notice.message,
        code=notice.kind,
        actions=NOTICE_ACTIONS.get(notice.kind, DEFAULT_ACTION),
        handled_at=notice.handled_at,
        handled_by=people.label(notice.handled_by) if notice.handled_by else "",
        notice=True,
    )


# A likely duplicate pair is an issue of its own kind; marking it handled declares the two
# « pas des doublons ».
DUPLICATE_TITLE = "Doublon possible"
DUPLICATE_CODE = "DUPLICATE"
DUPLICATE_ACTIONS = (
    "Ouvrez les deux dossiers : si c'est la même famille, un régisseur les fusionne "
    "(« Fusionner… » dans la recherche des familles) ; sinon marquez l'incident traité : "
    "ils sont déclarés « pas des doublons » et ne seront plus signalés.",
)


def _duplicate_issue(pair, people: People) -> SyncIssue:
    return SyncIssue(
        ref=f"pair:{pair.pair_id}",
        seq=0,
        at=pair.at,
        title=DUPLICATE_TITLE,
        subject=pair.subject,
        message="",
        code=DUPLICATE_CODE,
        actions=DUPLICATE_ACTIONS,
        handled_at=pair.handled_at,
        handled_by=people.label(pair.handled_by) if pair.handled_by else "",
        notice=True,
    )


def list_sync_issues(store: Store, actor: Actor, *, include_handled: bool = False):
    """The rejected ops, the sync's notices and the likely duplicate dossiers, newest first
    (the handled ones only when asked)."""
    actor.require(Permission.BOOKING_EDIT)
    query = select(OutboxOp).where(OutboxOp.status.in_(ISSUE_STATUSES))
    notices = select(SyncNotice)
    if not include_handled:
        query = query.where(OutboxOp.handled_at.is_(None))
        notices = notices.where(SyncNotice.handled_at.is_(None))
    with store.read() as session:
        rows = session.scalars(query.order_by(OutboxOp.seq.desc())).all()
        people = People(session)
        found = [_notice_issue(n, people) for n in session.scalars(notices)]
        found += [_issue(session, row, people) for row in rows]
        pairs = duplicate_issues(session, include_handled=include_handled)
        found += [_duplicate_issue(pair, people) for pair in pairs]
        return sorted(found, key=lambda issue: issue.at, reverse=True)


_GONE = "Cet incident de synchronisation n'existe pas (ou plus)."


@changes(Topic.SYNC)
def mark_handled(store: Store, actor: Actor, ref: str) -> SyncIssue | None:
    """Marks an issue handled (its `ref`): a rejected op, a sync notice, or a likely
    duplicate pair, then declared « pas des doublons » (returns None)."""
    actor.require(Permission.BOOKING_EDIT)
    origin, _, number = ref.partition(":")
    if origin not in ("op", "notice", "pair") or not number.isdigit():
        raise NotFound(_GONE)
    if origin == "pair":
        declare_not_duplicates(store, actor, int(number))
        return None
    with store.write(actor) as session:
        if origin == "notice":
            notice = session.get(SyncNotice, int(number))
            if notice is None:
                raise NotFound(_GONE)
            if notice.handled_at is None:
                notice.handled_at, notice.handled_by = session.info["now"], actor.login
            session.flush()
            return _notice_issue(notice, People(session))
        row = session.get(OutboxOp, int(number))
        if row is None or row.status not in ISSUE_STATUSES:
            raise NotFound(_GONE)
        row.handled_at, row.handled_by = session.info["now"], actor.login
        session.flush()
        return _issue(session, row, People(session))
