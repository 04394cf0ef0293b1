"""Processing a parent's document at the desk, without a server: a refusal needs its reason,
only an accepted medical certificate naming a child justifies absences, never a day still to
come; a message of the mairie needs a title, a text and a last day not passed."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date, datetime

import pytest

from eticket_desk.models import ParentDocument
from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.services.core.store import SYNC_ACTOR
from eticket_desk.services.families.documents import family_documents, review_document
from eticket_desk.services.families.mairie_messages import MessageDraft, write_message


def _pulled(store, family, kind="certificat_medical", child_id=None) -> uuid.UUID:
    document_id = uuid.uuid4()
    with store.write(SYNC_ACTOR) as session:
        session.add(
            ParentDocument(
                id=document_id,
                family_id=family.id,
                child_id=child_id,
                kind=kind,
                filename="document.pdf",
                content_type="application/pdf",
                size=9,
                sha256=hashlib.sha256(b"%PDF-1.4 ").hexdigest(),
                comment="",
                sent_by="Marie Dupont",
                sent_at=datetime(2026, 9, 14, 8, 0),
                state="sent",
                reason="",
                reviewed_by="",
            )
        )
    return document_id


def test_a_refusal_needs_its_reason_and_leaves_the_document_to_process(store, agent, family):
    document_id = _pulled(store, family)
    with pytest.raises(InvalidInput, match="Indiquez le motif du refus"):
        review_document(store, agent, document_id, accept=False, reason=" ")
    assert [d.state_label for d in family_documents(store, family.id)] == ["à traiter"]


def test_only_an_accepted_certificate_naming_a_child_justifies_absences(store, agent, family):
    quotient = _pulled(store, family, kind="quotient_familial")
    no_child = _pulled(store, family)
    past = [date(2026, 9, 11)]
    with pytest.raises(InvalidInput, match="Seul un certificat médical accepté"):
        review_document(store, agent, quotient, accept=True, justify=past)
    with pytest.raises(InvalidInput, match="ne nomme pas d'enfant"):
        review_document(store, agent, no_child, accept=True, justify=past)
    assert {d.state for d in family_documents(store, family.id)} == {"sent"}


def test_a_day_still_to_come_is_not_justified_in_advance(store, agent, family):
    lea = family.children[0]
    certificate = _pulled(store, family, child_id=lea.id)
    with pytest.raises(DomainError, match="pas à l'avance"):
        review_document(store, agent, certificate, accept=True, justify=[date(2026, 9, 15)])
    done = review_document(store, agent, certificate, accept=True)
    assert (done.justified, done.message) == (0, "Document « document.pdf » accepté.")
    assert [d.state_label for d in family_documents(store, family.id)] == ["accepté"]


def test_a_message_needs_a_title_a_text_and_a_last_day_to_come(store, agent):
    with pytest.raises(InvalidInput) as refused:
        write_message(store, agent, MessageDraft(" ", "", date(2026, 9, 13)))
    assert str(refused.value) == (
        "Le titre est obligatoire. Le texte du message est obligatoire. La date de fin "
        "d'affichage est déjà passée."
    )
