"""The desk's sync settings and status: server URL (setting), token (OS keyring), and what
the status bar shows (en ligne / hors ligne, ops waiting, last sync, last error), and this
desk's clock as the server measured it (the « Poste » settings page). Running a
sync is cycle.py's (it loads the HTTP client: not needed to show the status)."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime

import keyring
from keyring.errors import KeyringError
from sqlalchemy import func, select

from eticket_desk.models import OutboxOp, Setting, SyncNotice
from eticket_desk.rules.desk_clock import offset_words, spoken_duration
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.numbering import DESK_NUMBER, family_reference, family_series
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.families.duplicates import raised_pairs
from eticket_desk.services.syncing.issues import ISSUE_STATUSES
from eticket_desk.services.syncing.state import (
    CLOCK_MEASURED,
    CLOCK_OFFSET,
    CLOCK_TRUSTED,
    LAST_ERROR,
    LAST_SYNC,
    ONLINE,
    read_state,
)
from eticket_desk.sync.first_upload import never_synced, queue_first_upload

KEYRING_SERVICE = "eticket-desk"
SERVER_URL, DEVICE_ID = "sync.server_url", "sync.device_id"
NO_KEYRING = (
    "Ce poste n'a pas de trousseau de mots de passe utilisable : le jeton de synchronisation "
    "ne peut pas y être gardé (il n'est jamais écrit dans un fichier). Sous Windows, c'est le "
    "Gestionnaire d'identification de la session ; sous Linux, installez et ouvrez un trousseau "
    "(GNOME Keyring ou KWallet), puis enregistrez à nouveau le jeton."
)


class KeyringUnavailable(DomainError):
    """The system has no keyring (or refuses it): the token can be neither kept nor read."""

    def __init__(self) -> None:
        super().__init__(NO_KEYRING)


@dataclass(frozen=True)
class DeviceSettings:
    server_url: str
    device_id: uuid.UUID | None
    has_token: bool
    desk_number: int | None = None  # given by the server at the first sync
    keyring_error: str = ""  # the French reason the token cannot be read, if it cannot

    @property
    def numbering(self) -> str:
        """« Poste n° 2 de la commune : ses nouveaux dossiers sont numérotés F100001, … »."""
        if self.desk_number is None:
            return "Numéro du poste : donné par le serveur à la première synchronisation."
        _, offset = family_series(self.desk_number)
        first = family_reference(offset + 1)
        return (
            f"Poste n° {self.desk_number} de la commune : ses nouveaux dossiers sont "
            f"numérotés à partir de {first}."
        )

    @property
    def configured(self) -> bool:
        return bool(self.server_url and self.device_id and self.has_token)


@dataclass(frozen=True)
class SyncStatus:
    configured: bool
    online: bool
    waiting_ops: int
    open_issues: int
    last_sync: datetime | None
    last_error: str
    problem: str = ""  # what stops any sync on this computer (no keyring)

    @property
    def label(self) -> str:
        """« En ligne » / « Hors ligne » / « Synchronisation non configurée »."""
        if self.problem:
            return "Synchronisation impossible sur ce poste"
        if not self.configured:
            return "Synchronisation non configurée"
        return "En ligne" if self.online else "Hors ligne"

    @property
    def text(self) -> str:
        """The status bar's line: « En ligne · 3 opérations en attente · synchronisé à 09:30 »."""
        if self.problem:
            return f"{self.label}. {self.problem}"
        parts = [self.label]
        if self.configured:
            if self.waiting_ops:
                plural = "s" if self.waiting_ops > 1 else ""
                parts.append(f"{self.waiting_ops} opération{plural} en attente")
            if self.last_sync is not None:
                parts.append(f"synchronisé le {self.last_sync:%d/%m à %H:%M}")
            if self.open_issues:
                plural = "s" if self.open_issues > 1 else ""
                parts.append(f"{self.open_issues} incident{plural} à traiter")
        return " · ".join(parts)


def device_token(device_id: uuid.UUID | None) -> str | None:
    """The desk's token from the OS keyring; KeyringUnavailable when there is none."""
    if not device_id:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, str(device_id))
    except KeyringError as error:
        raise KeyringUnavailable() from error


def load_device(store: Store) -> DeviceSettings:
    with store.read() as session:
        url = read_state(session, SERVER_URL, "")
        device = read_state(session, DEVICE_ID, None)
        number = read_state(session, DESK_NUMBER, None)
    device_id = uuid.UUID(device) if device else None
    desk = int(number) if number is not None else None
    try:
        has_token = device_token(device_id) is not None
    except KeyringUnavailable as missing:
        return DeviceSettings(url, device_id, False, desk, missing.message)
    return DeviceSettings(url, device_id, has_token, desk)


