"""E-mail from the desk, sent to a real SMTP server on loopback and read back as the family
would: the invoice's French subject and body and its PDF; no consent, nothing queued and the
reason said; a 5xx refusal shown on the family; a 4xx tried again later; a crash between
« en cours » and « envoyé » never sends twice; the kitchen's order once, after the deadline;
the SMTP password never in the base."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.pricing import Bracket
from eticket_desk.services.bookings.booking import book_day
from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
from eticket_desk.services.invoicing.drafts import month_period
from eticket_desk.services.invoicing.run import issue_run
from eticket_desk.services.mail.invoices import queue_run_invoices
from eticket_desk.services.mail.letters import queue_portal_letter, queue_reminders
from eticket_desk.services.mail.meal_order import queue_due_meal_orders
from eticket_desk.services.mail.queue import (
    NO_CONSENT,
    NotQueued,
    family_mails,
    mail_queue,
    retry_mail,
)
from eticket_desk.services.mail.sender import send_pending
from eticket_desk.services.mail.settings import load_mail_settings
from eticket_desk.services.mail.testing import desk_transport, send_test_message
from eticket_desk.services.mail.transport import SmtpTransport
from tests.conftest import validated_family
from tests.services.mail.conftest import MARIE, consent

OCTOBER = [date(2026, 10, d) for d in (1, 2, 5, 6, 8)]  # 5 × 4,60 € = 23,00 €


@pytest.fixture
def october_run(store, admin, schools, activities, clock):
    """The Dupont family (its payer accepts e-mail) and the Martin family (who did not),
    invoiced for October on 2 November."""
    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    dupont = validated_family(store, admin, schools)
    consent(store, admin, dupont.id)
    martin = validated_family(store, admin, schools, last_name="Martin")
    for day in OCTOBER:
        book_day(store, admin, dupont.children[0].id, canteen.id, day)
        book_day(store, admin, martin.children[0].id, canteen.id, day)
    clock.current = datetime(2026, 11, 2, 9, 0)
    run = issue_run(store, admin, month_period("2026-10"))
    return run, dupont, martin


def test_an_invoice_is_sent_with_its_french_subject_body_and_pdf(
    store, admin, mail_settings, mailbox, october_run
):
    run, dupont, _ = october_run
    queued = queue_run_invoices(store, admin, run.run_id)
    assert (queued.queued, queued.already) == (1, 0)
    assert queued.skipped == [("MARTIN Marie", NO_CONSENT)]

    report = send_pending(store, desk_transport(store))

    assert (report.sent, report.failed) == (1, 0)
    [message] = mailbox.to(MARIE)
    assert (
        message["Subject"] == "Votre facture F-2026-000001 d'octobre 2026 — Commune de Neuvecelle"
    )
    assert "Régie périscolaire de Neuvecelle" in message["From"]
    body = message.get_body(("plain",)).get_content()
    assert "Bonjour Marie Dupont," in body
    assert "d'un montant de 23,00\u00a0€" in body and "le 02/12/2026" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "F-2026-000001.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    import io

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "F-2026-000001" in text and "23,00" in text
    [line] = family_mails(store, admin, dupont.id)
    assert (line.state_label, line.kind_label, line.recipient) == ("Envoyé", "Facture", MARIE)
    assert line.sent_at == datetime(2026, 11, 2, 9, 0)

    # the same invoices again: nothing queued twice, nothing sent twice
    again = queue_run_invoices(store, admin, run.run_id)
    assert (again.queued, again.already) == (0, 1)
    assert send_pending(store, desk_transport(store)).sent == 0
    assert len(mailbox.to(MARIE)) == 1


def test_a_family_without_consent_gets_nothing_and_the_reason_is_said(
    store, admin, mail_settings, mailbox, october_run
):
    run, _, martin = october_run
    queued = queue_run_invoices(store, admin, run.run_id)
    assert ("MARTIN Marie", NO_CONSENT) in queued.skipped
    assert family_mails(store, admin, martin.id) == []


def test_a_5xx_refusal_is_a_definitive_failure_shown_on_the_family(
    store, admin, mail_settings, mailbox, october_run
):
    run, dupont, _ = october_run
    mailbox.refuse[MARIE] = "550 5.1.1 Mailbox unavailable"
    queue_run_invoices(store, admin, run.run_id)

    report = send_pending(store, desk_transport(store))

    assert (report.sent, report.failed) == (0, 1)
    [line] = family_mails(store, admin, dupont.id)
    assert line.state_label == "Échec définitif"
    assert line.last_error.startswith("Adresse refusée par le serveur de messagerie : 550")
    assert line.can_retry
    assert mailbox.to(MARIE) == []
    # a later round does not try it again by itself
    assert send_pending(store, desk_transport(store), datetime(2026, 11, 3, 9, 0)).failed == 0


def test_a_4xx_answer_is_tried_again_later(store, admin, mail_settings, mailbox, october_run):
    run, dupont, _ = october_run
    mailbox.refuse[MARIE] = "451 4.3.0 Try again later"
    queue_run_invoices(store, admin, run.run_id)
    first = datetime(2026, 11, 2, 9, 0)

    assert send_pending(store, desk_transport(store), first).retried == 1
    [line] = family_mails(store, admin, dupont.id)
    assert (line.state_label, line.attempts) == ("En attente", 1)
    assert line.next_attempt_at == first + timedelta(minutes=1)
    assert "451" in line.last_error

    # too early: nothing; once the relay accepts and the time came: sent
    del mailbox.refuse[MARIE]
    assert send_pending(store, desk_transport(store), first + timedelta(seconds=30)).sent == 0
    assert send_pending(store, desk_transport(store), first + timedelta(minutes=1)).sent == 1
    [line] = family_mails(store, admin, dupont.id)
    assert (line.state_label, line.attempts, line.last_error) == ("Envoyé", 2, "")
    assert len(mailbox.to(MARIE)) == 1


def test_the_relay_out_of_reach_is_tried_again_later(store, admin, mail_settings, october_run):
    run, dupont, _ = october_run
    queue_run_invoices(store, admin, run.run_id)
    settings = load_mail_settings(store)
    gone = SmtpTransport(settings.__class__(**{**settings.__dict__, "port": 9}), None)
    assert send_pending(store, gone).retried == 1
    [line] = family_mails(store, admin, dupont.id)
    assert line.state_label == "En attente" and "injoignable" in line.last_error


class Crash(BaseException):
    """The program killed right after the relay took the message (before « envoyé »)."""


class CrashAfterSending:
    def __init__(self, transport) -> None:
        self.transport, self.settings = transport, transport.settings

    def send(self, message) -> None:
        self.transport.send(message)
        raise Crash()


def test_a_crash_between_sending_and_sent_never_sends_twice(
    store, admin, mail_settings, mailbox, october_run
):
    run, dupont, _ = october_run
    queue_run_invoices(store, admin, run.run_id)
    now = datetime(2026, 11, 2, 9, 0)
    with pytest.raises(Crash):
        send_pending(store, CrashAfterSending(desk_transport(store)), now)
    assert len(mailbox.to(MARIE)) == 1
    [line] = family_mails(store, admin, dupont.id)
    assert line.state_label == "En cours"

    # restarted: soon after, and much later: never sent again by itself
    assert send_pending(store, desk_transport(store), now + timedelta(minutes=2)).sent == 0
    later = send_pending(store, desk_transport(store), now + timedelta(minutes=11))
    assert (later.sent, later.interrupted) == (0, 1)
    assert send_pending(store, desk_transport(store), now + timedelta(days=1)).sent == 0
    assert len(mailbox.to(MARIE)) == 1
    [line] = family_mails(store, admin, dupont.id)
    assert line.state_label == "Interrompu, à vérifier"
    assert "Vérifiez auprès du destinataire" in line.last_error
    assert [m.id for m in mail_queue(store, admin)] == [line.id]

    # the agent checked it did not arrive and clicks « Réessayer »: the same message again
    retry_mail(store, admin, line.id)
    assert send_pending(store, desk_transport(store), now + timedelta(days=1)).sent == 1
    first, second = mailbox.to(MARIE)
    assert first["Message-ID"] == second["Message-ID"]


def test_the_meal_order_goes_to_the_kitchen_once_after_the_deadline(
    store, admin, schools, activities, mail_settings, mailbox, clock
):
    """Canteen deadline: the previous open day at 10:00. On Monday 14 September at 9:30
    Tuesday's order is not final; at 10:05 it is, and it goes once."""
    canteen = activities["CANTINE"]
    family = validated_family(store, admin, schools)
    book_day(store, admin, family.children[0].id, canteen.id, date(2026, 9, 15))

    clock.current = datetime(2026, 9, 14, 9, 30)
    assert date(2026, 9, 15) not in queue_due_meal_orders(store)
    clock.current = datetime(2026, 9, 14, 10, 5)
    assert date(2026, 9, 15) in queue_due_meal_orders(store)
    assert queue_due_meal_orders(store) == []
    send_pending(store, desk_transport(store))
    assert queue_due_meal_orders(store) == []

    orders = mailbox.to("cuisine@traiteur.example")
    tuesday = [m for m in orders if "15/09/2026" in m["Subject"]]
    assert len(tuesday) == 1
    [message] = tuesday
    assert message["Subject"] == "Commande de repas du 15/09/2026 — Commune de Neuvecelle"
    assert "(1 repas)" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "Repas 2026-09-15.pdf"


