"""The command line where Windows differs: a computer without a keyring for the sync token
gets a French reason and exit 2, never a Python traceback; output sent to a file or a pipe,
which Windows encodes in cp1252 by default, keeps the French spaces of the amounts."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

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


def test_amounts_sent_to_a_file_keep_their_french_spaces_where_the_pipe_is_cp1252(tmp_path):
    """« 1 198,95 € » has a narrow no-break space (U+202F) that cp1252 lacks: a command whose
    output went to a log file once stopped half-way on UnicodeEncodeError."""
    base = tmp_path / "demo.sqlite"
    assert main(["--db", str(base), "demo", "--families", "20", "--seed", "2"]) == 0
    done = subprocess.run(
        [sys.executable, "-m", "eticket_desk", "--db", str(base), "invoices", "run"]
        + ["--period", "2026-09", "--dry-run"],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},  # a Windows pipe's default
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    said = done.stdout.decode("utf-8")
    assert "Septembre 2026 : 14 factures pour 1\u202f198,95\xa0€." in said, said
