"""The audit log: every write is recorded automatically at flush, plus named events."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, inspect, literal_column, select
from sqlalchemy.orm import Session, sessionmaker

from eticket_desk.ids import new_id
from eticket_desk.models import AuditEntry, NumberSeries
from eticket_desk.rules.permissions import Permission
from eticket_desk.rules.text import fold
from eticket_desk.rules.treasury import masked_iban
from eticket_desk.services.access.people import People

ENTITY_LABELS = {
    "organisation": "Organisation",
    "setting": "Paramètre",
    "app_user": "Utilisateur",
    "school": "École",
    "school_class": "Classe",
    "family": "Famille",
    "adult": "Adulte",
    "child": "Enfant",
    "portal_account": "Accès portail",
    "school_year": "Année scolaire",
    "period": "Période",
    "closed_span": "Fermeture",
    "activity": "Activité",
    "activity_school": "École de l'activité",
    "booking": "Réservation",
    "subscription": "Inscription",
    "import": "Import",
    "ticket_type": "Type de ticket",
    "tariff": "Tarif",
    "tariff_bracket": "Tranche de tarif",
    "wallet_entry": "Porte-monnaie",
    "sale": "Vente",
    "sale_line": "Ligne de vente",
    "payment": "Règlement",
    "till_session": "Session de caisse",
    "till_handover": "Reprise de caisse",
    "deposit_slip": "Bordereau de chèques",
    "invoice_run": "Facturation",
    "invoice": "Facture",
    "invoice_line": "Ligne de facture",
    "payment_allocation": "Affectation de règlement",
    "credit_entry": "Avoir sur compte",
    "attendance_list": "Liste de présence",
    "parent_document": "Document d'une famille",
    "mairie_message": "Message de la mairie",
    "sepa_mandate": "Mandat SEPA",
    "debit_batch": "Lot de prélèvements",
    "debit_item": "Prélèvement",
    "caf_hours": "Heures CAF / MSA",
    "outgoing_mail": "Courriel",
}
ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "logout": "Déconnexion",
    "unlock": "Déverrouillage",
    "validate": "Validation",
    "health_view": "Consultation santé",
    "portal_access": "Accès portail",
    "demo": "Démonstration",
    "setup": "Installation",
    "deadline_override": "Dérogation au délai",
    "waiting_promoted": "Place attribuée (liste d'attente)",
    "subscription": "Inscription",
    "import": "Import",
    "sale": "Vente",
    "wallet_correction": "Correction de porte-monnaie",
    "till_close": "Clôture de caisse",
    "till_handover": "Reprise de caisse",
    "sale_cancel": "Annulation de quittance",
    "invoice_run": "Facturation",
    "credit_note": "Avoir",
    "invoice_payment": "Règlement de facture",
    "mandate_signed": "Mandat SEPA enregistré",
    "mandate_amended": "Mandat SEPA modifié",
    "mandate_revoked": "Mandat SEPA révoqué",
    "debit_batch": "Lot de prélèvements",
    "debit_reject": "Rejet de prélèvement",
    "tax_certificates": "Attestations de frais de garde",
    "export": "Export",
    "anonymise": "Anonymisation",
    "backup": "Sauvegarde",
    "mail_sent": "Courriel envoyé",
    "mail_failed": "Courriel refusé",
    "mail_retry": "Courriel renvoyé",
    "restore": "Restauration",
}
_SECRET_FIELDS = {"password_hash", "search_text", "attachment_data"}
# A family's bank account is never written whole in the journal: « FR76 •••• 1234 ».
_ACCOUNT_FIELDS = {"iban", "original_iban"}
_SKIP_TABLES = {AuditEntry.__tablename__, NumberSeries.__tablename__}


def _plain(value: object) -> object:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _label(obj: object) -> str:
    if hasattr(obj, "audit_label"):
        return obj.audit_label
    for attr in ("reference", "login"):
        if getattr(obj, attr, None):
            return str(getattr(obj, attr))
    first, last = getattr(obj, "first_name", None), getattr(obj, "last_name", None)
    if last is not None:
        return f"{first or ''} {last}".strip()
    if getattr(obj, "name", None):
        return str(obj.name)
    if getattr(obj, "key", None):
        return str(obj.key)
    return ""


def _changes(obj: object) -> dict[str, list[object]]:
    changes: dict[str, list[object]] = {}
    state = inspect(obj)
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old == new:
            continue
        if attr.key in _SECRET_FIELDS:
            changes[attr.key] = ["***", "***"]
        elif attr.key in _ACCOUNT_FIELDS:
            changes[attr.key] = [masked_iban(old) if old else old, masked_iban(new) if new else new]
        else:
            changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def _row(session: Session, action: str, obj: object, details: dict) -> dict:
    actor = session.info["actor"]
    table = obj.__tablename__
    entity = ENTITY_LABELS.get(table, table)
    label = _label(obj)
    summary = f"{ACTION_LABELS[action]} {entity.lower()} {label}".strip()
    if action == "update":
        summary += " : " + ", ".join(sorted(details))
    return {
        "id": new_id(),
        "at": session.info["now"],
        "user_id": actor.user_id,
        "user_login": actor.login,
        "action": action,
        "entity": table,
        "entity_id": str(getattr(obj, "audit_key", None) or getattr(obj, "id", "") or ""),
        "summary": summary,
        "details": json.dumps(details, ensure_ascii=False, default=str),
    }


def _after_flush(session: Session, _context: object) -> None:
    if "actor" not in session.info:
        return
    rows = []
    for action, objects in (
        ("create", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if getattr(obj, "__tablename__", None) in _SKIP_TABLES:
                continue
            if action == "update":
                if not session.is_modified(obj, include_collections=False):
                    continue
                details = _changes(obj)
                if not details:
                    continue
            elif action == "create":
                details = {
                    k: v[1] for k, v in _changes(obj).items() if v[1] not in (None, "", False)
                }
            else:
                details = {}
            rows.append(_row(session, action, obj, details))
    if rows:
        session.connection().execute(insert(AuditEntry), rows)


def install_audit_hook(factory: sessionmaker) -> None:
    from sqlalchemy import event

    event.listen(factory, "after_flush", _after_flush)


def record(
    session: Session, action: str, entity: str, entity_id: object, summary: str, **details
) -> None:
    """A named event that is not a row change (login, validation, health-data view…)."""
    actor = session.info["actor"]
    session.add(
        AuditEntry(
            at=session.info["now"],
            user_id=actor.user_id,
            user_login=actor.login,
            action=action,
            entity=entity,
            entity_id=str(entity_id or ""),
            summary=summary,
            details=json.dumps({k: _plain(v) for k, v in details.items()}, ensure_ascii=False),
        )
    )


def _named(details: dict, people: People) -> dict:
    """The logins of a change (opened_by, held_by, by…) as the persons' names."""
    for key, value in details.items():
        if key == "by" or key.endswith("_by"):
            if isinstance(value, str) and value:
                details[key] = people.label(value)
            elif isinstance(value, list):
                details[key] = [people.label(v) if isinstance(v, str) and v else v for v in value]
    return details


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    user: str
    action: str
    entity: str
    summary: str
    details: dict


