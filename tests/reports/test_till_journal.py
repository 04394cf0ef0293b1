"""The till journal, read back from the PDF as the régisseur checking a day's takings would."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.rl_accel import fp_str

from eticket_desk.reports import till_journal
from eticket_desk.reports.till_journal import JournalReceipt, TillJournalData
from eticket_desk.rules.money import format_cents
from eticket_desk.services.catalogue.organisation import OrganisationData
from eticket_desk.services.demo.data import COMMUNE

ORGANISATION = OrganisationData(**COMMUNE)
OPENED = datetime(2026, 11, 23, 7, 45)
HEADER = "N° quittance Heure Famille Espèces Chèques Carte Total"


def _receipts(count: int) -> tuple[JournalReceipt, ...]:
    receipts = []
    for i in range(count):
        amount = 150 + (i * 37) % 4000
        method = i % 3
        receipts.append(
            JournalReceipt(
                number=f"Q-2026-{i + 1:06d}",
                issued_at=OPENED + timedelta(minutes=2 * i + 10),
                family_reference=f"F{i % 97:05d}",
                family_name=f"FAMILLE-{i % 97} Zoé",
                cash_cents=amount if method == 0 else 0,
                cheque_cents=amount if method == 1 else 0,
                card_cents=amount if method == 2 else 0,
                total_cents=amount,
            )
        )
    return tuple(receipts)


def _journal(receipts: tuple[JournalReceipt, ...], **changes) -> TillJournalData:
    cash = sum(r.cash_cents for r in receipts if not r.cancelled)
    data = TillJournalData(
        organisation=ORGANISATION,
        title="Journal de caisse du lundi 23 novembre 2026",
        till_label="Guichet de la mairie",
        agent_name="Noémie Favre",
        opened_at=OPENED,
        closed_at=OPENED.replace(hour=18, minute=10),
        float_cents=15_000,
        receipts=receipts,
        expected_cash_cents=15_000 + cash,
        counted_cash_cents=15_000 + cash - 230,
        difference_cents=-230,
        difference_note="Pièce de 2 € rendue en trop.",
        signed_by="Noémie Favre",
    )
    return dataclasses.replace(data, **changes)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _money(cents: int) -> str:
    return _flat(format_cents(cents))


def _pages(pdf: Path) -> list[str]:
    return [_flat(page.extract_text()) for page in PdfReader(str(pdf)).pages]


def _red_on(pdf: Path) -> list[bool]:
    """Whether each page paints anything in the journal's alert red."""
    c = till_journal.ALERT
    red = f"{fp_str(c.red, c.green, c.blue)} rg".encode()
    return [red in page.get_contents().get_data() for page in PdfReader(str(pdf)).pages]


def test_a_250_receipt_journal_repeats_its_header_and_adds_up(tmp_path):
    receipts = _receipts(250)
    pages = _pages(till_journal.render(_journal(receipts), tmp_path / "journal.pdf"))
    text = " ".join(pages)

    assert len(pages) >= 5
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} / {len(pages)}" in page
    listing = [page for page in pages if "Q-2026-" in page]
    assert all(HEADER in page for page in listing)
    for page in pages[1:]:
        assert "Journal de caisse du lundi 23 novembre 2026 — Guichet de la mairie (suite)" in page
    numbers = re.findall(r"Q-2026-\d{6}", text)
    assert sorted(numbers) == [r.number for r in receipts], "each receipt printed exactly once"
    cash = sum(r.cash_cents for r in receipts)
    cheque = sum(r.cheque_cents for r in receipts)
    card = sum(r.card_cents for r in receipts)
    total_row = f"Total 250 quittances {_money(cash)} {_money(cheque)} {_money(card)}"
    assert f"{total_row} {_money(cash + cheque + card)}" in text
    assert f"Espèces {_money(cash)}" in text
    assert f"Chèques {_money(cheque)}" in text
    assert f"Carte bancaire {_money(card)}" in text
    assert f"Total encaissé {_money(cash + cheque + card)}" in text
    last_listing = listing[-1]
    assert len(re.findall(r"Q-2026-\d{6}", last_listing)) >= 2, "the total is never left alone"


