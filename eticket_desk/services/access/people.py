"""Who did something, as a person reads it: a login turned into the person's name, with their
role in their gender (« Marie Durand (agente d'accueil) »), and the program's own actions
named so that no one looks for a colleague called « systeme »."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from eticket_desk.models import User
from eticket_desk.rules.permissions import Civility, Role

# Logins that are not people: what the program (or the server) wrote by itself.
AUTOMATIC_LABELS = {
    "systeme": "eTicket Guichet (automatique)",
    "synchro": "Synchronisation (automatique)",
    "serveur": "Serveur central (synchronisation)",
    "demo": "Données de démonstration",
}
ONLINE_PREFIX = "en ligne "  # a payment pulled from the portal: « en ligne <payment id> »


@dataclass(frozen=True)
class Person:
    login: str
    name: str
    role: Role
    civility: str = ""

    @property
    def role_label(self) -> str:
        """« Régisseuse », « Agent d'accueil »: the role in the person's gender."""
        return self.role.label_for(self.civility)

    def label(self, with_role: bool = False) -> str:
        """« Marie Durand », or « Marie Durand (agente d'accueil) »."""
        if not with_role:
            return self.name
        role = self.role_label
        return f"{self.name} ({role[:1].lower()}{role[1:]})"


class People:
    """The accounts of this base, read once, to name every login of a list."""

    def __init__(self, session: Session) -> None:
        self._people = {
            login: Person(login, name, Role(role), civility or "")
            for login, name, role, civility in session.execute(
                select(User.login, User.full_name, User.role, User.civility)
            )
        }

    def person(self, login: str) -> Person | None:
        return self._people.get(login)

    def label(self, login: str, *, with_role: bool = False) -> str:
        """The person's name (and role); what the program did by itself says so; a login
        unknown here (a colleague of another desk) is shown as it is."""
        found = self._people.get(login)
        if found is not None:
            return found.label(with_role)
        if login in AUTOMATIC_LABELS:
            return AUTOMATIC_LABELS[login]
        if login.startswith(ONLINE_PREFIX):
            return "Paiement en ligne (portail des familles)"
        return login


def regie_title(civility: str) -> str:
    """How the régie's signer signs a letter or a slip: « Le régisseur », « La régisseuse »."""
    return "La régisseuse" if civility == Civility.MADAME else "Le régisseur"


def person_label(session: Session, login: str, *, with_role: bool = False) -> str:
    """The one way a login is shown to a person: « Marie Durand », « Marie Durand (agente
    d'accueil) » with `with_role`, « eTicket Guichet (automatique) » for the program itself."""
    return People(session).label(login, with_role=with_role)