def test_the_smtp_password_is_in_the_keyring_never_in_the_base(
    store, admin, mailbox, memory_keyring
):
    from eticket_desk.services.mail.settings import MailSettings, save_mail_settings

    settings = MailSettings("127.0.0.1", mailbox.port, "none", "regie", "regie@neuvecelle.example")
    save_mail_settings(store, admin, settings, password="S3cret-Pa55!")

    assert memory_keyring.passwords == {("eticket-desk-smtp", "regie@127.0.0.1"): "S3cret-Pa55!"}
    assert b"S3cret-Pa55!" not in store.path.read_bytes()
    assert load_mail_settings(store).login == "regie"


def test_bad_settings_are_refused_field_by_field(store, admin, memory_keyring):
    from eticket_desk.services.mail.settings import MailSettings, save_mail_settings

    with pytest.raises(ValidationFailed) as refused:
        save_mail_settings(store, admin, MailSettings("smtp.example", 0, "tls?", "", "pas-une"))
    assert set(refused.value.errors) == {"port", "security", "sender"}
    assert load_mail_settings(store).host == ""


def test_the_test_message_arrives(store, admin, mail_settings, mailbox):
    said = send_test_message(store, admin, "agent@neuvecelle.example")
    assert said == "Message d'essai envoyé à agent@neuvecelle.example."
    [message] = mailbox.to("agent@neuvecelle.example")
    assert message["Subject"] == "Message d'essai de la messagerie — Commune de Neuvecelle"


