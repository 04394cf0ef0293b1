"""The portal's pages as a parent meets them: the accueil of their own family, the login
page when the session is missing or over, French error pages, the security headers, CSRF,
logout; and the server's e-mail read back from a real SMTP server."""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import unquote

from eticket_central.app import Settings
from eticket_central.mail import send_mail
from eticket_central.models import PortalSessionRow
from eticket_central.portal.web.messages import see_other
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import invoice_payload, wallet_payload
from tests.central.mailbox import smtp_settings
from tests.central.portal_pages import browser, csrf_of, logged_in_parent


def test_the_accueil_shows_the_familys_children_tickets_and_invoices_to_pay(central, commune, desk):
    parent = logged_in_parent(central, commune, desk, children=("Léa", "Hugo"))
    other = logged_in_parent(central, commune, desk, children=("Zoé",), last_name="Martin")
    unpaid, paid = uuid.uuid4(), uuid.uuid4()
    answers = desk.push(
        desk.op(OpType.WALLET_ENTRY, **wallet_payload(parent.family_id, 7)),
        desk.op(
            OpType.INVOICE_ISSUE, **invoice_payload(parent.family_id, unpaid, 4250, "F-2026-000101")
        ),
        desk.op(
            OpType.INVOICE_ISSUE, **invoice_payload(other.family_id, paid, 1999, "F-2026-000102")
        ),
    )
    assert [a["status"] for a in answers] == ["applied"] * 3, answers

    page = parent.get("/portail/")

    assert page.status_code == 200
    text = page.text
    assert "Bonjour, famille DUPONT" in text
    assert "Léa Dupont" in text and "Hugo Dupont" in text
    assert "Zoé" not in text  # another family's child
    assert "7 tickets" in text
    assert "F-2026-000101" in text and "42,50\u00a0€" in text
    assert "F-2026-000102" not in text  # another family's invoice
    assert "pas encore validé" not in text


def test_an_incomplete_dossier_says_bookings_are_blocked_and_what_is_missing(
    central, commune, desk
):
    parent = logged_in_parent(central, commune, desk, status="incomplete")

    text = parent.get("/portail/").text

    assert "Votre dossier n'est pas encore validé" in text
    assert "les réservations sont impossibles" in text
    assert "Aucun adulte n&#39;est désigné pour" not in text  # the payer is there
    assert "Léa Dupont : classe non renseignée." not in text


def test_without_a_session_the_page_sends_to_the_login_with_the_page_wanted(central):
    with browser(central) as anonymous:
        answer = anonymous.get("/portail/?vue=2026")
        forged = browser(central, "x" * 43).get("/portail/")

    assert answer.status_code == 303
    location = answer.headers["location"]
    assert location.startswith("/portail/connexion?suite=")
    assert unquote(location.split("suite=")[1]) == "/portail/?vue=2026"
    assert forged.status_code == 303


def test_an_expired_session_is_refused(central, commune, desk):
    parent = logged_in_parent(central, commune, desk)
    central.clock.current += timedelta(hours=8, seconds=1)

    assert parent.get("/portail/").status_code == 303


def test_every_page_carries_the_security_headers(central, commune, desk):
    parent = logged_in_parent(central, commune, desk)

    page = parent.get("/portail/")
    style = parent.get("/portail/static/portail.css")

    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "form-action 'self' https://www.payfip.gouv.fr" in policy
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["cache-control"] == "no-store"
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
    assert "<script>" not in page.text and "style=" not in page.text  # nothing inline


def test_logout_needs_the_forms_token_and_then_closes_the_session_in_the_base(
    central, commune, desk, db
):
    parent = logged_in_parent(central, commune, desk)

    forged = parent.http.post("/portail/deconnexion", data={"csrf": "faux"})
    assert forged.status_code == 403
    assert "rien n&#39;a été enregistré" in forged.text
    assert parent.get("/portail/").status_code == 200  # still logged in

    token = csrf_of(parent.get("/portail/").text)
    out = parent.http.post("/portail/deconnexion", data={"csrf": token})

    assert out.status_code == 303 and out.headers["location"] == "/portail/connexion"
    assert db.query(PortalSessionRow).filter_by(family_id=parent.family_id).count() == 0
    with browser(central, parent.token) as replayed:  # the old cookie opens nothing
        assert replayed.get("/portail/").status_code == 303


