"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the tests of
the server's e-mail: `mailbox` fixture, `wait_for(to=…)` returns the parsed message."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from eticket_central.throwaway import free_port


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._arrived:
            self.messages.append((list(envelope.rcpt_tos), parsed))
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, to: str, timeout: float = 10.0) -> EmailMessage:
        """The first message received for `to` (waits for it; fails after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while True:
                for recipients, message in self.messages:
                    if to in recipients:
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"aucun message reçu pour {to}")
                self._arrived.wait(left)

    def to(self, address: str) -> list[EmailMessage]:
        with self._arrived:
            return [m for recipients, m in self.messages if address in recipients]


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


def smtp_settings(box: Mailbox) -> dict:
    """The server's Settings fields that send to this mailbox (plain SMTP on loopback)."""
    return {
        "smtp_host": "127.0.0.1",
        "smtp_port": box.port,
        "smtp_security": "none",
        "mail_from": "portail@val-darve.example",
    }
