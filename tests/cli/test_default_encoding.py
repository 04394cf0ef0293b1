"""The program never depends on the machine's default encoding (cp1252 on a French Windows
PC, UTF-8 here): a day of the desk's commands runs with Python's `warn_default_encoding` and
every EncodingWarning an error, so a text file opened without its encoding — by the program
or by one of its libraries, as the school-holiday data once was — fails here on Linux too. The
data folder has spaces and accents, as `C:\\Users\\Hélène Dupré\\AppData\\Local` has."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parents[2]

DAY = """
import sys
from eticket_desk.cli import main

base, out, sample = sys.argv[1:4]
steps = [
    ["--db", base, "demo", "--families", "12", "--seed", "3"],
    ["--db", base, "import", sample],
    ["--db", base, "attendance", "--date", "2026-11-17", "--out", out + "/Présences du mardi.pdf"],
    ["--db", base, "meals", "--from", "2026-11-16", "--to", "2026-11-20",
     "--csv", out + "/Commande repas.csv", "--out", out + "/Commande repas.pdf"],
    ["--db", base, "invoices", "run", "--period", "2026-11", "--out", out + "/Factures novembre"],
    ["--db", base, "backup", "--out", out + "/Sauvegarde été.sqlite"],
    ["--db", base, "check"],
]
for step in steps:
    code = main(step)
    if code != 0:
        sys.exit(f"{step[2]} : code {code}")
"""


def test_a_day_of_commands_names_every_encoding_in_a_folder_with_accents(tmp_path):
    home = tmp_path / "Hélène Dupré" / "AppData" / "Local" / "eticket"
    out = home / "Documents à imprimer"
    out.mkdir(parents=True)
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home),
        "WIN_PD_OVERRIDE_LOCAL_APPDATA": str(home),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("PYTHONUTF8", None)
    done = subprocess.run(
        [
            sys.executable,
            "-X",
            "warn_default_encoding",
            "-W",
            "error::EncodingWarning",
            "-c",
            DAY,
            str(home / "Mairie de Neuvecelle.sqlite"),
            str(out),
            str(ROOT / "resources" / "samples" / "import_familles.csv"),
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        capture_output=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "EncodingWarning" not in done.stderr

    with (out / "Commande repas.csv").open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file, delimiter=";"))
    assert rows[0][:3] == ["Date", "Jour", "École"]
    assert rows[1][:3] == ["16/11/2026", "lundi", "École du Lac"]
    listing = PdfReader(out / "Présences du mardi.pdf")
    assert "mardi 17 novembre 2026" in listing.pages[0].extract_text()
    invoices = sorted((out / "Factures novembre").glob("*.pdf"))
    assert len(invoices) > 5, "the invoice run wrote no PDF"
    assert "30 familles, 45 enfants, 82 inscriptions importées" in done.stdout
    assert (out / "Sauvegarde été.sqlite").stat().st_size > 0
