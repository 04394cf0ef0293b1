"""Merging two dossiers of one family (régisseur only): every kind of row moves to the kept
dossier, the child of both becomes one, the day booked twice keeps one booking and gives the
other's ticket back, the money is the same to the cent, the absorbed dossier is archived, the
merge is audited and goes to the server first (before the two dossiers' upserts)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from eticket_desk.models import (
    AuditEntry,
    Booking,
    Family,
    Occupancy,
    OutboxOp,
    Sale,
    WalletEntry,
)
from eticket_desk.rules.errors import DomainError, PermissionDenied
from eticket_desk.rules.permissions import Role
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.data import AdultData
from eticket_desk.services.families.dossiers import (
    load_family,
    save_family,
    validate_family,
)
from eticket_desk.services.families.duplicates import likely_duplicates
from eticket_desk.services.families.merge import merge_families, preview_merge
from eticket_desk.services.families.search import search_families
from eticket_desk.services.maintenance.integrity import check
from tests.conftest import _make_user, cash_sale, complete_family, validated_family

MONDAY, TUESDAY, THURSDAY = date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 24)


def twin_dossier(store, actor, schools):
    """The Dupont family typed a second time: Marie (same mother), Léa (same birth date, typed
    « LEA »), plus Jean the father, Tom a brother, and a note."""
    data = complete_family(schools)
    lea = replace(data.children[0], first_name="LEA")
    tom = replace(data.children[0], first_name="Tom", birth_date=date(2021, 2, 11))
    jean = AdultData(
        last_name="Dupont", first_name="Jean", relation="Père", email="jean@example.fr"
    )
    mother = replace(data.adults[0], phone_home="04 50 11 22 33")
    saved = save_family(
        store,
        actor,
        replace(data, adults=[mother, jean], children=[lea, tom], notes="Vient en bus"),
    )
    assert validate_family(store, actor, saved.id) == []
    return load_family(store, actor, saved.id)


@pytest.fixture
def regisseur(store, admin):
    return _make_user(store, admin, "regine", "Régine Caisse", Role.REGISSEUR)


def _tickets(store) -> int:
    with store.read() as session:
        return session.scalar(select(func.sum(WalletEntry.quantity)))


def test_a_new_dossier_like_another_is_named_with_its_child_and_birth_date(
    store, admin, agent, schools
):
    kept = validated_family(store, admin, schools)
    typed = complete_family(schools, last_name="DUPONT", child_first_name="lea")
    found = likely_duplicates(store, agent, typed.adults, typed.children)
    assert [d.family_id for d in found] == [kept.id]
    assert found[0].message == (
        f"Ce dossier ressemble au dossier {kept.reference} Dupont (Léa, né(e) le 03/05/2019)."
    )
    grandma = replace(typed.adults[0], first_name="Simone")
    assert likely_duplicates(store, agent, [grandma], typed.children) == []
    # the dossier being edited is not its own duplicate
    assert likely_duplicates(store, agent, kept.adults, kept.children, kept.id) == []


def test_merging_moves_every_row_and_keeps_the_money_to_the_cent(
    store, admin, agent, regisseur, schools, garderie
):
    ticket, activity = garderie
    kept = validated_family(store, admin, schools)
    absorbed = twin_dossier(store, admin, schools)
    open_till(store, agent, 0)
    cash_sale(store, agent, kept, ticket, 3, 1000)
    cash_sale(store, agent, absorbed, ticket, 4, 1000)
    lea, lea_twice, tom = kept.children[0], absorbed.children[0], absorbed.children[1]
    for child, day in ((lea, MONDAY), (lea, TUESDAY), (lea_twice, MONDAY), (lea_twice, THURSDAY)):
        book_day(store, agent, child.id, activity.id, day)
    book_day(store, agent, tom.id, activity.id, MONDAY)
    tickets_before = _tickets(store)  # 3 + 4 bought, 5 days booked
    with store.read() as session:
        cents_before = session.scalar(select(func.sum(Sale.total_cents)))
    pending_before = len(_pending(store))

    plan = preview_merge(store, regisseur, kept.id, absorbed.id)
    assert (plan.children_joined, plan.children_moved) == (["LEA"], ["Tom"])
    assert (plan.adults_joined, plan.adults_moved) == (["Marie Dupont"], ["Jean Dupont"])
    assert (plan.bookings, plan.wallet_lines, plan.sales) == (3, 4, 1)

    done = merge_families(store, regisseur, kept.id, absorbed.id)
    assert (done.days_twice, done.tickets_returned, done.bookings) == (1, 1, 2)

    merged = load_family(store, admin, kept.id)
    assert [c.first_name for c in merged.children] == ["Léa", "Tom"]
    assert [(a.first_name, a.billing) for a in merged.adults] == [("Marie", True), ("Jean", False)]
    assert merged.adults[0].phone_home == "+33450112233"  # filled where it was empty
    assert merged.notes == f"[Fusion de {absorbed.reference}] Vient en bus"
    gone = load_family(store, admin, absorbed.id)
    assert (gone.status.value, gone.adults, gone.children) == ("archived", [], [])
    assert gone.notes == f"Fusionné dans {kept.reference} le 14/09/2026 (Régine Caisse)."
    assert [f.id for f in search_families(store, agent, "dupont")] == [kept.id]
    with store.read() as session:
        days = session.execute(
            select(Booking.child_id, Booking.day, Booking.state).order_by(Booking.day)
        ).all()
        assert sorted(days) == sorted(
            [
                (lea.id, MONDAY, "booked"),
                (tom.id, MONDAY, "booked"),
                (lea.id, TUESDAY, "booked"),
                (lea.id, THURSDAY, "booked"),
            ]
        )
        monday = session.scalar(select(func.sum(Occupancy.booked)).where(Occupancy.day == MONDAY))
        assert monday == 2
        owners = set(session.scalars(select(WalletEntry.family_id)))
        assert owners == {kept.id}
        assert set(session.scalars(select(Sale.family_id))) == {kept.id}
        assert session.scalar(select(func.sum(Sale.total_cents))) == cents_before
        returned = session.scalars(
            select(WalletEntry).where(WalletEntry.reason.like("Fusion%"))
        ).one()
        assert (returned.quantity, returned.child_id, returned.day) == (1, lea.id, MONDAY)
        audit = session.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
        assert audit.user_login == "regine"
        assert f"Fusion du dossier {absorbed.reference} dans {kept.reference}" in audit.summary
        assert session.get(Family, absorbed.id).search_text == absorbed.reference.lower()
    # 7 bought, 5 booked, the Monday booked twice given back: 3 left on the kept dossier
    assert (tickets_before, _tickets(store)) == (2, 3)
    ops = _pending(store)[pending_before:]
    assert [op.type for op in ops] == [
        "family.merge",
        "family.upsert",
        "family.upsert",
        "wallet.entry",
    ]
    payload = json.loads(ops[0].payload)
    assert payload["children"] == [{"absorbed_id": str(lea_twice.id), "kept_id": str(lea.id)}]
    assert check(store).ok, check(store).faults


def _pending(store) -> list[OutboxOp]:
    with store.read() as session:
        return session.scalars(select(OutboxOp).order_by(OutboxOp.seq)).all()


def test_an_agent_or_a_coordinator_may_not_merge(store, admin, agent, coordinator, schools):
    kept = validated_family(store, admin, schools)
    absorbed = twin_dossier(store, admin, schools)
    for actor in (agent, coordinator):
        with pytest.raises(PermissionDenied, match="fusionner deux dossiers famille"):
            merge_families(store, actor, kept.id, absorbed.id)
    assert load_family(store, admin, absorbed.id).status.value == "validated"


def test_an_archived_dossier_cannot_be_merged_again(store, admin, regisseur, schools):
    kept = validated_family(store, admin, schools)
    absorbed = twin_dossier(store, admin, schools)
    merge_families(store, regisseur, kept.id, absorbed.id)
    with pytest.raises(DomainError, match="est archivé"):
        merge_families(store, regisseur, kept.id, absorbed.id)


def test_invoices_subscriptions_and_portal_access_follow_with_their_numbers(
    store, admin, regisseur, schools, activities, clock
):
    from datetime import datetime

    from eticket_desk.models import Invoice, InvoiceLine, PortalAccount, Subscription
    from eticket_desk.rules.pricing import Bracket
    from eticket_desk.rules.templates import WeekTemplate
    from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
    from eticket_desk.services.families.portal import issue_portal_access
    from eticket_desk.services.invoicing.drafts import month_period
    from eticket_desk.services.invoicing.run import issue_run
    from eticket_desk.services.subscriptions.data import SubscriptionDraft
    from eticket_desk.services.subscriptions.forms import apply_subscription

    canteen = activities["CANTINE"]  # invoiced per day: no ticket to give back
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 385, 520)])
    kept = validated_family(store, admin, schools)
    absorbed = twin_dossier(store, admin, schools)
    lea, lea_twice, tom = kept.children[0], absorbed.children[0], absorbed.children[1]
    monday = date(2026, 11, 2)
    book_day(store, admin, lea.id, canteen.id, monday)
    book_day(store, admin, lea_twice.id, canteen.id, monday)  # the same day, twice
    draft = SubscriptionDraft(
        tom.id, canteen.id, monday, date(2026, 11, 13), WeekTemplate(frozenset({0, 3}))
    )
    assert len(apply_subscription(store, admin, draft).to_book) == 4
    login = issue_portal_access(store, admin, absorbed.id, absorbed.adults[0].id).login
    clock.current = datetime(2026, 12, 1, 9, 0)
    issue_run(store, admin, month_period("2026-11"))
    with store.read() as session:
        before = {i.number: (i.family_id, i.total_cents) for i in session.scalars(select(Invoice))}
    assert sorted(cents for _, cents in before.values()) == [385, 5 * 385]

    done = merge_families(store, regisseur, kept.id, absorbed.id)
    assert (done.days_twice, done.tickets_returned) == (1, 0)
    with store.read() as session:
        after = {i.number: (i.family_id, i.total_cents) for i in session.scalars(select(Invoice))}
        assert after == {number: (kept.id, cents) for number, (_, cents) in before.items()}
        assert set(session.scalars(select(InvoiceLine.child_id))) == {lea.id, tom.id}
        assert session.scalars(select(Subscription.child_id)).all() == [tom.id]
        portal = session.scalars(select(PortalAccount)).one()
        assert (portal.family_id, portal.login) == (kept.id, login)
        monday_rows = session.scalars(select(Booking.child_id).where(Booking.day == monday)).all()
        assert sorted(monday_rows) == sorted([lea.id, tom.id])
    assert load_family(store, admin, kept.id).portal_login == login
    assert check(store).ok, check(store).faults
