"""The local store: pragmas, migrations from the first revision, gapless family numbers."""

from __future__ import annotations

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from eticket_desk.models import Base
from eticket_desk.models.database import current_revision, head_revision, make_engine, migrate
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.services.core.store import Store
from eticket_desk.services.families.dossiers import save_family
from tests.conftest import complete_family


def test_pragmas_are_set_on_every_connection(store):
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_foreign_keys_are_enforced(store):
    raw = sqlite3.connect(store.path)
    raw.execute("PRAGMA foreign_keys=ON")
    with pytest.raises(sqlite3.IntegrityError):
        raw.execute(
            "INSERT INTO child (id, family_id, position, last_name, first_name, diet, allergies,"
            " pai, treatments, image_authorised, outing_authorised)"
            " VALUES ('00000000000000000000000000000001', '00000000000000000000000000000099',"
            " 0, 'X', 'Y', '', '', 0, '', 0, 0)"
        )
    raw.close()


def test_migrations_build_exactly_the_models(tmp_path):
    engine = make_engine(tmp_path / "fresh.sqlite")
    migrate(engine)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()


def test_an_older_file_upgrades_in_place_and_keeps_its_data(tmp_path, clock):
    path = tmp_path / "old.sqlite"
    engine = make_engine(path)
    migrate(engine, "0001")
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO family (id, number, reference, status, display_name, qf_source, notes,"
            " search_text, created_at, updated_at, version) VALUES ('0123456789abcdef0123456789abcdef',"
            " 7, 'F00007', 'draft', 'ANCIEN Paul', '', 'avant migration', 'ancien paul',"
            " '2025-01-01 10:00:00', '2025-01-01 10:00:00', 1)"
        )
    engine.dispose()
    assert current_revision(make_engine(path)) == "0001"

    with Store(path, clock) as store:
        assert current_revision(store.engine) == head_revision()
        with store.engine.connect() as connection:
            notes = connection.exec_driver_sql("SELECT notes FROM family WHERE number = 7").scalar()
            tables = {r[0] for r in connection.exec_driver_sql("SELECT name FROM sqlite_master")}
    assert notes == "avant migration"
    assert "portal_account" in tables


def test_family_numbers_are_gapless_even_when_a_save_fails(store, admin, schools):
    first = save_family(store, admin, complete_family(schools, last_name="Aubert"))
    broken = complete_family(schools, last_name="Bidon")
    broken.adults[0].phone_mobile = "06 12"
    with pytest.raises(ValidationFailed):
        save_family(store, admin, broken)
    second = save_family(store, admin, complete_family(schools, last_name="Carré"))
    assert (first.reference, second.reference) == ("F00001", "F00002")


def test_the_known_head_is_alembics_head():
    from eticket_desk.models.database import HEAD_REVISION

    assert head_revision() == HEAD_REVISION
