"""Typed program settings with defaults, stored in the database (shared by every desk)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from sqlalchemy import select

from eticket_desk.models import Setting
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store


@dataclass(frozen=True)
class AppSettings:
    idle_lock_minutes: int = 5
    invoice_due_days: int = 30  # the due date of an invoice, from its issue
    backup_folder: str = ""  # empty: backups/ beside the database

    def check(self) -> None:
        errors = {}
        if not 1 <= self.idle_lock_minutes <= 120:
            errors["idle_lock_minutes"] = (
                "Le verrouillage doit être compris entre 1 et 120 minutes."
            )
        if not 1 <= self.invoice_due_days <= 90:
            errors["invoice_due_days"] = (
                "Le délai de paiement doit être compris entre 1 et 90 jours."
            )
        if len(self.backup_folder) > 500 or "\0" in self.backup_folder:
            errors["backup_folder"] = "Le dossier des sauvegardes n'est pas un chemin valide."
        if errors:
            raise ValidationFailed(errors)


def load_settings(store: Store) -> AppSettings:
    with store.read() as session:
        stored = {s.key: json.loads(s.value) for s in session.scalars(select(Setting))}
    known = {f.name for f in fields(AppSettings)}
    return AppSettings(**{k: v for k, v in stored.items() if k in known})


@changes(Topic.SETTINGS)
def save_settings(store: Store, actor: Actor, settings: AppSettings) -> None:
    actor.require(Permission.SETTINGS_EDIT)
    settings.check()
    with store.write(actor) as session:
        for key, value in asdict(settings).items():
            row = session.get(Setting, key)
            encoded = json.dumps(value, ensure_ascii=False)
            if row is None:
                session.add(Setting(key=key, value=encoded))
            elif row.value != encoded:
                row.value = encoded


def read_setting(session, key: str, default: object) -> object:
    """One setting inside an open session (JSON value), or `default` when never saved."""
    row = session.get(Setting, key)
    return default if row is None else json.loads(row.value)
