"""A sample commune in titres de recettes (PES V2): its Hélios codes and every activity with a
product code and an accounting nature (screenshots, benchmark)."""

from __future__ import annotations

from dataclasses import replace

from eticket_desk.services.catalogue.activities import list_activities, save_activity
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.core.store import Actor, Store

NATURES = {"CANTINE": "7067", "TAP": "7066"}  # restauration scolaire; the others: périscolaire


def as_titres(store: Store, actor: Actor) -> None:
    save_organisation(
        store,
        actor,
        replace(
            load_organisation(store),
            collection_mode="titres",
            siret="21740191800016",
            pes_id_post="0740120",
            pes_cod_col="123",
            pes_cod_bud="01",
        ),
    )
    for number, activity in enumerate(list_activities(store, include_inactive=True), start=1):
        nature = NATURES.get(activity.code, "70632")
        coded = replace(activity, product_code=f"{number:02d}", accounting_nature=nature)
        save_activity(store, actor, coded)
