"""`eticket-desk sync`: one sync from the command line, in French; exit 2 when the desk is
not registered, 1 when the server could not be reached."""

from __future__ import annotations

from eticket_desk.cli import main
from eticket_desk.services.syncing.status import save_device


def test_an_unconfigured_desk_is_told_so(store, capsys):
    assert main(["--db", str(store.path), "sync", "--once"]) == 2
    assert "Synchronisation non configurée" in capsys.readouterr().err


def test_a_sync_prints_its_report_and_an_unreachable_server_exits_1(
    store, admin, family, device, memory_keyring, capsys
):
    url = str(device.http.base_url)
    save_device(store, admin, url, device.device_id, device.token)
    assert main(["--db", str(store.path), "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "Envoyées : " in out and "Refusées par le serveur : 0." in out
    assert "En ligne" in out

    save_device(store, admin, "http://127.0.0.1:9", device.device_id, device.token)
    assert main(["--db", str(store.path), "sync", "--once"]) == 1
    captured = capsys.readouterr()
    assert "Échec : " in captured.err and "Hors ligne" in captured.out


def test_without_once_it_syncs_every_n_seconds_until_stopped(
    store, admin, family, device, memory_keyring, capsys, monkeypatch
):
    from eticket_desk import cli_admin

    save_device(store, admin, str(device.http.base_url), device.device_id, device.token)
    pauses: list[int] = []

    def sleep(seconds):
        pauses.append(seconds)
        if len(pauses) == 2:
            raise KeyboardInterrupt  # Ctrl+C during the second pause

    monkeypatch.setattr(cli_admin.time, "sleep", sleep)
    assert main(["--db", str(store.path), "sync", "--every", "30"]) == 0
    out = capsys.readouterr().out
    assert pauses == [30, 30]
    assert out.count("Envoyées : ") == 2  # two syncs, then stopped
    assert out.rstrip().endswith("Synchronisation arrêtée.")