@changes(Topic.SYNC)
def save_device(
    store: Store, actor: Actor, server_url: str, device_id: uuid.UUID, token: str
) -> DeviceSettings:
    """Registers this desk: URL and device id in the settings, the token in the OS keyring
    (never in a file)."""
    actor.require(Permission.SETTINGS_EDIT)
    url = server_url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise InvalidInput("L'adresse du serveur doit commencer par http:// ou https://.")
    if not token.strip():
        raise InvalidInput("Le jeton de ce poste est obligatoire.")
    with store.write(actor) as session:
        before = read_state(session, DEVICE_ID, None)
        if before is not None and before != str(device_id):
            # Another device: a copy of a desk becoming a desk of its own. What the old device
            # still had to send would be sent twice; its dossier numbers are not this one's.
            waiting = session.scalar(
                select(func.count()).select_from(OutboxOp).where(OutboxOp.status == "pending")
            )
            if waiting:
                raise InvalidInput(
                    f"Ce poste a encore {waiting} opération(s) à envoyer sous son ancien "
                    "enregistrement : synchronisez-le d'abord, puis enregistrez le nouveau."
                )
            row = session.get(Setting, DESK_NUMBER)
            if row is not None:
                session.delete(row)
        if before is None and never_synced(session):
            # Its first registration: everything it holds goes up once.
            queue_first_upload(session, store.clock.today())
        for key, value in ((SERVER_URL, url), (DEVICE_ID, str(device_id))):
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=json.dumps(value)))
            else:
                row.value = json.dumps(value)
        try:  # in the transaction: without a keyring, nothing of the registration stays
            keyring.set_password(KEYRING_SERVICE, str(device_id), token.strip())
        except KeyringError as error:
            raise KeyringUnavailable() from error
    return load_device(store)


@dataclass(frozen=True)
class DeskClockState:
    """This desk's clock as the server measured it at the last sync (every sync measures it,
    whether it had ops to push or not)."""

    offset_s: int | None
    trusted: bool
    measured_at: datetime | None

    @property
    def text(self) -> str:
        """« Horloge de ce poste : à l'heure (écart 3 s, mesuré le 14/09/2026 à 09:30) » or
        the warning of a clock the server does not trust."""
        if self.measured_at is None:
            return "Horloge de ce poste : pas encore mesurée (elle le sera à la prochaine synchronisation)."
        when = f"mesuré le {self.measured_at:%d/%m/%Y} à {self.measured_at:%H:%M}"
        if self.offset_s is None:
            return (
                f"Horloge de ce poste : écart inconnu ({when}) — les délais sont jugés à "
                "l'heure du serveur."
            )
        gap = spoken_duration(self.offset_s)
        if self.trusted:
            return f"Horloge de ce poste : à l'heure (écart {gap}, {when})."
        return (
            f"Attention : l'horloge de ce poste {offset_words(self.offset_s)} ({when}). "
            "Réglez la date et l'heure de l'ordinateur : tant qu'elle n'est pas à l'heure, "
            "le serveur juge les délais de réservation à sa propre heure."
        )


def desk_clock(store: Store) -> DeskClockState:
    with store.read() as session:
        measured = read_state(session, CLOCK_MEASURED, None)
        offset = read_state(session, CLOCK_OFFSET, None)
        trusted = bool(read_state(session, CLOCK_TRUSTED, False))
    at = datetime.fromisoformat(measured) if measured else None
    return DeskClockState(int(offset) if offset is not None else None, trusted, at)


def sync_status(store: Store) -> SyncStatus:
    device = load_device(store)
    with store.read() as session:
        waiting = session.scalar(
            select(func.count()).select_from(OutboxOp).where(OutboxOp.status == "pending")
        )
        issues = (
            session.scalar(
                select(func.count())
                .select_from(OutboxOp)
                .where(OutboxOp.status.in_(ISSUE_STATUSES), OutboxOp.handled_at.is_(None))
            )
            + session.scalar(
                select(func.count()).select_from(SyncNotice).where(SyncNotice.handled_at.is_(None))
            )
            + raised_pairs(session)
        )  # likely duplicate dossiers are issues too
        last = read_state(session, LAST_SYNC, None)
        return SyncStatus(
            configured=device.configured,
            online=bool(read_state(session, ONLINE, False)),
            waiting_ops=waiting,
            open_issues=issues,
            last_sync=datetime.fromisoformat(last) if last else None,
            last_error=read_state(session, LAST_ERROR, "") or "",
            problem=device.keyring_error,
        )
