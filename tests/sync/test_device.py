"""The desk's device settings: the server URL in the settings, the token in the OS keyring
(never in the database file), and one sync run from them (what the UI's worker calls)."""

from __future__ import annotations

import pytest

from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.services.syncing.cycle import make_client, run_sync
from eticket_desk.services.syncing.status import (
    KEYRING_SERVICE,
    load_device,
    save_device,
    sync_status,
)


def test_not_configured_until_registered(store):
    assert not load_device(store).configured
    assert make_client(store) is None and run_sync(store) is None
    assert sync_status(store).text == "Synchronisation non configurée"


def test_the_token_goes_to_the_keyring_never_to_the_file(
    store, admin, agent, lea_family, device, memory_keyring
):
    with pytest.raises(InvalidInput, match="http:// ou https://"):
        save_device(store, admin, "serveur.local", device.device_id, device.token)
    with pytest.raises(DomainError):  # an agent does not register the desk
        save_device(store, agent, str(device.http.base_url), device.device_id, device.token)
    settings = save_device(store, admin, f"{device.http.base_url}/", device.device_id, device.token)
    assert settings.configured and settings.server_url == str(device.http.base_url).rstrip("/")
    assert memory_keyring.secrets == {(KEYRING_SERVICE, str(device.device_id)): device.token}
    store.engine.dispose()
    for path in store.path.parent.glob(store.path.name + "*"):  # the file, its WAL
        assert device.token.encode() not in path.read_bytes()

    report = run_sync(store)  # « Synchroniser maintenant »
    assert report.ok and report.pushed >= 1
    status = sync_status(store)
    assert (status.label, status.waiting_ops, status.last_error) == ("En ligne", 0, "")
    assert status.last_sync == store.clock.now()
    assert status.text == "En ligne · synchronisé le 14/09 à 09:30"
