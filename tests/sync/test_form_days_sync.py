"""A form's days travel as the form's terms plus exceptions and the server records them as ONE
change per form op (issue 17): a town's first upload puts on the server exactly the days the
desk holds, and another desk pulling gets the same days, the removed ones included."""

from __future__ import annotations

import json
import sqlite3
from datetime import date

from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_central.models import ChangeLog
from eticket_central.models import Subscription as ServerSubscription
from eticket_desk.clock import FrozenClock
from eticket_desk.models import Booking, OutboxOp, Subscription
from eticket_desk.rules.templates import WeekTemplate
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.bookings.booking import cancel_booking
from eticket_desk.services.core.store import Store
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.demo.town import DEMO_PASSWORD, DemoOptions, build_demo_town
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.subscriptions.forms import SubscriptionDraft, apply_subscription
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.state import CURSOR, put_state
from eticket_desk.services.syncing.status import save_device
from eticket_desk.sync.wire import OpType
from tests.central.conftest import START
from tests.conftest import cash_sale

HELD = ("booked", "waiting")
FIRST, LAST = date(2026, 9, 15), date(2026, 10, 16)  # Tuesday 15/09 to Friday 16/10
CANCELLED = date(2026, 9, 24)  # a Thursday of the form, cancelled at the counter


def _desk_days(store: Store, since: date) -> dict[tuple, str]:
    with store.read() as session:
        rows = session.execute(
            select(Booking.child_id, Booking.activity_id, Booking.day, Booking.state).where(
                Booking.day >= since, Booking.state.in_(HELD)
            )
        )
        return {(c, a, d): s for c, a, d, s in rows}


def _server_days(db, tenant_id, since: date) -> dict[tuple, str]:
    db.expire_all()
    rows = db.execute(
        select(
            ServerBooking.child_id,
            ServerBooking.activity_id,
            ServerBooking.day,
            ServerBooking.state,
        ).where(
            ServerBooking.tenant_id == tenant_id,
            ServerBooking.day >= since,
            ServerBooking.state.in_(HELD),
        )
    )
    return {(c, a, d): s for c, a, d, s in rows}


def _changes(db, tenant_id) -> dict[str, int]:
    db.expire_all()
    rows = db.execute(
        select(ChangeLog.entity, func.count())
        .where(ChangeLog.tenant_id == tenant_id)
        .group_by(ChangeLog.entity)
    )
    return dict(rows.all())


def _annex_without_days(store: Store, commune, admin, tmp_path) -> Store:
    """Another desk: a copy of this one's base without a single booking or form, registered
    as a device of its own, that pulls the commune's changes from the start."""
    annex = commune.desk("Annexe école")
    path = tmp_path / "annexe.sqlite"
    source, target = sqlite3.connect(store.path), sqlite3.connect(path)
    source.backup(target)
    source.close()
    for table in ("booking", "subscription", "occupancy"):
        target.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)
    target.commit()
    target.close()
    annex_store = Store(path, store.clock)
    with annex_store.write(admin) as session:
        put_state(session, {CURSOR: 0})
    save_device(annex_store, admin, str(annex.http.base_url), annex.device_id, annex.token)
    return annex_store


def _form_ops(store: Store) -> list[dict]:
    with store.read() as session:
        rows = session.scalars(
            select(OutboxOp.payload).where(OutboxOp.type == OpType.BOOKINGS_APPLY.value)
        )
        return [json.loads(row) if isinstance(row, str) else row for row in rows]


