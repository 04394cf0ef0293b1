"""The family's funder for the CAF / MSA hours: its regime (CAF, MSA, autre) and allocataire
number, read and saved on their own from the dossier's « Famille » tab."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from eticket_desk.models import Family
from eticket_desk.rules.caf_hours import Regime
from eticket_desk.rules.errors import NotFound, ValidationFailed
from eticket_desk.rules.permissions import Permission
from eticket_desk.services.core.changes import FamilyTopic, changes
from eticket_desk.services.core.store import Actor, Store
from eticket_desk.sync.outbox import FamilyChanged, emit

_NUMBER = re.compile(r"^[0-9A-Za-z]{1,20}$")


@dataclass(frozen=True)
class Funder:
    family_id: uuid.UUID
    regime: str  # a Regime value, or "" when not given
    number: str  # the allocataire number, optional


def family_funder(store: Store, actor: Actor, family_id: uuid.UUID) -> Funder:
    actor.require(Permission.FAMILY_VIEW)
    with store.read() as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier n'existe pas (ou plus).")
        return Funder(family.id, family.funder_regime, family.funder_number)


@changes(lambda call: FamilyTopic(call["family_id"]))
def save_funder(
    store: Store, actor: Actor, family_id: uuid.UUID, regime: str, number: str
) -> Funder:
    """Saves the regime ("" allowed: not given) and the allocataire number (letters, digits)."""
    actor.require(Permission.FAMILY_EDIT)
    number = number.replace(" ", "").strip()
    if regime and regime not in {r.value for r in Regime}:
        raise ValidationFailed({"funder_regime": "Régime inconnu : CAF, MSA ou autre."})
    if number and not _NUMBER.match(number):
        raise ValidationFailed(
            {
                "funder_number": "Le numéro d'allocataire s'écrit en chiffres et lettres (20 au plus)."
            }
        )
    if number and not regime:
        raise ValidationFailed(
            {"funder_regime": "Choisissez le régime (CAF, MSA ou autre) du numéro d'allocataire."}
        )
    with store.write(actor) as session:
        family = session.get(Family, family_id)
        if family is None:
            raise NotFound("Ce dossier n'existe pas (ou plus).")
        family.funder_regime = regime
        family.funder_number = number
        emit(session, FamilyChanged(family.id))
        return Funder(family.id, regime, number)
