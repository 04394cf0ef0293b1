"""The administrator's commands on a real file: backup, check (exit 1 on a fault), restore
(a bad file refused with a French message, exit 1; a registered desk told it reloads at its
next sync), export-family and anonymise."""

from __future__ import annotations

import json
import os
import uuid

import keyring
import pytest

import tests.services.test_integrity as scenes
from eticket_desk.cli import main
from eticket_desk.services.core.restored import RESTORED_MESSAGE, DeskRestored
from eticket_desk.services.core.store import Store
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.maintenance.backups import verify_backup
from eticket_desk.services.syncing.status import save_device
from tests.sync.stand_ins import MemoryKeyring

town = scenes.town


def test_backup_then_check_a_sound_town(store, town, tmp_path, capsys):
    db = str(store.path)
    out = tmp_path / "cle" / "sauvegarde.sqlite"
    assert main(["--db", db, "backup", "--out", str(out)]) == 0
    assert f"Sauvegarde écrite : {out}" in capsys.readouterr().out
    assert verify_backup(out)
    assert main(["--db", db, "check"]) == 0
    assert "Aucune anomalie : la base est cohérente." in capsys.readouterr().out
    assert main(["--db", db, "backup"]) == 0  # dated, in backups/ beside the database
    assert f"backups{os.sep}eticket-" in capsys.readouterr().out


def test_check_fails_on_each_kind_of_fault(store, town, capsys):
    db = str(store.path)
    faults = {
        "UPDATE number_series SET next_value = next_value + 1 WHERE name LIKE 'rec%'": (
            "quittances Q-2026 : numéros manquants 4"
        ),
        "UPDATE wallet_entry SET quantity = 0 WHERE kind = 'purchase'": "portefeuille négatif",
        "UPDATE payment_allocation SET amount_cents = amount_cents + 1": "paiement sur-affecté",
        "UPDATE activity SET capacity = 0 WHERE code = 'BUS'": "capacité dépassée : Bus 8h30",
        "UPDATE sale_line SET sale_id = 'ffffffffffffffffffffffffffffffff'": (
            "ligne orpheline : sale_line"
        ),
    }
    for statement, line in faults.items():
        scenes._tamper(store, statement)
        assert main(["--db", db, "check"]) == 1
        out = capsys.readouterr().out
        assert line in out and "anomalie(s) trouvée(s)" in out


def test_restore_refuses_a_bad_file_and_takes_a_good_one(store, town, tmp_path, capsys):
    db = store.path
    good = tmp_path / "bonne.sqlite"
    assert main(["--db", str(db), "backup", "--out", str(good)]) == 0
    store.close()
    bad = tmp_path / "abimee.sqlite"
    bad.write_bytes(good.read_bytes()[:8192])
    before = db.read_bytes()
    capsys.readouterr()
    assert main(["--db", str(db), "restore", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "ne peut pas être restauré" in err or "n'est pas une base" in err
    assert "Rien n'a été remplacé." in err
    assert db.read_bytes() == before
    assert main(["--db", str(db), "restore", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Base restaurée" in out and "L'ancienne base est gardée" in out
    assert main(["--db", str(db), "check"]) == 0


def test_restoring_a_registered_desk_says_it_reloads_at_its_next_sync(
    store, admin, town, tmp_path, capsys
):
    """A desk registered with a server: the restored base waits for the server's state,
    and no op is written meanwhile (a standalone desk's restore, above, says nothing of it)."""
    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    try:
        save_device(store, admin, "https://guichet.example.fr", uuid.uuid4(), "jeton")
    finally:
        keyring.set_keyring(previous)
    db, good = store.path, tmp_path / "hier.sqlite"
    assert main(["--db", str(db), "backup", "--out", str(good)]) == 0
    store.close()
    assert main(["--db", str(db), "restore", str(good)]) == 0
    out = capsys.readouterr().out
    assert "à sa prochaine synchronisation, il recharge les données du serveur" in out
    _, martin = town
    with Store(db, store.clock) as restored:
        family = load_family(restored, admin, martin.id)
        with pytest.raises(DeskRestored) as refused:
            save_family(restored, admin, family)
    assert refused.value.message == RESTORED_MESSAGE


def test_export_family_and_anonymise_dry_run(store, town, tmp_path, capsys):
    _, martin = town
    db = str(store.path)
    assert main(["--db", db, "export-family", martin.reference, "--out", str(tmp_path / "e")]) == 0
    out = capsys.readouterr().out
    assert f"{martin.reference}.json" in out and f"{martin.reference}.pdf" in out
    data = json.loads((tmp_path / "e" / f"{martin.reference}.json").read_text(encoding="utf-8"))
    assert data["adultes"][0]["last_name"] == "Martin"
    assert main(["--db", db, "export-family", "F-999999", "--out", str(tmp_path)]) == 1
    assert "Aucun dossier famille" in capsys.readouterr().err
    assert main(["--db", db, "anonymise", "--dry-run"]) == 0
    assert "0 famille(s) partie(s) depuis plus de 3 an(s)" in capsys.readouterr().out
    assert main(["--db", db, "anonymise", "--years", "0"]) == 1
    assert "entre 1 et 50" in capsys.readouterr().err
