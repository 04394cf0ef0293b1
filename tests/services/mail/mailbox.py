"""A real SMTP server on loopback (aiosmtpd) for the desk's e-mail tests: it keeps what it
receives (parsed with the email package) and answers a refusal for the addresses told to
(`box.refuse[address] = "550 …"`), like tests/central/mailbox.py without the server; the
fixtures are in conftest.py."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from keyring.backend import KeyringBackend


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.refuse: dict[str, str] = {}  # address -> the SMTP answer to its RCPT
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for recipients, m in self.messages if address in recipients]


class MemoryKeyring(KeyringBackend):
    """An in-memory keyring: the test sees what the desk kept there."""

    priority = 1

    def __init__(self) -> None:
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)
