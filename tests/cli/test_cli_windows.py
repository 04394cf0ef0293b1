"""The command line where Windows differs: a computer without a keyring for the sync token
gets a French reason and exit 2, never a Python traceback."""

from __future__ import annotations

import uuid

import keyring
from keyring.backends import fail

from eticket_desk.cli import main
from eticket_desk.services.syncing.status import NO_KEYRING, save_device
from tests.services.test_windows_portability import MemoryKeyring


def test_sync_without_a_keyring_says_why_in_french(store, admin, capsys):
    previous = keyring.get_keyring()
    try:
        keyring.set_keyring(MemoryKeyring())
        save_device(store, admin, "https://guichet.example.fr", uuid.uuid4(), "jeton")
        keyring.set_keyring(fail.Keyring())  # the keyring is gone (or never was)
        assert main(["--db", str(store.path), "sync", "--once"]) == 2
    finally:
        keyring.set_keyring(previous)
    err = capsys.readouterr().err
    assert err.strip() == NO_KEYRING
    assert "Traceback" not in err
