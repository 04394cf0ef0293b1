"""A desk that never synced (here the demo town, written by bulk writers that leave no op)
sends everything it holds at its first registration, once; the server then equals the desk."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from eticket_central.models import Booking as ServerBooking
from eticket_central.models import Family as ServerFamily
from eticket_central.models import Invoice as ServerInvoice
from eticket_central.models import Payment as ServerPayment
from eticket_central.models import WalletEntry as ServerWallet
from eticket_desk.clock import FrozenClock
from eticket_desk.models import Booking, Family, OutboxOp, Payment, WalletEntry
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD, DEMO_TODAY, DemoOptions, build_demo_town
from eticket_desk.services.invoicing.queries import list_invoices
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.status import save_device
from eticket_desk.sync.wire import OpType
from tests.central.conftest import START


def test_a_demo_town_goes_up_whole_at_its_first_registration(tmp_path, commune, memory_keyring, db):
    path = tmp_path / "demo.sqlite"
    build_demo_town(path, DemoOptions(families=12), clock=FrozenClock(START))
    store = Store(path, FrozenClock(START))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    with store.read() as session:
        families = session.scalar(select(func.count()).select_from(Family))
        tickets = dict(
            session.execute(
                select(WalletEntry.family_id, func.sum(WalletEntry.quantity)).group_by(
                    WalletEntry.family_id
                )
            ).all()
        )
        ahead = session.scalar(
            select(func.count()).where(
                Booking.day >= START.date(), Booking.state.in_(("booked", "waiting"))
            )
        )
    assert families and not session_ops(store, OpType.FAMILY_UPSERT)  # bulk-written: no op
    device = commune.desk("Accueil mairie")
    save_device(store, admin, str(device.http.base_url), device.device_id, device.token)
    report = run_sync(store)
    assert report.ok and report.rejected == 0, (report.error, report.rejected_labels[:3])

    db.expire_all()
    assert (
        db.scalar(select(func.count()).where(ServerFamily.tenant_id == commune.tenant_id))
        == families
    )
    on_server = dict(
        db.execute(
            select(ServerWallet.family_id, func.sum(ServerWallet.quantity))
            .where(ServerWallet.tenant_id == commune.tenant_id)
            .group_by(ServerWallet.family_id)
        ).all()
    )
    assert on_server == tickets  # every family's wallet, to the ticket
    assert (
        db.scalar(
            select(func.count()).where(
                ServerBooking.tenant_id == commune.tenant_id,
                ServerBooking.day >= date(2026, 9, 14),
                ServerBooking.state.in_(("booked", "waiting")),
            )
        )
        == ahead
        > 0
    )
    # Registered again (same device): nothing is sent twice.
    save_device(store, admin, str(device.http.base_url), device.device_id, device.token)
    assert run_sync(store).pushed == 0
    store.close()


def session_ops(store: Store, op_type: OpType) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).where(OutboxOp.type == op_type.value))


def test_the_demo_towns_invoices_and_counter_payments_go_up_paid_as_on_the_desk(
    tmp_path, commune, memory_keyring, db
):
    """The default demo: October invoiced, paid in full, in part or not at all at the counter;
    the server holds every invoice with what was paid on it, and every payment."""
    commune.central.clock.current = DEMO_TODAY
    path = tmp_path / "demo.sqlite"
    # another seed than above: a demo's ids come from its seed, and ids are the server's keys
    build_demo_town(path, DemoOptions(families=12, seed=3))
    store = Store(path, FrozenClock(DEMO_TODAY))
    admin, _ = authenticate(store, "admin", DEMO_PASSWORD)
    invoices = {
        i.id: (i.number, i.total_cents, i.settled_cents)
        for i in list_invoices(store, admin)
        if i.kind == "invoice"
    }
    with store.read() as session:
        received = session.scalar(select(func.sum(Payment.amount_cents)))
    assert invoices and {s > 0 for _, _, s in invoices.values()} == {True, False}
    device = commune.desk("Accueil mairie")
    save_device(store, admin, str(device.http.base_url), device.device_id, device.token)
    report = run_sync(store)
    assert report.ok and report.rejected == 0, (report.error, report.rejected_labels[:3])

    db.expire_all()
    on_server = {
        i.id: (i.number, i.amount_cents, i.paid_cents)
        for i in db.scalars(
            select(ServerInvoice).where(ServerInvoice.tenant_id == commune.tenant_id)
        )
    }
    assert on_server == invoices
    assert (
        db.scalar(
            select(func.sum(ServerPayment.amount_cents)).where(
                ServerPayment.tenant_id == commune.tenant_id
            )
        )
        == received
    )
    store.close()
