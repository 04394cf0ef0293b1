"""Paramètres › Organisation, PayFiP: the client number the DGFiP gives is 6 digits and the
mode is test, activation or production; anything else is refused in French with nothing
saved, and what is saved travels to the server with the organisation."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy import select

from eticket_desk.models import Organisation
from eticket_desk.rules.errors import ValidationFailed
from eticket_desk.rules.payfip import saisie_of
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.sync.planning_ops import organisation_ops


def _with(store, **changes):
    return dataclasses.replace(load_organisation(store), name="Mairie de Neuvecelle", **changes)


@pytest.mark.parametrize("numcli", ["12345", "1234567", "12 345", "ABC123"])
def test_a_client_number_that_is_not_six_digits_is_refused_and_nothing_saved(store, admin, numcli):
    save_organisation(store, admin, _with(store, payfip_id="012345", payfip_mode="production"))
    with pytest.raises(ValidationFailed) as refused:
        save_organisation(store, admin, _with(store, payfip_id=numcli, payfip_mode="test"))
    assert refused.value.errors == {
        "payfip_id": "Le numéro client PayFiP compte 6 chiffres (il figure sur la convention "
        "signée avec la DGFiP)."
    }
    kept = load_organisation(store)
    assert (kept.payfip_id, kept.payfip_mode) == ("012345", "production")


def test_an_unknown_mode_is_refused(store, admin):
    with pytest.raises(ValidationFailed) as refused:
        save_organisation(store, admin, _with(store, payfip_id="012345", payfip_mode="prod"))
    assert refused.value.errors == {
        "payfip_mode": "Choisissez le mode PayFiP : test, activation ou production."
    }


def test_the_mode_travels_with_the_organisation_and_gives_the_saisie(store, admin):
    save_organisation(store, admin, _with(store, payfip_id=" 012345 ", payfip_mode="activation"))
    with store.read() as session:
        [(_op_type, payload, _key, _label)] = organisation_ops(
            session, [session.scalar(select(Organisation.id))]
        )
    assert (payload["payfip_id"], payload["payfip_mode"]) == ("012345", "activation")
    assert [saisie_of(m) for m in ("test", "activation", "production")] == ["T", "X", "W"]
