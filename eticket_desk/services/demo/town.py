"""The deterministic demo town: builds a new database with a commune, agents and N families.

`replace_with_demo_town` (the command line's `demo`, with or without --force) builds it in a
file beside the target (`<name>.building`) and puts it in place with one rename when it is
complete: killed half-way, the old base is intact and no half town can be opened; the next
run deletes what the killed one left."""

from __future__ import annotations

import os
import random
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from eticket_desk.clock import Clock, FrozenClock
from eticket_desk.ids import seeded_ids
from eticket_desk.models import (
    Adult,
    Child,
    Family,
    NumberSeries,
    Organisation,
    School,
    SchoolClass,
    User,
)
from eticket_desk.rules.contact import normalise_phone
from eticket_desk.rules.dossier import FamilyStatus, missing_for_validation
from eticket_desk.rules.numbering import FAMILY_SERIES, family_reference
from eticket_desk.services.access.users import hash_password
from eticket_desk.services.catalogue.organisation import LEVELS
from eticket_desk.services.core.audit import record
from eticket_desk.services.core.base_lock import BaseInUse, hold
from eticket_desk.services.core.changes import Topic, changes
from eticket_desk.services.core.store import SYSTEM, Store
from eticket_desk.services.demo import data as d
from eticket_desk.services.demo.activities import (
    finish_bookings,
    start_bookings,
    write_calendar_and_activities,
    write_canteen_tariff,
    write_ticket_types,
)
from eticket_desk.services.demo.families import Dossier, FamilyMaker
from eticket_desk.services.demo.history import of_month, play_history
from eticket_desk.services.families.data import AdultData, ChildData, family_display_name
from eticket_desk.services.families.dossiers import dossier_check, search_text_for
from eticket_desk.services.invoicing.run import pdfs_written, runs_owing_pdfs

DEMO_PASSWORD = "demo2026"
DEMO_VERSION = 2  # raised when the town drawn for a seed changes: cached towns are rebuilt
DEMO_START = datetime(2026, 9, 1, 8, 0)  # the town is set up: dossiers, bookings, wallets
# The demo's today by default: a Monday morning before the counter opens, October invoiced
# on 2 November (paid in full, in part, or overdue since the 12th), three weeks of till days.
DEMO_TODAY = datetime(2026, 11, 23, 8, 0)
_BATCH = 1000  # families per bulk insert (and per progress message)
_ADULT_COLUMNS = [f.name for f in fields(AdultData) if f.name != "id"]
_CHILD_COLUMNS = [f.name for f in fields(ChildData) if f.name != "id"]
_COMPLETE = (FamilyStatus.VALIDATED, FamilyStatus.ARCHIVED)
_NO_SYNC = "PRAGMA synchronous=OFF"


@dataclass(frozen=True)
class DemoOptions:
    families: int = 300
    seed: int = 1


@changes(*Topic)
def build_demo_town(
    path: Path,
    options: DemoOptions,
    progress: Callable[[str], None] | None = None,
    clock: Clock | None = None,
) -> str:
    """Creates a new database file at `path` (must not exist) and fills it; returns a French
    summary line. `clock` gives the demo's today (DEMO_TODAY by default): the town is set up
    at the start of the school year (or today, if that is earlier) and lives until today."""
    path = Path(path)
    if path.exists():
        raise FileExistsError(f"Le fichier {path} existe déjà.")
    say = progress or (lambda _text: None)
    say(f"Création de la commune de démonstration ({options.families} familles)…")
    today = (clock or FrozenClock(DEMO_TODAY)).now()
    try:
        timeline = FrozenClock(min(today, DEMO_START))
        # The ids the services and their hooks make come from the seed too: the same town,
        # row for row (a generator of its own: the families drawn stay the same).
        ids = random.Random(options.seed * 7_919 + 5)
        with seeded_ids(ids), Store(path, timeline) as store:
            _without_fsync(store)
            children_count, booking_count = _fill(store, options, say)
            history = play_history(store, timeline, today, options.seed, say)
            for run_id in runs_owing_pdfs(store):  # the town's past runs were printed elsewhere
                pdfs_written(store, SYSTEM, run_id)
    except BaseException:
        _delete_database(path)  # no half-built town left behind
        raise
    total = options.families
    past = ""
    if history.invoices:
        past += f", {history.invoices} factures {of_month(history.month)}"
    if history.till_days:
        past += f", {history.till_days} journées de caisse"
    return (
        f"Commune de démonstration créée : {total} familles, {children_count} enfants, "
        f"{booking_count} réservations sur l'année scolaire{past}, "
        f"{len(d.USERS)} utilisateurs (mot de passe : {DEMO_PASSWORD}) — fichier {path}"
    )


