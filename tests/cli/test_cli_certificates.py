"""`eticket-desk certificates --year`: how many certificates were made and their total, the
PDFs in the folder given; a future year refused in French with exit 1."""

from __future__ import annotations

from datetime import datetime

from eticket_desk.cli import main
from tests.services.certificate_town import (
    OCTOBER,
    book_month,
    invoice_month,
    make_town,
    pay,
)


def test_certificates_prints_the_count_and_the_total(
    store, admin, schools, activities, clock, tmp_path, capsys
):
    town = make_town(store, admin, schools, activities)
    book_month(store, admin, town, OCTOBER)
    october = invoice_month(store, admin, clock, "2026-10", datetime(2026, 11, 2, 9))
    pay(store, admin, town, october, october.total_cents)
    out = tmp_path / "attestations"
    db = str(store.path)

    assert main(["--db", db, "certificates", "--year", "2026", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.replace("\xa0", " ").replace("\u202f", " ")
    assert "1 attestation(s) 2026 écrite(s), 68,40 € au total." in printed
    assert sorted(p.name for p in out.glob("*.pdf")) == [
        f"Attestation frais de garde 2026 {town['family'].reference}.pdf",
        "Attestations frais de garde 2026 - à imprimer.pdf",
    ]

    assert main(["--db", db, "certificates", "--year", "2031"]) == 1
    assert "entre 2000 et l'année en cours" in capsys.readouterr().err
