"""What a parent does on the portal's pages reaches the desk, and the desk's decisions reach
the parent: contacts changed on « Mon dossier »; a document sent, listed at the desk after
the pull, opened there (the bytes fetched and checked), refused with a reason the parent
reads, or a medical certificate accepted with the child's absences justified; the mairie's
messages written at the desk show to the families they target, until their last day."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select

from eticket_central.documents import family_documents
from eticket_central.models import Booking as ServerBooking
from eticket_central.portal.messages import messages_for
from eticket_desk.models import Adult
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
from eticket_desk.services.families.search import search_families
from eticket_desk.services.syncing.cycle import sync_once
from eticket_desk.sync.protocol import OpType
from tests.central.portal_pages import browser, csrf_of, open_session
from tests.conftest import cash_sale, validated_family
from tests.sync.test_push_pull import MONDAY

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def parent_browser(central, commune, family_id):
    """The family's parent logged in on the portal's pages."""
    return browser(central, open_session(central, commune.tenant_id, family_id))


def sent_by_parent(central, commune, family_id, child_id=None, kind="certificat_medical"):
    """The parent sends a PDF from « Mes documents »; its id on the server."""
    with parent_browser(central, commune, family_id) as pages:
        token = csrf_of(pages.get("/portail/documents").text)
        answer = pages.post(
            "/portail/documents",
            data={
                "csrf": token,
                "type": kind,
                "enfant": str(child_id) if child_id else "",
                "commentaire": "Grippe, une semaine",
            },
            files={"fichier": ("certificat Léa.pdf", PDF, "application/pdf")},
        )
        assert answer.status_code == 303, answer.text
    with central.sessions.begin() as session:
        [document] = family_documents(session, commune.tenant_id, family_id)
        return document.id


def parent_reads(central, commune, family_id) -> str:
    with parent_browser(central, commune, family_id) as pages:
        return pages.get("/portail/documents").text


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

    page = parent_reads(central, commune, lea_family.id)
    assert "refusé</span> : Attestation de 2024 : illisible" in page


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
    assert "accepté</span>" in parent_reads(central, commune, lea_family.id)


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


def test_contacts_changed_on_the_dossier_page_reach_the_desk(
    store, agent, lea_family, client, central, commune
):
    assert sync_once(store, client).ok
    with store.read() as session:
        mother = session.scalars(
            select(Adult).where(Adult.family_id == lea_family.id).order_by(Adult.position)
        ).first()
    with parent_browser(central, commune, lea_family.id) as pages:
        token = csrf_of(pages.get("/portail/dossier").text)
        answer = pages.post(
            "/portail/dossier/coordonnees",
            data={
                "csrf": token,
                "adulte": str(mother.id),
                "phone_mobile": "07 81 22 33 44",
                "email": "marie.dupont@example.org",
                "city": "Évian-les-Bains",
            },
        )
        assert answer.status_code == 303, answer.text

    report = sync_once(store, client)
    assert report.ok and report.pulled == 1
    with store.read() as session:
        changed = session.get(Adult, mother.id)
        assert (changed.phone_mobile, changed.email, changed.city) == (
            "+33781223344",
            "marie.dupont@example.org",
            "Évian-les-Bains",
        )
    assert [h.id for h in search_families(store, agent, "0781223344")] == [lea_family.id]


def test_a_document_refused_at_another_desk_shows_refused_here_after_the_pull(
    store, lea_family, client, central, commune, other_desk
):
    assert sync_once(store, client).ok
    document_id = sent_by_parent(central, commune, lea_family.id, kind="quotient_familial")
    assert sync_once(store, client).ok
    assert [d.state_label for d in desk_documents(store, lea_family.id)] == ["à traiter"]

    answer = other_desk.push(
        other_desk.op(
            OpType.DOCUMENT_REVIEW,
            document_id=str(document_id),
            state="refused",
            reason="Attestation illisible",
        )
    )[0]
    assert answer["status"] == "applied", answer
    assert sync_once(store, client).ok

    [row] = desk_documents(store, lea_family.id)
    assert row.state_label == "refusé : Attestation illisible"
    assert documents_to_process(store) == []