def test_an_adult_without_an_email_cannot_consent(store, admin, family):
    from dataclasses import replace

    from eticket_desk.services.families.dossiers import load_family, save_family

    data = load_family(store, admin, family.id)
    data.adults = [replace(a, email="", mail_consent=True) for a in data.adults]
    with pytest.raises(ValidationFailed) as refused:
        save_family(store, admin, data)
    assert "sans adresse e-mail valide" in refused.value.errors["adults[0].mail_consent"]


def test_a_reminder_goes_with_its_letter_to_the_payer_who_accepted(
    store, admin, mail_settings, mailbox, october_run, clock
):
    _, dupont, martin = october_run
    clock.current = datetime(2026, 12, 10, 9, 0)  # the invoices were due on 2 December
    queued = queue_reminders(store, admin, [dupont.id, martin.id])
    assert (queued.queued, queued.skipped) == (1, [("MARTIN Marie", NO_CONSENT)])
    assert queue_reminders(store, admin, [dupont.id]).already == 1
    send_pending(store, desk_transport(store))
    [message] = mailbox.to(MARIE)
    assert message["Subject"].startswith("Rappel : factures restant à payer")
    assert "23,00\u00a0€" in message.get_body(("plain",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename().startswith("Relance ")


def test_the_portal_letter_goes_to_the_guardian_and_is_not_kept_after(
    store, admin, mail_settings, mailbox, october_run, tmp_path
):
    from sqlalchemy import select

    from eticket_desk.models import OutgoingMail
    from eticket_desk.reports.portal_letter import render
    from eticket_desk.services.families.portal import issue_portal_access

    _, dupont, martin = october_run
    letter = issue_portal_access(store, admin, dupont.id, dupont.adults[0].id)
    path = render(letter, tmp_path / "lettre.pdf")
    assert queue_portal_letter(store, admin, dupont.id, dupont.adults[0].id, path, "1")
    with pytest.raises(NotQueued, match="n'a pas accepté"):
        queue_portal_letter(store, admin, martin.id, martin.adults[0].id, path, "1")
    send_pending(store, desk_transport(store))
    [message] = mailbox.to(MARIE)
    assert message["Subject"] == "Vos codes d'accès au portail des familles — Commune de Neuvecelle"
    with store.read() as session:
        kept = session.scalar(select(OutgoingMail.attachment_data))
    assert kept is None  # the one-time password is not kept in the base once sent


def test_the_courriels_of_a_merged_family_follow_it(store, admin, mail_settings, october_run):
    from eticket_desk.rules.permissions import Role
    from eticket_desk.services.families.merge import merge_families
    from tests.conftest import _make_user

    run, dupont, martin = october_run
    consent(store, admin, martin.id)
    queue_run_invoices(store, admin, run.run_id)
    regisseur = _make_user(store, admin, "regine", "Régine Caisse", Role.REGISSEUR)
    merge_families(store, regisseur, dupont.id, martin.id)
    assert len(family_mails(store, admin, dupont.id)) == 2
    assert family_mails(store, admin, martin.id) == []