SIDE_FILES = ("-wal", "-shm", "-journal")


def building_path(path: Path) -> Path:
    """Where the town is built before it replaces `path`."""
    return path.with_name(path.name + ".building")


def _delete_database(path: Path) -> None:
    for suffix in ("", *SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@changes(*Topic)
def replace_with_demo_town(
    path: Path,
    options: DemoOptions,
    progress: Callable[[str], None] | None = None,
    clock: Clock | None = None,
) -> str:
    """Builds the town in `<path>.building`, then replaces `path` (which may exist: --force)
    by it in one rename; returns the summary. Refused (BaseInUse) while a window has `path`
    open; a failure leaves `path` as it was."""
    path = Path(path)
    if path.exists():
        try:
            hold(path).release()
        except BaseInUse:
            raise BaseInUse(
                f"La base {path.name} est ouverte dans eTicket Guichet : fermez le programme "
                "sur cet ordinateur, puis recommencez (rien n'a été remplacé)."
            ) from None
    building = building_path(path)
    _delete_database(building)  # what a build killed earlier left
    summary = build_demo_town(building, options, progress, clock)
    try:
        _seal(building)
        for suffix in SIDE_FILES:  # the old base's journal must not meet the new file
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(building, path)
    except BaseException:
        _delete_database(building)
        raise
    return summary.replace(str(building), str(path))


def _seal(database: Path) -> None:
    """The built file alone holds the whole town (its WAL written back) and is on disk."""
    connection = sqlite3.connect(database)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()
    for suffix in SIDE_FILES:
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    with open(database, "rb+") as written:
        os.fsync(written.fileno())


def _without_fsync(store: Store) -> None:
    """The town's past is hundreds of small transactions: no disk sync after each one while it
    is built (a build that fails is deleted anyway)."""
    event.listen(store.engine, "connect", lambda dbapi, _record: dbapi.execute(_NO_SYNC))
    store.engine.dispose()  # the connection opened for the migrations syncs: closed


def _fill(store: Store, options: DemoOptions, say: Callable[[str], None]) -> tuple[int, int]:
    """Everything in one write transaction; returns the number of children and bookings."""
    maker = FamilyMaker(random.Random(options.seed))
    total = options.families
    children_count = 0
    with store.write(SYSTEM) as session:
        now = session.info["now"]
        classes = _write_town(session, maker, now)
        maker.use_schools(classes)
        level_of = {cid: level for levels in classes.values() for level, cid in levels.items()}
        specs = write_calendar_and_activities(session, d.COMMUNE["school_zone"], maker.uuid)
        garderie = write_ticket_types(session, maker.uuid, DEMO_START.date(), now)
        write_canteen_tariff(session, maker.uuid, DEMO_START.date(), now)
        bookings = start_bookings(session, options.seed, specs, int(total * 1.4))
        booking_count = 0
        for start in range(1, total + 1, _BATCH):
            end = min(start + _BATCH - 1, total)
            families, adults, children = [], [], []
            for number in range(start, end + 1):
                family, its_adults, its_children = _family_rows(maker, number, now)
                families.append(family)
                adults += its_adults
                children += its_children
            # Bulk Core inserts: no ORM objects, so no audit line per row (one summary below).
            session.execute(insert(Family), families)
            session.execute(insert(Adult), adults)
            session.execute(insert(Child), children)
            children_count += len(children)
            validated = {f["id"] for f in families if f["status"] == FamilyStatus.VALIDATED.value}
            for child in children:
                if child["family_id"] in validated:
                    bookings.add_child(
                        child["id"],
                        child["school_id"],
                        level_of[child["class_id"]],
                        now,
                        child["family_id"],
                    )
            booking_count += bookings.flush(session)
            say(f"Familles créées : {end} / {total}")
        booking_count += finish_bookings(session, bookings, garderie)
        say(f"Réservations de l'année scolaire : {booking_count}")
        # The next dossier typed at the counter continues the gapless series.
        session.execute(insert(NumberSeries), [{"name": FAMILY_SERIES, "next_value": total + 1}])
        summary = f"Création de la commune de démonstration ({total} familles)"
        record(session, "demo", "organisation", "", summary)
    return children_count, booking_count


def _write_town(session: Session, maker: FamilyMaker, now: datetime) -> dict:
    """The commune, its schools and their classes, the demo agents; returns the class ids."""
    org = dict(d.COMMUNE, id=maker.uuid(), phone=normalise_phone(d.COMMUNE["phone"]))
    session.execute(insert(Organisation), [org])
    classes: dict[uuid.UUID, dict[str, uuid.UUID]] = {}
    school_rows, class_rows = [], []
    for name, address in d.SCHOOLS:
        school_id = maker.uuid()
        school_rows.append({"id": school_id, "name": name, "address": address})
        classes[school_id] = {level: maker.uuid() for level in LEVELS}
        class_rows += [
            {"id": class_id, "school_id": school_id, "name": level, "level": level, "position": i}
            for i, (level, class_id) in enumerate(classes[school_id].items())
        ]
    session.execute(insert(School), school_rows)
    session.execute(insert(SchoolClass), class_rows)
    password_hash = hash_password(DEMO_PASSWORD)  # argon2 is slow: one hash for every account
    user_rows = [
        {
            "id": maker.uuid(),
            "login": login,
            "full_name": full_name,
            "civility": civility,
            "role": role,
            "password_hash": password_hash,
            "active": True,
            "must_change_password": False,
            "created_at": now,
            "last_login_at": None,
        }
        for login, full_name, role, civility in d.USERS
    ]
    session.execute(insert(User), user_rows)
    return classes


def _family_rows(maker: FamilyMaker, number: int, now: datetime):
    """The family row and the rows of its adults and children, checked like the counter would."""
    dossier: Dossier = maker.dossier()
    reference = family_reference(number)
    missing = missing_for_validation(dossier_check(dossier.adults, dossier.children))
    if dossier.status in _COMPLETE and missing:
        raise RuntimeError(f"Dossier de démonstration {reference} incomplet : {missing}")
    if dossier.status == FamilyStatus.INCOMPLETE and not missing:
        raise RuntimeError(f"Dossier de démonstration {reference} marqué incomplet à tort.")
    family_id = maker.uuid()
    family = {
        "id": family_id,
        "number": number,
        "reference": reference,
        "status": dossier.status.value,
        "display_name": family_display_name(dossier.adults),
        "qf_value": dossier.qf_value,
        "qf_date": dossier.qf_date,
        "qf_source": dossier.qf_source,
        "notes": dossier.notes,
        "search_text": search_text_for(reference, dossier.adults, dossier.children),
        "created_at": now,
        "updated_at": now,
        "validated_at": now if dossier.status in _COMPLETE else None,
    }
    adults = [_row(maker, family_id, i, a, _ADULT_COLUMNS) for i, a in enumerate(dossier.adults)]
    children = [
        _row(maker, family_id, i, c, _CHILD_COLUMNS) for i, c in enumerate(dossier.children)
    ]
    return family, adults, children


def _row(maker: FamilyMaker, family_id: uuid.UUID, position: int, item, columns) -> dict:
    row = {name: getattr(item, name) for name in columns}
    row.update(id=maker.uuid(), family_id=family_id, position=position)
    return row
