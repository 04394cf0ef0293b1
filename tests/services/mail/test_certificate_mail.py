"""« Envoyer les attestations par e-mail »: the family's certificate of frais de garde goes
with its PDF to the payer who accepted documents by e-mail, read back from a real SMTP server;
without consent nothing is queued and the reason is said; never queued twice."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from eticket_desk.services.mail.certificates import queue_year_certificates
from eticket_desk.services.mail.queue import NO_CONSENT, family_mails
from eticket_desk.services.mail.sender import send_pending
from eticket_desk.services.mail.testing import desk_transport
from tests.services.certificate_town import (
    NOVEMBER,
    OCTOBER,
    book_month,
    invoice_month,
    make_town,
    pay,
)
from tests.services.mail.conftest import MARIE, consent

# Léa's and Zoé's care in October (garderie whole, the canteen's supervision part): 34,20 € each.
OCTOBER_CARE = 2 * (2500 + 920)


@pytest.fixture
def paid_town(store, admin, schools, activities, clock):
    town = make_town(store, admin, schools, activities)
    book_month(store, admin, town, OCTOBER + NOVEMBER)
    october = invoice_month(store, admin, clock, "2026-10", datetime(2026, 11, 2, 9))
    pay(store, admin, town, october, october.total_cents)
    return town


def test_the_certificate_goes_with_its_pdf_to_the_payer_who_accepted(
    store, admin, mail_settings, mailbox, paid_town
):
    family = paid_town["family"]
    consent(store, admin, family.id)
    queued = queue_year_certificates(store, admin, 2026)
    assert (queued.queued, queued.already, queued.skipped) == (1, 0, [])
    assert send_pending(store, desk_transport(store)).sent == 1
    [message] = mailbox.to(MARIE)
    assert message["Subject"] == "Attestation de frais de garde 2026 — Commune de Neuvecelle"
    body = message.get_body(("plain",)).get_content()
    assert "payés en 2026 (68,40\u00a0€)" in body
    assert "article 200 quater B" in body
    [attachment] = list(message.iter_attachments())
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_content())).pages)
    assert "Léa DUPONT" in text and "68,40" in text.replace("\u202f", " ").replace("\xa0", " ")
    [line] = family_mails(store, admin, family.id)
    assert (line.kind_label, line.state_label) == ("Attestation", "Envoyé")
    again = queue_year_certificates(store, admin, 2026)
    assert (again.queued, again.already) == (0, 1)


def test_without_consent_nothing_is_queued_and_the_reason_is_said(
    store, admin, mail_settings, paid_town
):
    family = paid_town["family"]
    queued = queue_year_certificates(store, admin, 2026)
    assert queued.queued == 0
    assert [reason for _name, reason in queued.skipped] == [NO_CONSENT]
    assert family_mails(store, admin, family.id) == []
