"""Fixtures of the desk's e-mail tests: the loopback mailbox, the settings pointing at it,
a family whose payer accepts documents by e-mail."""

from __future__ import annotations

from dataclasses import replace

import keyring
import pytest
from aiosmtpd.controller import Controller

from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.mail.settings import MailSettings, save_mail_settings
from tests.services.mail.mailbox import Mailbox, MemoryKeyring, free_port

MARIE = "marie.dupont@example.fr"


@pytest.fixture
def mailbox():
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    box.port = controller.port
    yield box
    controller.stop()


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture
def mail_settings(store, admin, mailbox, memory_keyring):
    settings = MailSettings(
        host="127.0.0.1",
        port=mailbox.port,
        security="none",
        sender="regie@neuvecelle.example",
        sender_name="Régie périscolaire de Neuvecelle",
        kitchen="cuisine@traiteur.example",
    )
    return save_mail_settings(store, admin, settings)


def consent(store, admin, family_id, value: bool = True):
    data = load_family(store, admin, family_id)
    data.adults = [replace(a, mail_consent=value) for a in data.adults]
    return save_family(store, admin, data)