def test_an_unknown_page_is_a_french_page_and_the_json_endpoints_stay_json(central, commune, desk):
    parent = logged_in_parent(central, commune, desk)

    page = parent.get("/portail/nulle-part")
    api = parent.http.get("/portal/nulle-part")

    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in page.text and "Page introuvable" in page.text
    assert "Not Found" not in page.text
    assert api.headers["content-type"].startswith("application/json")


def test_a_message_left_by_a_form_is_shown_once_and_escaped(central, commune, desk):
    parent = logged_in_parent(central, commune, desk)
    left = see_other("/portail/", "Réservation enregistrée <b>pour Léa</b>")
    cookie = left.headers["set-cookie"].split(";")[0].split("=", 1)[1]
    parent.http.cookies.set("portail_message", cookie, domain="127.0.0.1", path="/portail")

    first = parent.get("/portail/")
    second = parent.get("/portail/")

    assert "Réservation enregistrée &lt;b&gt;pour Léa&lt;/b&gt;" in first.text
    assert 'role="status"' in first.text
    assert "Réservation enregistrée" not in second.text


def test_a_redirect_after_a_form_never_leaves_the_server():
    assert see_other("https://ailleurs.example/").headers["location"] == "/portail/"
    assert see_other("//ailleurs.example/").headers["location"] == "/portail/"


def test_an_e_mail_is_read_back_with_its_french_text_and_attachment(central, mailbox):
    class State:
        settings = Settings(**smtp_settings(mailbox))

    sent = send_mail(
        State,
        "claire.dupont@example.org",
        "Reçu de votre paiement",
        "Bonjour,\nNous avons bien reçu 42,50 € pour la facture F-2026-000101.",
        [("Reçu F-2026-000101.pdf", b"%PDF-1.4 test", "application/pdf")],
    )

    message = mailbox.wait_for("claire.dupont@example.org")
    assert sent is True
    assert message["Subject"] == "Reçu de votre paiement"
    body = message.get_body(("plain",)).get_content()
    assert "42,50 € pour la facture F-2026-000101" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "Reçu F-2026-000101.pdf"
    assert attachment.get_content() == b"%PDF-1.4 test"


def test_the_mairies_messages_show_on_the_accueil_to_the_families_they_are_for(
    central, commune, desk
):
    parent = logged_in_parent(central, commune, desk)
    other = logged_in_parent(central, commune, desk, last_name="Martin")
    messages = [
        ("Cantine fermée le 2 octobre", None, "2026-10-02"),
        ("Pièce manquante : attestation CAF", other.family_id, "2026-10-31"),
        ("Sortie au musée", None, "2026-09-13"),  # over since yesterday
    ]
    answers = desk.push(
        *(
            desk.op(
                OpType.MESSAGE_UPSERT,
                message_id=str(uuid.uuid4()),
                family_id=str(family_id) if family_id else None,
                title=title,
                text="Texte du message\nsur deux lignes.",
                valid_until=until,
            )
            for title, family_id, until in messages
        )
    )
    assert {a["status"] for a in answers} == {"applied"}, answers

    mine, theirs = parent.get("/portail/").text, other.get("/portail/").text

    assert "Cantine fermée le 2 octobre" in mine and "Cantine fermée le 2 octobre" in theirs
    assert "Jusqu'au vendredi 2 octobre 2026" in mine
    assert "Pièce manquante" in theirs and "pour votre famille" in theirs
    assert "Pièce manquante" not in mine
    assert "Sortie au musée" not in mine
