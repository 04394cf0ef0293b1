"""« Envoyer un message d'essai » and the transport of this desk's settings."""

from __future__ import annotations

from datetime import datetime
from email.utils import make_msgid

from eticket_desk.rules.contact import normalise_email
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.catalogue.organisation import load_organisation
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.services.mail.settings import load_mail_settings, smtp_password
from eticket_desk.services.mail.texts import test_body, test_subject
from eticket_desk.services.mail.transport import (
    DefinitiveFailure,
    SmtpTransport,
    TemporaryFailure,
    build_message,
)

NOT_CONFIGURED = "La messagerie n'est pas configurée (Paramètres › Messagerie)."


def desk_transport(store: Store) -> SmtpTransport | None:
    """The relay of this desk's settings (password from the keyring); None if not set."""
    settings = load_mail_settings(store)
    if not settings.configured:
        return None
    return SmtpTransport(settings, smtp_password(settings))


class _TestMail:
    def __init__(self, to: str, subject: str, body: str, message_id: str) -> None:
        self.recipient, self.recipient_name = to, ""
        self.subject, self.body, self.message_id = subject, body, message_id
        self.attachment_name, self.attachment_path, self.attachment_data = "", "", None


def send_test_message(store: Store, actor: Actor, to: str) -> str:
    """Sends a test message at once (not queued); the French result, or DomainError."""
    actor.require(Permission.SETTINGS_EDIT)
    address = normalise_email(to)
    if not address:
        raise InvalidInput("Indiquez l'adresse qui doit recevoir le message d'essai.")
    transport = desk_transport(store)
    if transport is None:
        raise DomainError(NOT_CONFIGURED)
    org = load_organisation(store)
    mail = _TestMail(address, test_subject(org), test_body(org), make_msgid())
    now: datetime = store.clock.now()
    try:
        transport.send(build_message(transport.settings, mail, now))
    except (TemporaryFailure, DefinitiveFailure) as failure:
        raise DomainError(f"Le message d'essai n'est pas parti. {failure}") from failure
    return f"Message d'essai envoyé à {address}."