def test_a_small_towns_first_upload_puts_exactly_its_days_on_the_server_and_on_another_desk(
    tmp_path, commune, memory_keyring, db
):
    path = tmp_path / "demo.sqlite"
    build_demo_town(path, DemoOptions(families=12, seed=5), clock=FrozenClock(START))
    store = Store(path, FrozenClock(START))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    today = START.date()
    held = _desk_days(store, today)
    with store.read() as session:
        forms = session.scalar(select(func.count()).select_from(Subscription))
    assert len(held) > 20 * forms > 0  # a form books dozens of days
    office = commune.desk("Accueil mairie")
    save_device(store, admin, str(office.http.base_url), office.device_id, office.token)
    sent = _form_ops(store)
    assert sent and all(op["book"] == [] and op["book_terms"] for op in sent)

    report = run_sync(store)

    assert report.ok and report.rejected == 0, (report.error, report.rejected_labels[:3])
    assert _server_days(db, commune.tenant_id, today) == held
    changes = _changes(db, commune.tenant_id)
    assert "booking" not in changes  # no change per day …
    assert changes["booking_days"] == len(sent)  # … one per form, with its terms
    db.expire_all()
    assert (
        db.scalar(select(func.count()).where(ServerSubscription.tenant_id == commune.tenant_id))
        == forms
    )

    annex = _annex_without_days(store, commune, admin, tmp_path)
    assert _desk_days(annex, today) == {}
    report = run_sync(annex)

    assert report.ok, report.error
    assert _desk_days(annex, today) == held
    with annex.read() as session:
        assert session.scalar(select(func.count()).select_from(Subscription)) == forms
    store.close()
    annex.close()


def _lea_form(store, agent, lea_family, garderie, template=(0, 1, 3, 4)):
    ticket, activity = garderie
    lea = lea_family.children[0]
    draft = SubscriptionDraft(lea.id, activity.id, FIRST, LAST, WeekTemplate(frozenset(template)))
    return apply_subscription(store, agent, draft)


def test_a_day_removed_from_a_form_travels_as_an_exception(
    store, admin, agent, lea_family, garderie, commune, memory_keyring, db, tmp_path
):
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 30, 7200)
    preview = _lea_form(store, agent, lea_family, garderie)
    assert len(preview.to_book) == 19
    cancel_booking(store, agent, lea.id, activity.id, CANCELLED)
    held = _desk_days(store, START.date())
    assert len(held) == 18 and (lea.id, activity.id, CANCELLED) not in held
    office = commune.desk("Accueil mairie")
    save_device(store, admin, str(office.http.base_url), office.device_id, office.token)
    (form,) = _form_ops(store)  # the first upload: the form, as its terms plus the day removed
    assert form["book"] == [] and form["book_terms"] == {
        "start": "2026-09-15",
        "end": "2026-10-16",
        "weekdays": "0134",
        "parity": "all",
        "added": [],
        "removed": ["2026-09-24"],
    }

    assert run_sync(store).ok
    assert _server_days(db, commune.tenant_id, START.date()) == held
    annex = _annex_without_days(store, commune, admin, tmp_path)
    assert run_sync(annex).ok
    assert _desk_days(annex, START.date()) == held
    assert check(annex).ok, check(annex).faults  # the seats counted as the days pulled
    annex.close()


def test_a_form_changed_later_travels_as_its_new_terms(
    store, admin, agent, lea_family, garderie, commune, memory_keyring, db, tmp_path
):
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 30, 7200)
    office = commune.desk("Accueil mairie")
    save_device(store, admin, str(office.http.base_url), office.device_id, office.token)
    assert run_sync(store).ok
    _lea_form(store, agent, lea_family, garderie)
    assert run_sync(store).ok  # the form goes up as a form op, decided by the server
    annex = _annex_without_days(store, commune, admin, tmp_path)
    assert run_sync(annex).ok
    assert len(_desk_days(annex, START.date())) == 19
    before = _changes(db, commune.tenant_id)

    preview = _lea_form(store, agent, lea_family, garderie, template=(0, 3))  # Mondays, Thursdays
    assert len(preview.to_cancel) == 10  # the Tuesdays and Fridays
    assert run_sync(store).ok

    held = _desk_days(store, START.date())
    assert sorted(day.weekday() for (_, _, day) in held) == [0] * 4 + [3] * 5
    assert _server_days(db, commune.tenant_id, START.date()) == held
    after = _changes(db, commune.tenant_id)
    assert after.get("booking", 0) == before.get("booking", 0)  # nothing recorded per day
    assert after["booking_days"] == before["booking_days"] + 1
    assert run_sync(annex).ok
    assert _desk_days(annex, START.date()) == held
    with annex.read() as session:
        form = session.scalars(select(Subscription).where(Subscription.child_id == lea.id)).one()
    assert (form.start, form.end, form.weekdays, form.parity) == (FIRST, LAST, "03", "all")
    assert check(annex).ok, check(annex).faults
    annex.close()
