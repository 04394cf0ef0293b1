"""What only Windows has, tested where it runs: the suite on Windows' own Python (under Wine in
CI: scripts/windows_suite.sh). The keyring is the Windows Credential Locker, the data folder
is under %LOCALAPPDATA%, the backups go to another drive letter. The lock of the open base,
the spawned workers and the encodings are tested by modules every system runs. On Linux
these tests are skipped, with the reason."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import keyring
import pytest
from sqlalchemy import select

from eticket_desk.models import Family
from eticket_desk.paths import data_folder, default_database_path
from eticket_desk.services.core.store import Store
from eticket_desk.services.maintenance.backups import backup_now, list_backups, restore
from eticket_desk.services.syncing.status import device_token, load_device, save_device

pytestmark = pytest.mark.skipif(sys.platform != "win32", reason="Windows seulement")


def test_the_sync_token_is_kept_in_the_windows_credential_locker(store, admin):
    from keyring.backends.Windows import WinVaultKeyring

    device = uuid.uuid4()
    try:
        save_device(store, admin, "https://guichet.neuvecelle.fr", device, "jeton-secret")
        loaded = load_device(store)
        assert (loaded.device_id, loaded.has_token, loaded.keyring_error) == (device, True, "")
        assert device_token(device) == "jeton-secret"
        # in Windows' credential manager itself, whatever chain keyring put it behind
        assert WinVaultKeyring().get_password("eticket-desk", str(device)) == "jeton-secret"
        # in the credential manager, not in the base
        assert b"jeton-secret" not in store.path.read_bytes()
    finally:
        keyring.delete_password("eticket-desk", str(device))


def test_the_data_folder_is_under_localappdata(monkeypatch):
    monkeypatch.delenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", raising=False)
    local = Path(os.environ["LOCALAPPDATA"])
    assert data_folder() == local / "eticket" / "eticket-desk"
    assert default_database_path() == local / "eticket" / "eticket-desk" / "eticket-desk.sqlite"


def test_backups_go_to_another_drive_letter_and_come_back(store, family):
    other = os.environ.get("ETICKET_TEST_OTHER_DRIVE")
    if not other:
        pytest.skip("pas de second lecteur pour ce test (ETICKET_TEST_OTHER_DRIVE)")
    assert Path(other).drive.upper() != Path(store.path).drive.upper()
    folder = Path(other) / "Sauvegardes eTicket" / uuid.uuid4().hex[:8]
    path = backup_now(store, folder)
    assert path.drive.upper() == Path(other).drive.upper()
    assert [b.path for b in list_backups(folder)] == [path]
    target = store.path.with_name("restaurée.sqlite")
    restore(path, target)
    with Store(target, store.clock) as restored, restored.read() as session:
        names = session.scalars(select(Family.display_name)).all()
    assert names == ["DUPONT Marie"]
