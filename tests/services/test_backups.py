"""Backups on real files: taken while the store is open and written, kept 7 daily + 4
weekly, and a restore that refuses a truncated, foreign or newer file without touching
anything, and keeps the replaced file aside."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date, datetime, timedelta

import pytest

from eticket_desk.paths import documents_folder
from eticket_desk.rules.errors import DomainError
from eticket_desk.services.core.settings import AppSettings, load_settings, save_settings
from eticket_desk.services.core.store import Store
from eticket_desk.services.families.dossiers import save_family
from eticket_desk.services.families.search import search_families
from eticket_desk.services.maintenance.backups import (
    BadBackup,
    backup_now,
    backup_to,
    daily_backup_due,
    list_backups,
    restore,
    rotate,
    verify_backup,
)
from eticket_desk.services.maintenance.integrity import check
from tests.conftest import complete_family


def _families(path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT COUNT(*) FROM family").fetchone()[0]
    finally:
        connection.close()


def test_a_backup_taken_while_the_store_is_being_written(store, admin, schools, tmp_path):
    save_family(store, admin, complete_family(schools))
    stop = threading.Event()

    def keep_writing():
        n = 0
        while not stop.is_set():
            n += 1
            save_family(store, admin, complete_family(schools, last_name=f"Famille{n}"))

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        copies = [backup_to(store, tmp_path / "out" / f"copie{i}.sqlite") for i in range(3)]
    finally:
        stop.set()
        writer.join()
    for copy in copies:
        assert verify_backup(copy)
        with Store(copy, store.clock) as opened:
            assert check(opened).ok
            assert _families(copy) >= 1
    assert not list((tmp_path / "out").glob("*.partial"))


def test_backup_now_goes_to_the_folder_of_the_settings(store, admin, tmp_path, clock):
    # beside the base's documents in the user's data folder, never beside a --db file
    assert backup_now(store).parent == documents_folder(store.path).parent / "backups"
    assert not (tmp_path / "backups").exists()
    save_settings(store, admin, AppSettings(backup_folder=str(tmp_path / "clé USB")))
    assert load_settings(store).backup_folder.endswith("clé USB")
    assert daily_backup_due(store, load_settings(store).backup_folder)  # nothing there yet
    path = backup_now(store)
    assert not daily_backup_due(store, load_settings(store).backup_folder)
    assert path.parent == tmp_path / "clé USB" and path.name == "eticket-2026-09-14_093000.sqlite"
    clock.current = datetime(2026, 9, 15, 8, 0)
    assert daily_backup_due(store, load_settings(store).backup_folder)


def test_rotation_keeps_seven_days_and_four_weeks(store, tmp_path, clock):
    folder = tmp_path / "sauvegardes"
    start = datetime(2026, 6, 1, 18, 0)
    for day in range(70):  # ten weeks, two backups a day
        for hour in (8, 18):
            clock.current = start + timedelta(days=day, hours=hour - 18)
            backup_now(store, folder)
    kept = list_backups(folder)
    days = [b.at.date() for b in kept]
    assert len(kept) == 11
    last = date(2026, 8, 9)
    assert days[:7] == [last - timedelta(days=n) for n in range(7)]
    assert all(b.at.hour == 18 for b in kept)  # the newest of each day
    weeks = {d.isocalendar()[1] for d in days[7:]}
    assert len(weeks) == 4 and all(d < last - timedelta(days=6) for d in days[7:])
    assert rotate(folder, last) == []


@pytest.fixture
def saved(store, admin, schools, tmp_path):
    save_family(store, admin, complete_family(schools))
    return backup_to(store, tmp_path / "bonne.sqlite")


def _unchanged_after_refusal(store, bad, match):
    before = store.path.read_bytes()
    with pytest.raises(BadBackup, match=match):
        restore(bad, store.path)
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob("*avant-restauration*"))


def test_restore_refuses_a_truncated_file(store, saved, tmp_path):
    bad = tmp_path / "coupee.sqlite"
    bad.write_bytes(saved.read_bytes()[: saved.stat().st_size // 2])
    _unchanged_after_refusal(store, bad, "endommagé|ne s'ouvre pas|n'est pas une base")


def test_restore_refuses_what_is_not_a_database(store, tmp_path):
    bad = tmp_path / "photo.sqlite"
    bad.write_bytes(b"\x89PNG" + b"\0" * 5000)
    _unchanged_after_refusal(store, bad, "n'est pas une base de données SQLite")
    other = tmp_path / "autre.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE notes (x)").connection.commit()
    _unchanged_after_refusal(store, other, "n'est pas une base eticket-desk")


def test_restore_refuses_a_newer_schema(store, saved):
    connection = sqlite3.connect(saved)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    _unchanged_after_refusal(store, saved, "version plus récente du programme")


def test_restore_refuses_a_file_with_faults(store, saved):
    connection = sqlite3.connect(saved)
    connection.execute("UPDATE number_series SET next_value = next_value + 3")
    connection.commit()
    connection.close()
    _unchanged_after_refusal(store, saved, "a des anomalies")


def test_restore_replaces_the_file_and_keeps_the_old_one_aside(store, admin, schools, saved, clock):
    save_family(store, admin, complete_family(schools, last_name="Après"))
    store.close()
    aside = restore(saved, store.path)
    assert isinstance(aside, type(saved)) and aside.exists()
    assert _families(aside) == 2 and _families(store.path) == 1
    with Store(store.path, clock) as reopened:
        assert check(reopened).ok
        assert [f.display_name for f in search_families(reopened, admin, "")][:1]


def test_bad_backup_is_a_domain_error():
    assert issubclass(BadBackup, DomainError)


def test_a_backup_of_an_older_schema_is_checked_once_brought_up_to_date(store, tmp_path):
    from eticket_desk.models.database import make_engine, migrate

    old = tmp_path / "ancienne.sqlite"
    engine = make_engine(old)
    migrate(engine, "0007")
    engine.dispose()
    assert verify_backup(old) == "0007"
    store.close()
    restore(old, store.path)
    with Store(store.path) as reopened:
        assert check(reopened).ok


def test_restore_refuses_a_base_open_in_the_program_and_changes_nothing(
    store, admin, schools, saved
):
    from eticket_desk.services.core.base_lock import BaseInUse, hold

    save_family(store, admin, complete_family(schools, last_name="Après"))
    before = _families(store.path)
    window = hold(store.path)  # the program's window has it open
    try:
        with pytest.raises(BaseInUse, match="fermez le programme"):
            restore(saved, store.path)
        with pytest.raises(BaseInUse, match="déjà ouverte"):
            hold(store.path)  # a second window on the same base
    finally:
        window.release()
    assert _families(store.path) == before  # nothing replaced
    store.close()
    restore(saved, store.path)  # once the window is closed
    assert _families(store.path) == before - 1


@pytest.mark.parametrize(
    ("statement", "named"),
    [
        (
            "CREATE TRIGGER pay_nothing AFTER INSERT ON family BEGIN "
            "UPDATE number_series SET next_value = 1; END",
            "déclencheur « pay_nothing »",
        ),
        ("CREATE VIEW every_family AS SELECT * FROM family", "vue « every_family »"),
        ("CREATE TABLE stash (secret TEXT)", "table « stash »"),
        ("CREATE INDEX family_peek ON family (display_name)", "index « family_peek »"),
    ],
)
def test_restore_refuses_a_backup_with_an_object_of_no_known_schema(store, saved, statement, named):
    connection = sqlite3.connect(saved)
    connection.execute(statement)
    connection.commit()
    connection.close()

    _unchanged_after_refusal(store, saved, f"ne crée pas : {named}")
    assert not list(store.path.parent.glob("*.restauration"))
    with pytest.raises(BadBackup) as refused:
        verify_backup(saved)
    assert refused.value.message.startswith(
        f"Le fichier {saved.name} n'a pas la structure d'une base eticket-desk"
    )


def test_restore_refuses_a_known_table_changed_or_an_index_dropped(store, saved):
    connection = sqlite3.connect(saved)
    connection.execute("ALTER TABLE family ADD COLUMN hidden TEXT")
    index, _table = connection.execute(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchone()
    connection.execute(f'DROP INDEX "{index}"')
    connection.commit()
    connection.close()
    _unchanged_after_refusal(store, saved, "modifiés : table « family »")
    _unchanged_after_refusal(store, saved, f"manquants : index « {index} »")


def test_an_older_backup_with_an_extra_trigger_is_refused_before_it_is_migrated(store, tmp_path):
    from eticket_desk.models.database import make_engine, migrate

    old = tmp_path / "ancienne.sqlite"
    engine = make_engine(old)
    migrate(engine, "0007")
    engine.dispose()
    connection = sqlite3.connect(old)
    connection.execute("CREATE TRIGGER wipe AFTER UPDATE ON family BEGIN DELETE FROM family; END")
    connection.commit()
    connection.close()
    _unchanged_after_refusal(store, old, "déclencheur « wipe »")
    assert sqlite3.connect(old).execute("SELECT version_num FROM alembic_version").fetchone() == (
        "0007",
    )
