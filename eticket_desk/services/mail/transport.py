"""The SMTP relay as the sender sees it: one message sent, or a temporary failure (4xx, the
network: tried again later) or a definitive one (5xx: the reason shown on the family)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from eticket_desk.services.mail.settings import MailSettings

TIMEOUT_S = 20


class TemporaryFailure(Exception):
    """Worth another try later (a 4xx answer, the relay unreachable); French reason."""


class DefinitiveFailure(Exception):
    """The relay refused the message for good (a 5xx answer); French reason."""


def build_message(settings: MailSettings, mail, now) -> EmailMessage:
    """The message of a queued row (`OutgoingMail`), with its own Message-ID kept in the row,
    so a message re-sent after an interrupted attempt is the same message."""
    message = EmailMessage()
    message["From"] = formataddr((settings.sender_name, settings.sender))
    message["To"] = formataddr((mail.recipient_name, mail.recipient))
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(now)
    message["Message-ID"] = mail.message_id
    message.set_content(mail.body, charset="utf-8")
    if mail.attachment_name:
        data = mail.attachment_data
        if data is None:
            try:
                with open(mail.attachment_path, "rb") as file:
                    data = file.read()
            except OSError as error:
                raise DefinitiveFailure(
                    f"La pièce jointe {mail.attachment_name} est introuvable : {error.strerror}."
                ) from error
        message.add_attachment(
            data, maintype="application", subtype="pdf", filename=mail.attachment_name
        )
    return message


def _reason(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


class SmtpTransport:
    """Sends through the relay of the settings (plain, STARTTLS or SSL, with a login)."""

    def __init__(self, settings: MailSettings, password: str | None) -> None:
        self.settings, self._password = settings, password

    def send(self, message: EmailMessage) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                client = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=TIMEOUT_S, context=ssl.create_default_context()
                )
            else:
                client = smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_S)
            with client:
                if s.security == "starttls":
                    client.starttls(context=ssl.create_default_context())
                if s.login:
                    client.login(s.login, self._password or "")
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise _failure(
                code, f"Adresse refusée par le serveur de messagerie : {_reason(code, text)}"
            ) from error
        except smtplib.SMTPAuthenticationError as error:
            raise TemporaryFailure(
                "Le serveur de messagerie refuse l'identifiant ou le mot de passe "
                f"(Paramètres › Messagerie) : {_reason(error.smtp_code, error.smtp_error)}"
            ) from error
        except smtplib.SMTPResponseException as error:
            raise _failure(
                error.smtp_code,
                f"Message refusé par le serveur de messagerie : "
                f"{_reason(error.smtp_code, error.smtp_error)}",
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise TemporaryFailure(
                f"Serveur de messagerie injoignable ({s.host}:{s.port}) : {error}"
            ) from error


def _failure(code: int, reason: str) -> Exception:
    return DefinitiveFailure(reason) if 500 <= code < 600 else TemporaryFailure(reason)