def test_the_closing_block_shows_the_count_and_the_difference_in_red(tmp_path):
    receipts = _receipts(12)
    data = _journal(receipts)
    out = till_journal.render(data, tmp_path / "journal.pdf")
    text = " ".join(_pages(out))

    assert f"Fonds de caisse {_money(15_000)}" in text
    assert f"Espèces attendues {_money(data.expected_cash_cents)}" in text
    assert f"Espèces comptées {_money(data.counted_cash_cents)}" in text
    assert f"Écart −{_money(230)} (manquant)" in text
    assert "Explication de l'écart : Pièce de 2 € rendue en trop." in text
    assert "Clôturé par Noémie Favre le lundi 23 novembre 2026 à 18 h 10." in text
    assert "Signature de l'agent" in text and "Visa du régisseur" in text
    assert "provisoire" not in text
    assert any(_red_on(out))


def test_a_balanced_till_shows_no_red(tmp_path):
    receipts = _receipts(12)
    data = _journal(receipts)
    data = dataclasses.replace(
        data, counted_cash_cents=data.expected_cash_cents, difference_cents=0, difference_note=""
    )
    out = till_journal.render(data, tmp_path / "journal.pdf")

    assert f"Écart {_money(0)}" in " ".join(_pages(out))
    assert not any(_red_on(out))


def test_an_open_till_gives_a_provisional_journal(tmp_path):
    data = _journal(
        _receipts(5),
        closed_at=None,
        counted_cash_cents=None,
        difference_cents=None,
        difference_note="",
        signed_by="",
    )
    text = " ".join(_pages(till_journal.render(data, tmp_path / "journal.pdf")))

    assert "Caisse ouverte — journal provisoire" in text
    assert "non clôturée" in text
    assert f"Espèces attendues {_money(data.expected_cash_cents)}" in text
    assert "Espèces comptées" not in text
    assert "Clôturé par" not in text


def test_a_cancelled_receipt_is_shown_but_not_counted(tmp_path):
    receipts = list(_receipts(4))
    receipts[1] = dataclasses.replace(receipts[1], cancelled=True)
    pages = _pages(till_journal.render(_journal(tuple(receipts)), tmp_path / "journal.pdf"))
    text = " ".join(pages)
    counted = [r for r in receipts if not r.cancelled]

    assert receipts[1].number in text
    assert "annulée" in text
    assert f"Total encaissé {_money(sum(r.total_cents for r in counted))}" in text
    assert "3 quittances comptées ; 1 quittance annulée, non comptée." in text


def test_an_empty_session_still_prints(tmp_path):
    data = _journal((), counted_cash_cents=15_000, expected_cash_cents=15_000, difference_cents=0)
    text = " ".join(_pages(till_journal.render(data, tmp_path / "journal.pdf")))

    assert "Aucune quittance." in text
    assert f"Total encaissé {_money(0)}" in text


def test_the_journal_names_who_opened_it_and_who_took_it_over(tmp_path):
    data = _journal(
        _receipts(3),
        agent_name="Marie Durand (agente d'accueil)",
        signed_by="Paul Guichet",
        handovers=(
            "À 12 h 10, caisse reprise par Paul Guichet (agent d'accueil), tenue jusque-là par "
            "Marie Durand (agente d'accueil).",
        ),
    )
    text = _flat(PdfReader(till_journal.render(data, tmp_path / "j.pdf")).pages[0].extract_text())
    assert "ouverte par : Marie Durand (agente d'accueil)" in text
    assert (
        "À 12 h 10, caisse reprise par Paul Guichet (agent d'accueil), tenue jusque-là par "
        "Marie Durand (agente d'accueil)." in text
    )
    assert "Clôturé par Paul Guichet" in text
