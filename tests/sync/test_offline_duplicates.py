"""Issue 18, case 4: the same family created at both desks offline. Each desk, once it has
the other's dossier, has one « Doublon possible » issue (once per pair, in either sync order);
the régisseur merges them at the town hall; after the syncs the annex and the server hold one
active dossier with the child, its bookings (the day booked twice kept once, its ticket given
back) and the wallet's sum, compared field by field and to the ticket."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from eticket_central.models import ActivityDay as ServerDay
from eticket_central.models import Booking as ServerBooking
from eticket_central.models import Child as ServerChild
from eticket_central.models import Device as ServerDevice
from eticket_central.models import Family as ServerFamily
from eticket_central.models import WalletEntry as ServerWallet
from eticket_desk.models import Booking, Family, Setting, WalletEntry
from eticket_desk.rules.numbering import DESK_LABELS
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activities import save_activity
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.dossiers import load_family, save_family
from eticket_desk.services.families.merge import merge_families
from eticket_desk.services.maintenance.integrity import check
from eticket_desk.services.syncing.cycle import run_sync
from eticket_desk.services.syncing.issues import list_sync_issues
from eticket_desk.services.syncing.status import sync_status
from tests.conftest import cash_sale, complete_family, validated_family

MONDAY, TUESDAY, THURSDAY = date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 24)


def _synced(*desks) -> None:
    for desk in desks:
        report = run_sync(desk)
        assert report.ok and report.rejected == 0, report


def _duplicates(desk, agent) -> list[str]:
    return [i.subject for i in list_sync_issues(desk, agent) if i.title == "Doublon possible"]


def _martins(desk, admin, schools, ticket, activity, tickets, days):
    """The Martin family created at this desk, tickets sold and days booked for Hugo."""
    family = validated_family(desk, admin, schools, last_name="Martin", child_first_name="Hugo")
    open_till(desk, admin, 0)
    cash_sale(desk, admin, family, ticket, tickets, 2000)
    for day in days:
        book_day(desk, admin, family.children[0].id, activity.id, day)
    return family


def _desk_rows(desk, admin, family_ids):
    """What a desk holds of these dossiers: the dossiers field by field, the bookings and
    the wallet lines."""
    with desk.read() as session:
        bookings = sorted(
            session.execute(
                select(Booking.child_id, Booking.activity_id, Booking.day, Booking.state)
            ).tuples()
        )
        wallet = {
            family_id: session.scalar(
                select(func.coalesce(func.sum(WalletEntry.quantity), 0)).where(
                    WalletEntry.family_id == family_id
                )
            )
            for family_id in family_ids
        }
    dossiers = []
    for family_id in family_ids:
        data = load_family(desk, admin, family_id)
        dossiers.append(
            (
                data.reference,
                data.status.value,
                data.notes,
                [
                    (a.id, a.last_name, a.first_name, a.phone_mobile, a.email, a.billing)
                    for a in data.adults
                ],
                [
                    (c.id, c.first_name, c.last_name, c.birth_date, c.school_id)
                    for c in data.children
                ],
            )
        )
    return dossiers, bookings, wallet


@pytest.mark.parametrize("first", ["office", "annex"])
def test_the_same_family_created_at_both_desks_is_raised_then_merged_everywhere(
    desks, admin, agent, schools, garderie, db, commune, first
):
    office, annex = desks
    ticket, activity = garderie
    save_activity(office, admin, dataclasses.replace(activity, capacity=10))
    _synced(office, annex)  # both desks take the larger capacity
    # Offline: the same family at both counters, the Monday booked at both.
    here = _martins(office, admin, schools, ticket, activity, 3, (MONDAY, TUESDAY))
    there = _martins(annex, admin, schools, ticket, activity, 2, (MONDAY, THURSDAY))
    assert (here.reference, there.reference) == ("F00002", "F100001")
    # Hugo's grandmother has a dossier of her own at the annex: the same child, not a duplicate.
    typed = complete_family(schools, last_name="Martin", child_first_name="Hugo")
    grandma = dataclasses.replace(typed.adults[0], first_name="Simone", relation="Grand-mère")
    assert save_family(annex, admin, dataclasses.replace(typed, adults=[grandma])).reference == (
        "F100002"
    )
    order = (office, annex) if first == "office" else (annex, office)
    _synced(*order, order[0])

    expected_office = (
        "Dossier F100001 Martin créé au poste Annexe école ressemble à F00002 Martin créé ici — "
        "fusionnez-les si c'est la même famille"
    )
    expected_annex = (
        "Dossier F00002 Martin créé au poste Accueil mairie ressemble à F100001 Martin créé ici — "
        "fusionnez-les si c'est la même famille"
    )
    assert _duplicates(office, agent) == [expected_office]
    assert _duplicates(annex, agent) == [expected_annex]
    _synced(office, annex)  # once per pair: a later pull raises nothing again
    assert len(_duplicates(office, agent)) == len(_duplicates(annex, agent)) == 1

    done = merge_families(office, admin, here.id, there.id)
    assert (done.children_joined, done.days_twice, done.tickets_returned) == (["Hugo"], 1, 1)
    assert _duplicates(office, agent) == []
    _synced(office, annex, office)
    assert _duplicates(annex, agent) == []  # the merge closed the annex's pair too

    hugo = here.children[0].id
    ids = [here.id, there.id]
    office_rows, annex_rows = _desk_rows(office, admin, ids), _desk_rows(annex, admin, ids)
    assert office_rows == annex_rows
    dossiers, bookings, wallet = office_rows
    kept, absorbed = dossiers
    assert kept[1] == "validated" and [c[1] for c in kept[4]] == ["Hugo"]
    assert absorbed[1:] == (
        "archived",
        "Fusionné dans F00002 le 14/09/2026 (Anne Martin).",
        [],
        [],
    )
    hugo_days = [(day, state) for child, _, day, state in bookings if child == hugo]
    assert hugo_days == [(MONDAY, "booked"), (TUESDAY, "booked"), (THURSDAY, "booked")]
    # 3 + 2 tickets bought, 4 days booked, the Monday booked twice given back: 2 left
    assert wallet == {here.id: 2, there.id: 0}

    db.expire_all()
    server_families = {f.id: f for f in db.scalars(select(ServerFamily))}
    assert server_families[there.id].status == "archived"
    assert server_families[there.id].data["children"] == []
    assert [c["id"] for c in server_families[here.id].data["children"]] == [str(hugo)]
    assert [(a["first_name"], a["last_name"]) for a in server_families[here.id].data["adults"]] == [
        (a[2], a[1]) for a in kept[3]
    ]
    assert db.get(ServerChild, there.children[0].id) is None
    on_server = sorted(
        db.execute(
            select(
                ServerBooking.child_id,
                ServerBooking.activity_id,
                ServerBooking.day,
                ServerBooking.state,
            ).where(ServerBooking.tenant_id == commune.tenant_id)
        ).tuples()
    )
    assert on_server == bookings
    assert set(
        db.scalars(select(ServerBooking.family_id).where(ServerBooking.child_id == hugo))
    ) == {here.id}
    monday = db.scalar(
        select(ServerDay.booked).where(
            ServerDay.activity_id == activity.id, ServerDay.day == MONDAY
        )
    )
    assert monday == 1
    for family_id, tickets in wallet.items():
        assert (
            db.scalar(
                select(func.coalesce(func.sum(ServerWallet.quantity), 0)).where(
                    ServerWallet.family_id == family_id
                )
            )
            == tickets
        )
    for desk in (office, annex):
        assert check(desk).ok, check(desk).faults


def test_a_pair_declared_not_duplicates_on_the_issues_panel_is_not_raised_again(
    qtbot, desks, admin, agent, schools
):
    from PySide6.QtCore import Qt

    from eticket_desk.ui.context import AppContext, ChangeBus
    from eticket_desk.ui.sync import SyncIssuesScreen
    from eticket_desk.ui.tasks import ImmediateRunner

    office, annex = desks
    validated_family(office, admin, schools, last_name="Martin", child_first_name="Hugo")
    validated_family(annex, admin, schools, last_name="Martin", child_first_name="Hugo")
    _synced(annex, office, annex)
    assert sync_status(office).open_issues == 1
    ctx = AppContext(store=office, actor=agent, runner=ImmediateRunner(), bus=ChangeBus())
    screen = SyncIssuesScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    [card] = screen.cards
    texts = [label.text() for label in card.findChildren(type(screen.summary_label))]
    assert "Doublon possible" in texts
    assert "Signalé le 14/09/2026 09:30" in texts
    assert any(t.startswith("À faire : Ouvrez les deux dossiers") for t in texts)
    assert card.handle_button.text() == "Pas des doublons (traité)"
    qtbot.mouseClick(card.handle_button, Qt.MouseButton.LeftButton)  # « pas des doublons »
    assert screen.cards == []
    assert screen.summary_label.text() == "Aucun problème de synchronisation à traiter."
    _synced(office, annex)
    assert _duplicates(office, agent) == [] and sync_status(office).open_issues == 0
    handled = list_sync_issues(office, agent, include_handled=True)
    assert [(i.title, i.handled_by) for i in handled] == [("Doublon possible", "Paul Guichet")]
    assert _duplicates(annex, agent) != []  # the annex decides for itself
    with office.read() as session:
        assert session.scalar(select(func.count()).select_from(Family)) == 3


@pytest.mark.parametrize("first", ["office", "annex"])
def test_the_other_desk_is_named_by_its_label_then_by_its_number_when_unknown(
    desks, admin, agent, schools, db, commune, first
):
    """The server gives the commune's desks' labels at each sync: a desk renamed there is
    named anew after the next sync; a desk that never heard its labels says « poste n° 2 »."""
    office, annex = desks
    validated_family(office, admin, schools, last_name="Martin", child_first_name="Hugo")
    validated_family(annex, admin, schools, last_name="Martin", child_first_name="Hugo")
    order = (office, annex) if first == "office" else (annex, office)
    _synced(*order, order[0])
    assert _duplicates(office, agent) == [
        "Dossier F100001 Martin créé au poste Annexe école ressemble à F00002 Martin créé ici — "
        "fusionnez-les si c'est la même famille"
    ]
    annex_device = db.get(ServerDevice, commune.desks[1].device_id)
    assert (annex_device.number, annex_device.label) == (2, "Annexe école")
    annex_device.label = "Annexe du Parc"
    db.commit()
    _synced(office)
    assert _duplicates(office, agent)[0].startswith(
        "Dossier F100001 Martin créé au poste Annexe du Parc ressemble à F00002 Martin"
    )
    with office.write(admin) as session:  # as on a desk synced before the server named desks
        session.execute(delete(Setting).where(Setting.key == DESK_LABELS))
    assert _duplicates(office, agent)[0].startswith(
        "Dossier F100001 Martin créé au poste n° 2 ressemble à F00002 Martin créé ici"
    )
    assert _duplicates(annex, agent)[0].startswith(
        "Dossier F00002 Martin créé au poste Accueil mairie ressemble à F100001 Martin"
    )
