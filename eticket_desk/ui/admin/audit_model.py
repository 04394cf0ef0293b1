"""The audit table and the French reading of an entry's details (field names, old → new)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import IntEnum

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from eticket_desk.rules.contact import format_phone
from eticket_desk.rules.dossier import FamilyStatus
from eticket_desk.rules.money import format_cents
from eticket_desk.rules.permissions import Role
from eticket_desk.services.core.audit import AuditLine
from eticket_desk.services.families.data import DIETS
from eticket_desk.ui.admin.forms import format_date, format_datetime

_Index = QModelIndex | QPersistentModelIndex

FIELD_LABELS = {
    # people
    "last_name": "Nom",
    "first_name": "Prénom",
    "full_name": "Nom complet",
    "display_name": "Nom affiché",
    "relation": "Lien",
    "phone_home": "Téléphone domicile",
    "phone_mobile": "Portable",
    "phone_work": "Téléphone travail",
    "phone_work_mobile": "Portable travail",
    "phone": "Téléphone",
    "email": "E-mail",
    "address": "Adresse",
    "address1": "Adresse",
    "address2": "Complément d'adresse",
    "address3": "Complément d'adresse (2)",
    "postcode": "Code postal",
    "city": "Ville",
    "legal_guardian": "Responsable légal",
    "billing": "Adresse de facturation",
    "emergency_contact": "Contact d'urgence",
    "may_pick_up": "Autorisé à récupérer les enfants",
    "mail_consent": "Accepte les documents par e-mail",
    "third_party": "Tiers",
    # family and children
    "reference": "Référence",
    "number": "Numéro",
    "status": "Statut",
    "qf_value": "Quotient familial",
    "qf_date": "Date du quotient familial",
    "qf_source": "Source du quotient familial",
    "notes": "Notes",
    "validated_at": "Validé le",
    "birth_date": "Date de naissance",
    "school_id": "École",
    "class_id": "Classe",
    "diet": "Régime",
    "allergies": "Allergies",
    "pai": "PAI",
    "treatments": "Traitements médicaux",
    "image_authorised": "Droit à l'image",
    "outing_authorised": "Autorisation de sortie",
    # accounts
    "login": "Identifiant",
    "role": "Profil",
    "civility": "Civilité",
    "active": "Actif",
    "password_hash": "Mot de passe",
    "must_change_password": "Mot de passe à changer",
    "last_login_at": "Dernière connexion",
    "issued_at": "Remis le",
    # organisation and settings
    "name": "Nom",
    "level": "Niveau",
    "regie_name": "Nom de la régie",
    "payable_to": "Ordre des chèques",
    "treasury_name": "Trésorerie : nom",
    "treasury_address1": "Trésorerie : adresse",
    "treasury_address2": "Trésorerie : complément d'adresse",
    "treasury_postcode": "Trésorerie : code postal",
    "treasury_city": "Trésorerie : ville",
    "payfip_id": "Identifiant PayFiP",
    "invoice_mentions": "Mentions légales des factures",
    "cash_ceiling_cents": "Plafond d'encaisse",
    "school_zone": "Zone de vacances scolaires",
    "portal_url": "Adresse du portail famille",
    "key": "Paramètre",
    "value": "Valeur",
    "idle_lock_minutes": "Verrouillage après inactivité (minutes)",
    # who did it (the service gives the person's name)
    "by": "Par",
    "opened_by": "Ouverte par",
    "held_by": "Tenue par",
    "closed_by": "Clôturée par",
    "given_by": "Tenue jusque-là par",
    "taken_by": "Reprise par",
    "cancelled_by": "Annulée par",
    "updated_by": "Modifiée par",
    "created_by": "Créé par",
    "handled_by": "Traité par",
}
# Keys that say nothing to a person reading the log.
_HIDDEN_KEYS = {
    "id",
    "search_text",
    "position",
    "created_at",
    "updated_at",
    "family_id",
    "issued_by",
}
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$")
EMPTY = "(vide)"


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def value_text(key: str, value: object, names: dict[str, str] | None = None) -> str:
    """One stored value as a person reads it: Oui/Non, French dates, labels, euros.

    `names` maps ids to what they name (schools, classes), so an id reads as a name.
    """
    if value is None or value == "":
        return EMPTY
    if names and isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if key.endswith("_cents") and isinstance(value, int):
        return format_cents(value)
    if isinstance(value, str):
        return _string_text(key, value)
    return str(value)


def _string_text(key: str, value: str) -> str:
    labels: dict[str, dict[str, str]] = {
        "role": {r.value: r.label for r in Role},
        "status": {s.value: s.label for s in FamilyStatus},
        "diet": DIETS,
    }
    if key in labels:
        return labels[key].get(value, value)
    if key.startswith("phone"):
        return format_phone(value)
    if "\n" in value:
        return " / ".join(part.strip() for part in value.splitlines() if part.strip())
    if _ISO.match(value):
        parsed = datetime.fromisoformat(value)
        return format_date(parsed.date()) if len(value) == 10 else format_datetime(parsed)
    return value


def describe_details(details: dict, names: dict[str, str] | None = None) -> list[str]:
    """'{"phone_mobile": ["+336…", "+337…"]}' -> ['Portable : 06 … → 07 …'] (one line per key)."""
    lines = []
    for key, value in details.items():
        if key in _HIDDEN_KEYS:
            continue
        label = field_label(key)
        if key == "password_hash":
            lines.append(f"{label} : " + ("modifié" if isinstance(value, list) else "défini"))
        elif isinstance(value, list) and len(value) == 2:
            old, new = value
            lines.append(f"{label} : {value_text(key, old, names)} → {value_text(key, new, names)}")
        else:
            lines.append(f"{label} : {value_text(key, value, names)}")
    return lines


def _lower_first(label: str) -> str:
    """'Code postal' -> 'code postal', but 'PAI' and 'PayFiP' keep their capitals."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def readable_summary(line: AuditLine) -> str:
    """The service's summary with field names in French.

    'Modification utilisateur paul : active, role' -> '… : actif, profil';
    'Création paramètre idle_lock_minutes' -> 'Création paramètre « Verrouillage … »'.
    """
    summary = line.summary
    head, sep, tail = summary.rpartition(" : ")
    if sep and tail == ", ".join(sorted(line.details)):
        shown = [
            _lower_first(field_label(k)) for k in sorted(line.details) if k not in _HIDDEN_KEYS
        ]
        summary = f"{head} : {', '.join(shown)}" if shown else head
    for key, label in FIELD_LABELS.items():
        if "_" in key and summary.endswith(" " + key):
            return summary[: -len(key)] + f"« {label} »"
    return summary


