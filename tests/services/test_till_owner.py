"""A till belongs to the agent who opened it: a colleague is told whose it is and takes it
over (or closes it in their place) only explicitly, as the journal and the audit log say.
People are shown by their names, their role in their gender, never by their login."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader

from eticket_desk.rules.errors import DomainError, PermissionDenied
from eticket_desk.rules.permissions import Permission, Role
from eticket_desk.services.access import users
from eticket_desk.services.access.people import person_label
from eticket_desk.services.core.audit import list_audit
from eticket_desk.services.core.store import Actor
from eticket_desk.services.counter.sale_cancellation import cancel_sale
from eticket_desk.services.counter.till import close_till, current_till, hand_over_till, open_till
from eticket_desk.services.counter.till_journal import list_till_sessions, print_till_journal
from tests.conftest import AGENT_PASSWORD, cash_sale, validated_family


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


def make_user(store, admin, login, name, role, civility) -> Actor:
    draft = users.UserDraft(login, name, role, True, AGENT_PASSWORD, civility=civility)
    info = users.save_user(store, admin, draft)
    return Actor(info.id, info.login, info.full_name, info.role, info.civility)


@pytest.fixture
def marie(store, admin) -> Actor:
    return make_user(store, admin, "mdurand", "Marie Durand", Role.AGENT, "Mme")


@pytest.fixture
def paul(store, admin) -> Actor:
    return make_user(store, admin, "pguichet", "Paul Guichet", Role.AGENT, "M.")


@pytest.fixture
def family(store, admin, schools):
    return validated_family(store, admin, schools)


def test_a_colleague_cannot_take_money_into_a_till_someone_else_opened(
    store, clock, marie, paul, family, garderie
):
    ticket, _ = garderie
    clock.current = datetime(2026, 9, 14, 8, 5)
    open_till(store, marie, 10_000)
    sold = cash_sale(store, marie, family, ticket, 1, 240)
    clock.current = datetime(2026, 9, 14, 12, 40)

    with pytest.raises(DomainError) as refused:
        cash_sale(store, paul, family, ticket, 2, 500)
    assert plain(refused.value.message).startswith(
        "La caisse est ouverte par Marie Durand (agente d'accueil) depuis 8 h 05 :"
    )
    assert "Reprendre la caisse" in refused.value.message
    with pytest.raises(DomainError, match="ouverte par Marie Durand"):
        cancel_sale(store, paul, sold.sale_id, "Erreur de saisie")
    with pytest.raises(DomainError, match="ouverte par Marie Durand"):
        open_till(store, paul, 0)
    with pytest.raises(DomainError, match="confirmez que vous la clôturez à sa place"):
        close_till(store, paul, 10_240)
    till = current_till(store)
    assert till.held_by == "mdurand" and till.expected_cash_cents == 10_240  # nothing taken


def test_a_till_handed_over_takes_the_new_agents_sales_and_the_journal_says_so(
    store, clock, admin, marie, paul, family, garderie, tmp_path
):
    ticket, _ = garderie
    clock.current = datetime(2026, 9, 14, 8, 5)
    open_till(store, marie, 10_000)
    cash_sale(store, marie, family, ticket, 1, 240)
    clock.current = datetime(2026, 9, 14, 12, 10)
    with pytest.raises(DomainError, match="changé de mains"):
        hand_over_till(store, paul, "quelquun")  # not the holder Paul was shown

    state = hand_over_till(store, paul, "mdurand")
    assert (state.held_by, state.holder) == ("pguichet", "Paul Guichet (agent d'accueil)")
    assert state.opened_by_name == "Marie Durand"
    cash_sale(store, paul, family, ticket, 2, 480)
    with pytest.raises(DomainError, match="ouverte par Paul Guichet"):
        cash_sale(store, marie, family, ticket, 1, 240)  # no longer hers

    clock.current = datetime(2026, 9, 14, 18, 2)
    close_till(store, paul, 10_720)
    [session] = list_till_sessions(store, admin)
    assert session.opened_by == "Marie Durand"
    journal = print_till_journal(store, admin, session.id, tmp_path / "journal.pdf")
    text = " ".join(PdfReader(journal).pages[0].extract_text().split())
    assert "ouverte par : Marie Durand (agente d'accueil)" in text
    assert (
        "À 12 h 10, caisse reprise par Paul Guichet (agent d'accueil), tenue jusque-là par "
        "Marie Durand (agente d'accueil)." in text
    )
    assert "Clôturé par Paul Guichet" in text
    [handover] = [line for line in list_audit(store, admin) if line.action == "Reprise de caisse"]
    assert handover.user == "Paul Guichet"
    assert plain(handover.summary) == (
        "Caisse reprise par Paul Guichet (agent d'accueil) pour encaisser (tenue par "
        "Marie Durand (agente d'accueil) depuis 8 h 05)"
    )


def test_closing_a_colleagues_till_in_their_place_is_said_in_the_journal(
    store, clock, admin, marie, paul, tmp_path
):
    clock.current = datetime(2026, 9, 14, 8, 5)
    open_till(store, marie, 5_000)
    clock.current = datetime(2026, 9, 14, 18, 30)
    closed = close_till(store, paul, 5_000, in_place_of="mdurand")
    assert closed.closed_at is not None and current_till(store) is None
    journal = print_till_journal(store, admin, closed.id, tmp_path / "journal.pdf")
    text = " ".join(PdfReader(journal).pages[0].extract_text().split())
    assert (
        "À 18 h 30, caisse reprise par Paul Guichet (agent d'accueil) pour la clôturer à la "
        "place de Marie Durand (agente d'accueil)." in text
    )


def test_any_agent_may_take_over_but_not_their_own_till(store, marie, admin):
    open_till(store, marie, 0)
    nobody = Actor(None, "stagiaire", "Stagiaire", Role.AGENT)
    hand_over_till(store, nobody, "mdurand")  # an agent may
    assert current_till(store).held_by == "stagiaire"
    with pytest.raises(DomainError, match="déjà la vôtre"):
        hand_over_till(store, nobody, "stagiaire")


def test_people_are_named_with_their_role_in_their_gender(store, admin, marie, paul):
    coordinatrice = make_user(store, admin, "hmegevand", "Hélène Mégevand", Role.COORDINATOR, "Mme")
    with store.read() as session:
        assert person_label(session, "hmegevand", with_role=True) == (
            "Hélène Mégevand (coordinatrice périscolaire)"
        )
        assert person_label(session, "pguichet", with_role=True) == "Paul Guichet (agent d'accueil)"
        assert person_label(session, "admin") == "Anne Martin"
        assert person_label(session, "systeme") == "eTicket Guichet (automatique)"
        assert person_label(session, "inconnu") == "inconnu"
    assert coordinatrice.role_label == "Coordinatrice périscolaire"
    with pytest.raises(PermissionDenied, match=r"Votre profil \(Coordinatrice périscolaire\)"):
        coordinatrice.require(Permission.USER_MANAGE)
    [info] = [u for u in users.list_users(store, admin) if u.login == "hmegevand"]
    assert (info.civility, info.role_label) == ("Mme", "Coordinatrice périscolaire")


def test_what_the_program_does_by_itself_is_not_shown_as_a_login(store, admin):
    with pytest.raises(DomainError):
        users.authenticate(store, "admin", "pas le bon")
    [failed] = [line for line in list_audit(store, admin) if line.action == "Échec de connexion"]
    assert failed.user == "eTicket Guichet (automatique)"