def list_audit(
    store,
    actor,
    *,
    text: str = "",
    user_login: str = "",
    since: date | None = None,
    until: date | None = None,
    entity_id: str = "",
    limit: int = 500,
) -> list[AuditLine]:
    """The most recent entries first, filtered as the admin asks."""
    actor.require(Permission.AUDIT_VIEW)
    query = select(AuditEntry)
    if user_login:
        query = query.where(AuditEntry.user_login == user_login)
    if since:
        query = query.where(AuditEntry.at >= datetime.combine(since, datetime.min.time()))
    if until:
        query = query.where(AuditEntry.at <= datetime.combine(until, datetime.max.time()))
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    query = query.order_by(AuditEntry.at.desc(), literal_column("audit_entry.rowid").desc())
    if not text:
        query = query.limit(limit)
    folded = fold(text)
    with store.read() as session:
        people = People(session)
        lines: list[AuditLine] = []
        for entry in session.scalars(query):
            if len(lines) >= limit:
                break
            who = people.label(entry.user_login)
            if folded and folded not in fold(f"{entry.summary} {who} {entry.details}"):
                continue
            lines.append(
                AuditLine(
                    at=entry.at,
                    user=who,
                    action=ACTION_LABELS.get(entry.action, entry.action),
                    entity=ENTITY_LABELS.get(entry.entity, entry.entity),
                    summary=entry.summary,
                    details=_named(json.loads(entry.details or "{}"), people),
                )
            )
        return lines
