"""A parent's document reaches the desk and the desk's decision reaches the parent: the desk
lists it after the pull, opens it (the bytes fetched and checked), refuses it with a reason
the parent reads, or accepts a medical certificate and justifies the child's absences; the
mairie's messages written at the desk show to the families they target, until their last day."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from eticket_central.changes import flush_changes
from eticket_central.documents import family_documents, store_document
from eticket_central.models import Booking as ServerBooking
from eticket_central.portal.messages import messages_for
from eticket_desk.rules.errors import InvalidInput
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.families.documents import (
    documents_to_process,
    fetch_document,
    justifiable_days,
    review_document,
)
from eticket_desk.services.families.documents import (
    family_documents as desk_documents,
)
from eticket_desk.services.families.mairie_messages import (
    MessageDraft,
    list_messages,
    withdraw_message,
    write_message,
)
from eticket_desk.services.syncing.cycle import sync_once
from tests.conftest import cash_sale, validated_family
from tests.sync.test_push_pull import MONDAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def sent_by_parent(central, commune, family_id, child_id=None, kind="certificat_medical"):
    """What the portal's upload page stores (eticket_central.documents), for one family."""
    now = central.clock.now()
    with central.sessions.begin() as session:
        document = store_document(
            session,
            commune.tenant_id,
            family_id,
            kind=kind,
            filename="certificat Léa.pdf",
            content=PDF,
            child_id=child_id,
            comment="Grippe, une semaine",
            sent_by="Claire Dupont",
            now=now,
        )
        flush_changes(session, commune.tenant_id, None, now)
        return document.id


def test_the_desk_lists_a_parents_document_refuses_it_and_the_parent_reads_why(
    store, agent, lea_family, client, central, commune
):
    assert sync_once(store, client).ok  # the dossier goes up
    document_id = sent_by_parent(central, commune, lea_family.id, kind="quotient_familial")

    assert sync_once(store, client).ok
    [row] = documents_to_process(store)
    assert (row.id, row.kind_label, row.filename, row.state_label) == (
        document_id,
        "Attestation de quotient familial",
        "certificat Léa.pdf",
        "à traiter",
    )
    assert [d.id for d in desk_documents(store, lea_family.id)] == [document_id]
    opened = fetch_document(client, row, store.path.parent / "documents")
    assert opened.read_bytes() == PDF

    try:
        review_document(store, agent, document_id, accept=False, reason="  ")
    except InvalidInput as error:
        assert str(error) == "Indiquez le motif du refus : la famille le lira sur le portail."
    else:
        raise AssertionError("a refusal without a reason was taken")
    review_document(
        store, agent, document_id, accept=False, reason="Attestation de 2024 : illisible"
    )
    assert documents_to_process(store) == []
    assert sync_once(store, client).ok

    with central.sessions.begin() as session:
        [seen] = family_documents(session, commune.tenant_id, lea_family.id)
        assert (seen.state, seen.reason) == ("refused", "Attestation de 2024 : illisible")


def test_a_certificate_accepted_justifies_the_absences_the_agent_picks(
    store, agent, lea_family, garderie, server_planning, client, central, commune, clock, db
):
    ticket, activity = garderie
    lea = lea_family.children[0]
    open_till(store, agent, 0)
    cash_sale(store, agent, lea_family, ticket, 2, 480)
    book_day(store, agent, lea.id, activity.id, MONDAY)
    assert sync_once(store, client).ok
    clock.current = central.clock.current = datetime(2026, 9, 22, 9, 0)  # the day after
    document_id = sent_by_parent(central, commune, lea_family.id, child_id=lea.id)
    assert sync_once(store, client).ok

    assert [d.day for d in justifiable_days(store, lea.id)] == [MONDAY]
    done = review_document(store, agent, document_id, accept=True, justify=[MONDAY])
    assert (done.justified, done.message) == (
        1,
        "Document « certificat Léa.pdf » accepté. 1 absence(s) justifiée(s).",
    )
    assert sync_once(store, client).ok
    db.expire_all()
    assert (
        db.scalar(
            select(ServerBooking.state).where(
                ServerBooking.child_id == lea.id, ServerBooking.day == MONDAY
            )
        )
        == "absent_justified"
    )
    with central.sessions.begin() as session:
        [seen] = family_documents(session, commune.tenant_id, lea_family.id)
        assert (seen.state, seen.reason) == ("accepted", "")


def test_a_message_shows_to_the_families_it_targets_until_its_last_day(
    store, admin, agent, lea_family, schools, client, central, commune
):
    other = validated_family(store, admin, schools, last_name="Martin", child_first_name="Tom")
    write_message(
        store,
        agent,
        MessageDraft(
            "Fermeture exceptionnelle", "La cantine est fermée le 2 octobre.", date(2026, 10, 2)
        ),
    )
    own = write_message(
        store,
        agent,
        MessageDraft(
            "Dossier incomplet", "Merci d'apporter l'attestation.", date(2026, 9, 30), lea_family.id
        ),
    )
    everyone, mine = list_messages(store)
    assert (mine.title, mine.audience.split()[0], mine.status(date(2026, 9, 14))) == (
        "Dossier incomplet",
        "DUPONT",
        "affiché",
    )
    assert everyone.audience == "Toutes les familles"
    assert sync_once(store, client).ok

    def titles(family_id, today):
        with central.sessions.begin() as session:
            return [m.title for m in messages_for(session, commune.tenant_id, family_id, today)]

    assert titles(lea_family.id, date(2026, 9, 14)) == [
        "Dossier incomplet",
        "Fermeture exceptionnelle",
    ]
    assert titles(other.id, date(2026, 9, 14)) == ["Fermeture exceptionnelle"]
    assert titles(lea_family.id, date(2026, 10, 1)) == ["Fermeture exceptionnelle"]
    assert titles(lea_family.id, date(2026, 10, 3)) == []
    assert titles(uuid.uuid4(), date(2026, 9, 14)) == ["Fermeture exceptionnelle"]

    withdraw_message(store, agent, own)
    assert sync_once(store, client).ok
    assert titles(lea_family.id, date(2026, 9, 14)) == ["Fermeture exceptionnelle"]
