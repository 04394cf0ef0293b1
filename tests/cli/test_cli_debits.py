"""`debits export` on a demo town whose October families have mandates: the batch shown, the
pain.008 written, a second export refused (never a double debit), mistakes said in French."""

from __future__ import annotations

from datetime import date

import pytest

from devtools.samples.sepa import mandates_for_run, set_creditor
from eticket_desk.cli import main
from eticket_desk.services.core.store import SYSTEM, Store
from eticket_desk.services.invoicing.debit_file import validate_pain008
from eticket_desk.services.invoicing.queries import list_runs


@pytest.fixture
def town(tmp_path):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "20", "--seed", "2"]) == 0
    with Store(path) as store:
        set_creditor(store, SYSTEM)
        [october] = [r for r in list_runs(store, SYSTEM) if r.period_label == "octobre 2026"]
        assert mandates_for_run(store, SYSTEM, october.id, date(2026, 11, 30)) > 0
    return path


def test_the_month_batch_is_written_once(town, tmp_path, capsys):
    out = tmp_path / "prlv.xml"
    base = ["--db", str(town), "debits", "export", "--run", "2026-10"]
    assert main([*base, "--dry-run"]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith("Octobre 2026 (n° 1) : ") and "(pain.008.001.02)" in shown
    assert not out.exists()
    assert main([*base, "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "Lot PRLV-" in said and f"écrit dans {out}" in said
    validate_pain008(out.read_bytes(), "pain.008.001.02")
    assert main([*base, "--out", str(tmp_path / "encore.xml")]) == 1
    assert "déjà dans le lot PRLV-" in capsys.readouterr().err
    assert not (tmp_path / "encore.xml").exists()


def test_mistakes_are_said_in_french(town, capsys):
    assert main(["--db", str(town), "debits", "export", "--run", "2026-10"]) == 2
    assert "--out FICHIER.xml" in capsys.readouterr().err
    assert main(["--db", str(town), "debits", "export", "--run", "2025-13", "--dry-run"]) == 1
    assert "n'est pas un mois" in capsys.readouterr().err
    assert main(["--db", str(town), "debits", "export", "--run", "2027-01", "--dry-run"]) == 1
    assert "Aucune facturation de janvier 2027" in capsys.readouterr().err
