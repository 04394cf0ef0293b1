"""The « Messagerie » settings: the SMTP relay (host, port, security, login), the sender's
address and name, the kitchen's address; the password in the OS keyring, never in the base."""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass

import keyring
from keyring.errors import KeyringError, PasswordDeleteError

from eticket_desk.models import Setting
from eticket_desk.rules.contact import normalise_email
from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.settings import read_setting
from eticket_desk.services.core.store import Actor, Store

KEYRING_SERVICE = "eticket-desk-smtp"
SECURITIES = {"none": "Aucune", "starttls": "STARTTLS", "ssl": "SSL/TLS"}
_FIELDS = ("host", "port", "security", "login", "sender", "sender_name", "kitchen")
NO_KEYRING = (
    "Ce poste n'a pas de trousseau de mots de passe utilisable : le mot de passe de la "
    "messagerie ne peut pas y être gardé (il n'est jamais écrit dans la base)."
)


@dataclass(frozen=True)
class MailSettings:
    host: str = ""
    port: int = 587
    security: str = "starttls"  # none, starttls, ssl
    login: str = ""
    sender: str = ""  # the address messages come from
    sender_name: str = ""  # « Régie périscolaire — Commune de … »
    kitchen: str = ""  # the caterer's address for the meal order (empty: not sent)

    @property
    def configured(self) -> bool:
        return bool(self.host and self.sender)

    def checked(self) -> MailSettings:
        """The settings cleaned, or ValidationFailed with a French message per field."""
        errors: dict[str, str] = {}
        host = self.host.strip()
        if host and (" " in host or len(host) > 200):
            errors["host"] = "Le serveur SMTP n'est pas un nom d'hôte valide."
        if not 1 <= int(self.port) <= 65535:
            errors["port"] = "Le port doit être compris entre 1 et 65535."
        if self.security not in SECURITIES:
            errors["security"] = "Choisissez une sécurité : aucune, STARTTLS ou SSL."
        addresses = {}
        for name in ("sender", "kitchen"):
            try:
                addresses[name] = normalise_email(getattr(self, name))
            except InvalidInput as error:
                errors[name] = error.message
        if host and not addresses.get("sender", "x") and "sender" not in errors:
            errors["sender"] = "Indiquez l'adresse d'où partent les messages."
        if errors:
            raise ValidationFailed(errors)
        return MailSettings(
            host,
            int(self.port),
            self.security,
            self.login.strip(),
            addresses["sender"],
            self.sender_name.strip(),
            addresses["kitchen"],
        )


def _key(name: str) -> str:
    return f"mail.{name}"


def read_mail_settings(session) -> MailSettings:
    default = MailSettings()
    return MailSettings(**{f: read_setting(session, _key(f), getattr(default, f)) for f in _FIELDS})


def load_mail_settings(store: Store) -> MailSettings:
    with store.read() as session:
        return read_mail_settings(session)


def smtp_password(settings: MailSettings) -> str | None:
    """The relay's password from the OS keyring (None: none kept)."""
    if not settings.login:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, f"{settings.login}@{settings.host}")
    except KeyringError as error:
        raise DomainError(NO_KEYRING) from error


@changes(Topic.SETTINGS)
def save_mail_settings(
    store: Store, actor: Actor, settings: MailSettings, password: str | None = None
) -> MailSettings:
    """Saves the settings; `password` (None: unchanged, "": forgotten) goes to the keyring,
    inside the transaction: without a keyring nothing of the change stays."""
    actor.require(Permission.SETTINGS_EDIT)
    clean = settings.checked()
    with store.write(actor) as session:
        for name in _FIELDS:
            value = json.dumps(getattr(clean, name), ensure_ascii=False)
            row = session.get(Setting, _key(name))
            if row is None:
                session.add(Setting(key=_key(name), value=value))
            elif row.value != value:
                row.value = value
        if password is not None and clean.login:
            account = f"{clean.login}@{clean.host}"
            try:
                if password:
                    keyring.set_password(KEYRING_SERVICE, account, password)
                else:
                    with contextlib.suppress(PasswordDeleteError):
                        keyring.delete_password(KEYRING_SERVICE, account)
            except KeyringError as error:
                raise DomainError(NO_KEYRING) from error
    return clean
