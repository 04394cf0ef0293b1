"""The e-mail screens as an agent sees them: the « Messagerie » queue with a refused message
in red and « Réessayer » putting it back in the queue; the family's « Courriels » tab with
the relay's reason; the « Messagerie » settings tab refusing a wrong address beside its
field and keeping the password out of the base."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend

from eticket_desk.services.core.store import SYSTEM
from eticket_desk.services.mail.queue import Recipient, queue_document
from eticket_desk.services.mail.sender import send_pending
from eticket_desk.services.mail.settings import MailSettings, load_mail_settings
from eticket_desk.services.mail.transport import DefinitiveFailure
from eticket_desk.ui.admin.mail_page import MailPage
from eticket_desk.ui.mail.family_mails_tab import FamilyMailsTab
from eticket_desk.ui.mail.mails_model import MailColumn
from eticket_desk.ui.mail.queue_screen import MailQueueScreen

REFUSAL = "Adresse refusée par le serveur de messagerie : 550 5.1.1 Mailbox unavailable"


class Refusing:
    settings = MailSettings("relay", 25, "none", "", "regie@neuvecelle.example")

    def send(self, message) -> None:
        raise DefinitiveFailure(REFUSAL)


@pytest.fixture
def refused(store, family):
    with store.write(SYSTEM) as session:
        queue_document(
            session,
            kind="invoice",
            document_id="F-2026-000001",
            recipient=Recipient("marie.dupont@example.fr", "Marie Dupont"),
            family_id=family.id,
            subject="Votre facture F-2026-000001 d'octobre 2026 — Commune de Neuvecelle",
            body="Bonjour",
        )
    send_pending(store, Refusing())
    return family


def test_the_queue_shows_a_refused_message_and_retry_puts_it_back(qtbot, ctx, refused):
    screen = MailQueueScreen(ctx)
    qtbot.addWidget(screen)
    model = screen.model
    assert model.rowCount() == 1
    state = model.index(0, MailColumn.STATE).data()
    assert state == "Échec définitif"
    assert model.index(0, MailColumn.ERROR).data() == REFUSAL
    assert screen.summary.text() == "0 en attente · 1 en échec ou à vérifier"
    assert not screen.retry_button.isEnabled()
    screen.table.selectRow(0)
    assert screen.retry_button.isEnabled()
    screen.retry_button.click()
    assert model.index(0, MailColumn.STATE).data() == "En attente (essai 2 à 09:30)"
    assert screen.summary.text() == "1 en attente · 0 en échec ou à vérifier"


def test_the_family_tab_shows_what_was_sent_and_why_it_failed(qtbot, ctx, refused):
    tab = FamilyMailsTab(ctx, refused.id)
    qtbot.addWidget(tab)
    assert tab.model.rowCount() == 1 and tab.empty_note.isHidden()
    assert tab.model.index(0, MailColumn.KIND).data() == "Facture"
    assert tab.model.index(0, MailColumn.ERROR).data() == REFUSAL


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        self.passwords = {}

    def get_password(self, service, username):
        return self.passwords.get((service, username))

    def set_password(self, service, username, password):
        self.passwords[(service, username)] = password

    def delete_password(self, service, username):
        self.passwords.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


def test_the_settings_tab_says_a_wrong_address_beside_it_and_keeps_the_password_out(
    qtbot, ctx, store, memory_keyring
):
    page = MailPage(ctx, editable=True)
    qtbot.addWidget(page)
    page.host_edit.setText("smtp.neuvecelle.example")
    page.login_edit.setText("regie")
    page.password_edit.setText("S3cret-Pa55!")
    page.sender_edit.setText("pas une adresse")
    page.save_button.click()
    assert "n'est pas une adresse e-mail valide" in page.errors.message("sender")
    assert load_mail_settings(store).host == ""

    page.sender_edit.setText("regie@neuvecelle.example")
    page.save_button.click()
    assert page.errors.message("sender") == ""
    assert page.status_label.text() == "Réglages de la messagerie enregistrés."
    assert load_mail_settings(store).sender == "regie@neuvecelle.example"
    assert page.password_edit.text() == ""
    assert list(memory_keyring.passwords.values()) == ["S3cret-Pa55!"]
    assert b"S3cret-Pa55!" not in store.path.read_bytes()


def test_after_a_run_the_invoices_go_by_email_to_the_payers_who_accepted(
    qtbot, ctx, store, admin, schools, activities, clock
):
    from dataclasses import replace
    from datetime import date, datetime

    from eticket_desk.rules.pricing import Bracket
    from eticket_desk.services.bookings.booking import book_day
    from eticket_desk.services.catalogue.activity_tariffs import save_activity_tariff
    from eticket_desk.services.families.dossiers import load_family, save_family
    from eticket_desk.services.invoicing.drafts import month_period
    from eticket_desk.services.invoicing.run import issue_run
    from eticket_desk.services.mail.queue import mail_queue
    from eticket_desk.ui.mail.send_invoices_box import SendInvoicesBox
    from tests.conftest import validated_family

    canteen = activities["CANTINE"]
    save_activity_tariff(store, admin, canteen.id, date(2026, 9, 14), [Bracket(None, 460, 520)])
    dupont = validated_family(store, admin, schools)
    data = load_family(store, admin, dupont.id)
    data.adults = [replace(a, mail_consent=True) for a in data.adults]
    save_family(store, admin, data)
    martin = validated_family(store, admin, schools, last_name="Martin")
    for family in (dupont, martin):
        book_day(store, admin, family.children[0].id, canteen.id, date(2026, 10, 1))
    clock.current = datetime(2026, 11, 2, 9, 0)
    run = issue_run(store, admin, month_period("2026-10"))

    box = SendInvoicesBox(ctx)
    qtbot.addWidget(box)
    box.set_run(run.run_id)
    assert box.send_button.text() == "Envoyer 1 facture par &e-mail"
    assert box.status.text() == "1 famille sur 2 a accepté de recevoir ses factures par e-mail."
    box.send_button.click()
    assert box.status.text().startswith("1 facture mise en file d'envoi")
    assert "Sans accord pour l'e-mail (1) : MARTIN Marie" in box.status.text()
    [line] = mail_queue(store, admin)
    assert line.subject == "Votre facture F-2026-000001 d'octobre 2026 — Commune de Neuvecelle"


def test_the_portal_letter_is_offered_by_email_to_a_guardian_who_accepted(
    qtbot, ctx, store, admin, family, monkeypatch, tmp_path
):
    from dataclasses import replace

    from eticket_desk.services.families.dossiers import load_family, save_family, validate_family
    from eticket_desk.services.mail.queue import mail_queue
    from eticket_desk.ui.family_editor import FamilyEditorDialog, actions, prompts

    data = load_family(store, admin, family.id)
    data.adults = [replace(a, mail_consent=True) for a in data.adults]
    save_family(store, admin, data)
    validate_family(store, admin, family.id)
    monkeypatch.setattr(prompts, "choose_portal_guardian", lambda parent, data: data.adults[0].id)
    monkeypatch.setattr(prompts, "tell_portal_issued", lambda parent, login, path: None)
    monkeypatch.setattr(actions, "open_file", lambda path, parent=None: None)
    asked = []

    def ask(parent, name, email):
        asked.append((name, email))
        return True

    monkeypatch.setattr(prompts, "ask_portal_by_mail", ask)
    dialog = FamilyEditorDialog(ctx, family.id)
    qtbot.addWidget(dialog)
    dialog.portal_button.click()

    assert asked == [("Marie DUPONT", "marie.dupont@example.fr")]
    [line] = mail_queue(store, admin)
    assert (line.kind_label, line.recipient) == ("Lettre portail", "marie.dupont@example.fr")
