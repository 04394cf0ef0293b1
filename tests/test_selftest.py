"""`eticket-desk --selftest`: every step's French line and exit 0; a broken step says its name."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from eticket_desk import selftest
from eticket_desk.reports import invoice

ROOT = Path(__file__).resolve().parent.parent
PDF_KINDS = (
    "PDF quittance A4",
    "PDF quittance ticket",
    "PDF journal de caisse",
    "PDF bordereau de remise de chèques",
    "PDF facture avec coupon",
    "PDF d'une série de factures",
    "PDF lettre de relance",
    "PDF listes de présence",
    "PDF commande de repas",
    "PDF export des données d'une famille",
)


def test_selftest_passes_every_step_and_exits_0(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "eticket_desk", "--selftest"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Auto-test d'eTicket Guichet ")
    assert lines[1].startswith("Mode UTF-8 de Python : OK (")
    assert "Base créée et migrée : OK (révision " in done.stdout
    assert "Commune de démonstration : OK (12 familles" in done.stdout
    for kind in PDF_KINDS:
        assert any(line.startswith(f"{kind} : OK (") and " ko" in line for line in lines), kind
    assert any(line.startswith("Trousseau du système : OK (") for line in lines)
    assert "Traduction française de Qt : OK (« Cancel » → « Annuler »)" in lines
    window = next(line for line in lines if line.startswith("Fenêtre principale : "))
    assert window.startswith("Fenêtre principale : OK (")
    assert window.endswith(" écrans ouverts puis fermés)")
    assert lines[-1].startswith("Auto-test réussi en ")
    assert "ÉCHEC" not in done.stdout
    assert list(tmp_path.iterdir()) == []  # its temporary folder is gone


def test_a_broken_step_is_named_and_exits_1(monkeypatch, tmp_path):
    def broken(*_args, **_kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(invoice, "render", broken)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    out = io.StringIO()

    assert selftest.run_selftest(out) == 1

    text = out.getvalue()
    assert "PDF lettre de relance" not in text  # stops at the failing step
    assert "PDF bordereau de remise de chèques : OK" in text
    assert "PDF facture avec coupon : ÉCHEC — OSError : disque plein" in text
    assert "Auto-test réussi" not in text
    assert list(tmp_path.iterdir()) == []


def test_skipped_steps_are_named_and_counted(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    kept = {"database", "receipt-a4"}
    out = io.StringIO()

    assert selftest.run_selftest(out, skip=set(selftest.STEP_KEYS) - kept) == 0

    lines = out.getvalue().splitlines()
    assert lines[1] == "Mode UTF-8 de Python : NON FAIT (--selftest-skip utf8-mode)"
    assert lines[2].startswith("Base créée et migrée : OK (révision ")
    assert lines[3] == "Commune de démonstration : NON FAIT (--selftest-skip demo-town)"
    assert lines[4].startswith("PDF quittance A4 : OK (")
    assert "PDF d'une série de factures : NON FAIT (--selftest-skip invoice-run)" in lines
    assert sum(" : NON FAIT (" in line for line in lines) == len(selftest.STEPS) - 2
    assert lines[-1].startswith("Auto-test réussi en ")
    assert lines[-1].endswith(
        f" s : 2 étapes sur {len(selftest.STEPS)}, non faites : Mode UTF-8 de Python, "
        "Commune de démonstration, "
        "PDF quittance ticket, PDF journal de caisse, PDF bordereau de remise de chèques, "
        "PDF facture avec coupon, PDF d'une série de factures, PDF lettre de relance, "
        "PDF listes de présence, PDF commande de repas, PDF export des données d'une famille, "
        "Import d'un classeur Excel, Trousseau du système, Traduction française de Qt, "
        "Fenêtre principale."
    )


def test_an_unknown_step_to_skip_is_refused(capsys):
    from eticket_desk.cli import main

    with pytest.raises(SystemExit) as refused:
        main(["--selftest", "--selftest-skip", "invoices"])
    assert refused.value.code == 2
    assert "invalid choice: 'invoices'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--selftest-skip", "invoice-run"])
    assert "--selftest-skip ne va qu'avec --selftest" in capsys.readouterr().err