def describe_line(line: AuditLine, names: dict[str, str] | None = None) -> str:
    """The details pane of one entry: who, when, what, then one line per changed field."""
    who = cell_text(line, AuditColumn.USER)
    head = f"{format_datetime(line.at)} — {who} — {readable_summary(line)}"
    body = describe_details(line.details, names) or ["Aucun détail."]
    return "\n".join([head, ""] + body)


class AuditColumn(IntEnum):
    AT = 0
    USER = 1
    ACTION = 2
    ENTITY = 3
    SUMMARY = 4


class AuditTableModel(QAbstractTableModel):
    """The filtered lines of the log, newest first as the service returns them."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lines: list[AuditLine] = []

    def headers(self) -> dict[AuditColumn, str]:
        return {
            AuditColumn.AT: self.tr("Date"),
            AuditColumn.USER: self.tr("Utilisateur"),
            AuditColumn.ACTION: self.tr("Action"),
            AuditColumn.ENTITY: self.tr("Objet"),
            AuditColumn.SUMMARY: self.tr("Résumé"),
        }

    def set_lines(self, lines: list[AuditLine]) -> None:
        self.beginResetModel()
        self._lines = list(lines)
        self.endResetModel()

    def lines(self) -> list[AuditLine]:
        return list(self._lines)

    def line_at(self, row: int) -> AuditLine:
        return self._lines[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._lines)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(AuditColumn)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[AuditColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        line = self._lines[index.row()]
        column = AuditColumn(index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return readable_summary(line) if column == AuditColumn.SUMMARY else None
        return cell_text(line, column)


def cell_text(line: AuditLine, column: AuditColumn) -> str:
    if column == AuditColumn.AT:
        return format_datetime(line.at)
    if column == AuditColumn.USER:
        return line.user
    if column == AuditColumn.ACTION:
        return line.action
    if column == AuditColumn.ENTITY:
        return line.entity
    return readable_summary(line)
