"""The command line: `demo` builds a town, refuses to overwrite, `--db` works everywhere."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from eticket_desk.cli import main
from eticket_desk.services.access.users import authenticate
from eticket_desk.services.core.store import Store
from eticket_desk.services.demo.town import DEMO_PASSWORD
from eticket_desk.services.families.search import search_families
from tests.processes import KILLED, kill_now


def test_demo_builds_a_town_that_agents_can_use(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "25", "--seed", "3"]) == 0
    assert "25 familles" in capsys.readouterr().out
    with Store(path) as store:
        actor, _ = authenticate(store, "agent", DEMO_PASSWORD)
        assert len(search_families(store, actor, "", limit=100)) == 25


def test_demo_refuses_to_overwrite_an_existing_file(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    path.write_text("précieux")
    assert main(["--db", str(path), "demo", "--families", "5"]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert path.read_text() == "précieux"


def test_demo_force_killed_half_way_leaves_the_old_base_and_the_next_run_cleans_up(
    tmp_path, capsys
):
    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "5", "--seed", "1"]) == 0
    before = path.read_bytes()
    building = tmp_path / "demo.sqlite.building"
    command = [sys.executable, "-m", "eticket_desk", "--db", str(path), "demo", "--force"]
    child = subprocess.Popen(
        [*command, "--families", "1500"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    try:
        for line in child.stdout:  # killed once the new town is half written
            if line.startswith("Familles créées :".encode()) and building.exists():
                break
        kill_now(child.pid)
    finally:
        child.kill()
        child.wait()
    assert building.exists()  # the half town: under another name, never opened
    assert path.read_bytes() == before
    with Store(path) as store:
        actor, _ = authenticate(store, "agent", DEMO_PASSWORD)
        assert len(search_families(store, actor, "", limit=100)) == 5

    capsys.readouterr()
    assert main(["--db", str(path), "demo", "--force", "--families", "6", "--seed", "2"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"fichier {path}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.sqlite"]
    with Store(path) as store:
        actor, _ = authenticate(store, "agent", DEMO_PASSWORD)
        assert len(search_families(store, actor, "", limit=100)) == 6


def test_demo_refuses_a_silly_size(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "x.sqlite"), "demo", "--families", "0"]) == 2
    assert "compris entre 1 et 50 000" in capsys.readouterr().err


def test_migrate_on_another_file(tmp_path, capsys):
    path = tmp_path / "autre.sqlite"
    assert main(["--db", str(path), "migrate"]) == 0
    assert "Base à jour" in capsys.readouterr().out
    assert path.exists()


def test_import_command_dry_runs_then_imports_the_sample(tmp_path, capsys):
    db = tmp_path / "town.sqlite"
    assert main(["--db", str(db), "demo", "--families", "5"]) == 0
    sample = Path(__file__).resolve().parents[2] / "resources" / "samples" / "import_familles.csv"
    capsys.readouterr()
    assert main(["--db", str(db), "import", str(sample), "--dry-run"]) == 0
    dry = capsys.readouterr().out
    assert "30 famille" in dry
    assert main(["--db", str(db), "import", str(sample)]) == 0
    assert "30 familles" in capsys.readouterr().out
    assert main(["--db", str(db), "import", str(tmp_path / "absent.csv")]) == 2


def test_invoices_run_issues_the_month_and_writes_the_pdfs(tmp_path, capsys):
    from pypdf import PdfReader

    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "20", "--seed", "2"]) == 0
    # the demo invoiced October: September is left, and its numbers follow October's
    october = int(re.search(r"(\d+) factures d'octobre 2026", capsys.readouterr().out)[1])
    out = tmp_path / "factures"
    assert main(["--db", str(path), "invoices", "run", "--period", "2026-09", "--dry-run"]) == 0
    assert "Septembre 2026 :" in capsys.readouterr().out
    assert not out.exists()
    assert (
        main(["--db", str(path), "invoices", "run", "--period", "2026-09", "--out", str(out)]) == 0
    )
    printed = capsys.readouterr().out
    first = f"F-2026-{october + 1:06d}"
    assert "Émises :" in printed and f"{first} à" in printed
    files = sorted(out.glob("F-2026-*.pdf"))
    assert files and files[0].name == f"{first}.pdf"
    merged = out / "Factures septembre 2026 - à imprimer.pdf"
    assert len(PdfReader(merged).pages) >= len(files)
    # the same month again: nothing left to bill, said in French, exit 1
    assert (
        main(["--db", str(path), "invoices", "run", "--period", "2026-09", "--out", str(out)]) == 1
    )
    assert "Aucune facture à émettre" in capsys.readouterr().err


def test_invoices_run_refuses_a_bad_month(tmp_path, capsys):
    path = tmp_path / "demo.sqlite"
    args = ["--db", str(path), "invoices", "run", "--period", "octobre", "--out", str(tmp_path)]
    assert main(args) == 1
    assert "AAAA-MM" in capsys.readouterr().err


KILLED_AFTER_COMMIT = """
import os, sys
from eticket_desk.services.invoicing import documents as invoice_documents
from tests.processes import kill_now

def killed(*_args, **_kwargs):  # the program is killed once the run is committed
    kill_now(os.getpid())

invoice_documents.write_run_pdfs = killed
from eticket_desk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_invoices_run_killed_after_its_commit_is_completed_by_the_next_run(tmp_path, capsys):
    from pypdf import PdfReader
    from sqlalchemy import select

    from eticket_desk.models import Invoice, InvoiceRun
    from eticket_desk.rules.money import format_cents
    from eticket_desk.services.invoicing.documents import merged_name, run_folder

    path = tmp_path / "demo.sqlite"
    assert main(["--db", str(path), "demo", "--families", "20", "--seed", "2"]) == 0
    command = ["--db", str(path), "invoices", "run", "--period", "2026-09"]
    out = tmp_path / "factures"
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_AFTER_COMMIT, *command, "--out", str(out)],
        capture_output=True,
        encoding="utf-8",
    )
    assert killed.returncode == KILLED
    assert "Émises :" in killed.stdout and not out.exists()
    capsys.readouterr()

    assert main([*command, "--out", str(out)]) == 1  # nothing left to bill in September…
    printed = capsys.readouterr()
    assert "PDF manquants de la facturation septembre 2026 écrits." in printed.out
    assert "Aucune facture à émettre" in printed.err

    with Store(path) as store:  # …but every invoice issued has its PDF in the documents
        with store.read() as session:
            run = session.scalars(
                select(InvoiceRun).where(InvoiceRun.period_label == "septembre 2026")
            ).one()
            invoices = session.execute(
                select(Invoice.number, Invoice.total_cents).where(Invoice.run_id == run.id)
            ).all()
        folder = run_folder(store, run.issued_at.year, run.period_label)
    assert len(invoices) == run.invoices > 0
    for number, total in invoices:
        text = " ".join(PdfReader(folder / f"{number}.pdf").pages[0].extract_text().split())
        assert number in text and " ".join(format_cents(total).split()) in text
    merged = PdfReader(folder / merged_name(run.period_label))
    assert sorted(item.title.split(" — ")[0] for item in merged.outline) == sorted(
        number for number, _ in invoices
    )
