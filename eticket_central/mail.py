"""The server's outgoing e-mail (password reset links, payment receipts), over SMTP.

Settings (app.Settings.smtp_*) name the relay: plain, STARTTLS or SSL, with or without a
login. Sending is blocking: callers send after their transaction committed, from a worker
thread (`anyio.to_thread.run_sync`), never holding a database connection. A failure raises
MailError with a French reason; the caller decides what the parent is told. Without a relay
configured nothing is sent and the log says so (a server without e-mail still works)."""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

log = logging.getLogger(__name__)
TIMEOUT_S = 15


class MailError(Exception):
    pass


def build_message(
    sender: str,
    to: str,
    subject: str,
    text: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(text, charset="utf-8")
    for filename, data, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message


def send_mail(
    state,
    to: str,
    subject: str,
    text: str,
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> bool:
    """Sends one message through the server's relay; False when no relay is configured."""
    settings = state.settings
    if not settings.smtp_host:
        log.warning("E-mail non envoyé (aucun serveur SMTP configuré) : « %s » à %s", subject, to)
        return False
    message = build_message(settings.mail_from, to, subject, text, attachments)
    try:
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=TIMEOUT_S,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT_S)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailError(f"Le message n'a pas pu être envoyé à {to} : {error}") from error
    return True
