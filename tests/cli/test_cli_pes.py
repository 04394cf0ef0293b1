"""`eticket-desk invoices pes`: the month's run of a demo town written as a PES V2 file, and
the French refusal with exit 1 while the commune is in régie or lacks its product codes."""

from __future__ import annotations

from dataclasses import replace
from xml.etree import ElementTree as ET

from eticket_desk.cli import main
from eticket_desk.services.catalogue.activities import list_activities, save_activity
from eticket_desk.services.catalogue.organisation import load_organisation, save_organisation
from eticket_desk.services.core.store import SYSTEM, Store


def test_invoices_pes_writes_the_month_or_says_why_not(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "12", "--seed", "2"]) == 0
    capsys.readouterr()
    out = tmp_path / "pes" / "octobre.xml"
    args = ["--db", str(path), "invoices", "pes", "--period", "2026-10", "--out", str(out)]

    assert main(args) == 1
    assert "réservé aux communes qui émettent des titres de recettes" in capsys.readouterr().err
    with Store(path) as store:
        save_organisation(
            store,
            SYSTEM,
            replace(
                load_organisation(store),
                collection_mode="titres",
                siret="21740191800016",
                pes_id_post="0740120",
                pes_cod_col="123",
                pes_cod_bud="01",
            ),
        )
    assert main(args) == 1
    assert "Code produit manquant pour : " in capsys.readouterr().err
    assert not out.exists()

    with Store(path) as store:
        for number, activity in enumerate(list_activities(store, include_inactive=True), 1):
            save_activity(
                store,
                SYSTEM,
                replace(activity, product_code=f"{number:02d}", accounting_nature="7067"),
            )
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "Bordereau n° 1 :" in printed and f"Fichier PES écrit : {out}" in printed
    block = ET.parse(out).getroot().find("PES_RecetteAller/Bordereau/BlocBordereau")
    assert block.find("IdBord").get("V") == "1"
    assert int(block.find("NbrPce").get("V")) > 0

    september = ["--db", str(path), "invoices", "pes", "--period", "2026-09", "--out", str(out)]
    assert main(september) == 1
    assert "Aucune facturation émise pour septembre 2026." in capsys.readouterr().err
