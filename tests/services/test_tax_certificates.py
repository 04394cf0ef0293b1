"""Tax certificates (attestations de frais de garde): what a family paid in a year for the
care of its children under six on 1 January, on a real base, PDFs read back."""

from __future__ import annotations

from datetime import datetime

import pytest
from pypdf import PdfReader

from eticket_desk.rules.errors import DomainError, InvalidInput
from eticket_desk.services.catalogue.tariffs import save_tariff, save_ticket_type
from eticket_desk.services.counter.sale_cancellation import cancel_sale
from eticket_desk.services.counter.till import open_till
from eticket_desk.services.invoicing.certificates import (
    certificate_paths,
    family_certificate_data,
    make_certificates,
    print_family_certificate,
)
from eticket_desk.services.invoicing.run import credit_note
from tests.conftest import BRACKETS, cash_sale
from tests.services.certificate_town import (
    DECEMBER,
    NOVEMBER,
    OCTOBER,
    book_month,
    invoice_month,
    make_town,
    pay,
)

# October for each child: 10 garderie days × 2,50 € + 10 canteen days × 4,60 € = 71,00 €.
CHILD_OCTOBER = 10 * 250 + 10 * 460
# Léa's care in October: the garderie whole, 20 % of the canteen (supervision), no meal.
LEA_OCTOBER_CARE = 2500 + 920


@pytest.fixture
def town(store, admin, schools, activities, clock):
    town = make_town(store, admin, schools, activities)
    book_month(store, admin, town, OCTOBER + NOVEMBER + DECEMBER)
    town["october"] = invoice_month(store, admin, clock, "2026-10", datetime(2026, 11, 2, 9))
    return town


def _amounts(data) -> dict[str, int]:
    return {child.name: child.amount_cents for child in data.children}


def _text(path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_an_unpaid_invoice_gives_no_certificate(store, admin, town):
    assert town["october"].total_cents == 3 * CHILD_OCTOBER
    assert family_certificate_data(store, admin, town["family"].id, 2026) is None
    with pytest.raises(DomainError, match="Aucun frais de garde éligible payé en 2026"):
        print_family_certificate(store, admin, town["family"].id, 2026)


def test_paid_in_full_the_care_share_of_the_children_under_six_only(store, admin, town):
    pay(store, admin, town, town["october"], 3 * CHILD_OCTOBER)
    data = family_certificate_data(store, admin, town["family"].id, 2026)
    # Léa turns 6 in June 2026 (under 6 on 1 January): in; Tom is 6 on 1 January 2026: out.
    assert _amounts(data) == {"Léa DUPONT": LEA_OCTOBER_CARE, "Zoé DUPONT": LEA_OCTOBER_CARE}
    lea = data.children[0]
    assert {line.label: line.amount_cents for line in lea.lines} == {
        "Garderie matin": 2500,
        "Cantine": 920,  # the supervision part; the meal (36,80 €) is excluded
    }
    assert lea.lines[0].periods == ("octobre 2026",)
    assert data.total_cents == 2 * LEA_OCTOBER_CARE


def test_a_partial_payment_gives_the_paid_part_of_the_care_share(store, admin, town):
    pay(store, admin, town, town["october"], 3 * CHILD_OCTOBER // 2, accept=True)
    data = family_certificate_data(store, admin, town["family"].id, 2026)
    assert _amounts(data)["Léa DUPONT"] == LEA_OCTOBER_CARE // 2  # 12,50 € + 4,60 €


def test_a_credit_note_takes_back_what_was_paid_on_the_cancelled_invoice(store, admin, town, clock):
    pay(store, admin, town, town["october"], 3 * CHILD_OCTOBER)
    november = invoice_month(store, admin, clock, "2026-11", datetime(2026, 12, 1, 9))
    pay(store, admin, town, november, november.total_cents)
    lea_november = 4 * 250 + round(4 * 460 * 0.2)
    data = family_certificate_data(store, admin, town["family"].id, 2026)
    assert _amounts(data)["Léa DUPONT"] == LEA_OCTOBER_CARE + lea_november
    clock.current = datetime(2026, 12, 10, 9)
    credit_note(store, admin, november.id, "Garderie fermée en novembre")
    data = family_certificate_data(store, admin, town["family"].id, 2026)
    assert _amounts(data)["Léa DUPONT"] == LEA_OCTOBER_CARE


def test_a_payment_in_january_for_december_counts_in_the_next_year(store, admin, town, clock):
    december = invoice_month(store, admin, clock, "2026-12", datetime(2027, 1, 4, 9))
    clock.current = datetime(2027, 1, 10, 9)
    pay(store, admin, town, december, december.total_cents)
    assert family_certificate_data(store, admin, town["family"].id, 2026) is None
    data = family_certificate_data(store, admin, town["family"].id, 2027)
    # In 2027 only Zoé is under 6 on 1 January.
    assert _amounts(data) == {"Zoé DUPONT": 4 * 250 + round(4 * 460 * 0.2)}


def test_the_family_pdf_names_the_child_and_the_amount_to_the_cent(store, admin, town, tmp_path):
    pay(store, admin, town, town["october"], 3 * CHILD_OCTOBER)
    [path] = certificate_paths(store, admin, town["family"].id, 2026, tmp_path)
    text = _text(path)
    assert "Léa DUPONT" in text and "Zoé DUPONT" in text and "Tom" not in text
    assert "34,20 €" in text and "68,40 €" in text
    assert "200 quater B" in text and "moins de 6 ans" in text
    assert "Commune de Neuvecelle" in text and "Fait à Neuvecelle" in text
    assert "Marie DUPONT" in text and "12 rue des Écoles" in text


def test_the_yearly_batch_writes_one_pdf_per_family_and_the_merged_file(
    store, admin, town, schools, tmp_path
):
    pay(store, admin, town, town["october"], 3 * CHILD_OCTOBER)
    steps = []
    made = make_certificates(
        store, admin, 2026, progress=lambda step, done, total: steps.append((done, total))
    )
    assert len(made.files) == 1 and made.total_cents == 2 * LEA_OCTOBER_CARE
    assert made.files[0].parent.parts[-2:] == ("Attestations fiscales", "2026")
    assert made.merged.exists() and "68,40 €" in _text(made.merged)
    assert made.message.replace("\xa0", " ") == "1 attestation(s) 2026 écrite(s), 68,40 € au total."
    assert steps[-1] == (1, 1)
    stopped = make_certificates(store, admin, 2026, tmp_path, should_stop=lambda: True)
    assert stopped.stopped and stopped.files == () and not list(tmp_path.glob("*.pdf"))


def test_a_future_year_is_refused_in_french(store, admin, town):
    with pytest.raises(InvalidInput, match="entre 2000 et l'année en cours"):
        make_certificates(store, admin, 2027)


def test_tickets_bought_at_the_counter_count_and_a_cancelled_receipt_does_not(store, admin, town):
    ticket = save_ticket_type(store, admin, "garderie", "Garderie", care_share_bp=10000)
    save_tariff(store, admin, ticket.id, store.clock.today(), BRACKETS)
    open_till(store, admin, 0)
    sold = cash_sale(store, admin, town["family"], ticket, 10, 10000)
    cancelled = cash_sale(store, admin, town["family"], ticket, 5, 10000)
    cancel_sale(store, admin, cancelled.sale_id, "Erreur de quantité")
    total = sold.quote.total_cents
    data = family_certificate_data(store, admin, town["family"].id, 2026)
    # No ticket used yet: spread over the three children; Tom's third is not certified.
    assert _amounts(data) == {"Léa DUPONT": total // 3, "Zoé DUPONT": total - 2 * (total // 3)}
    assert data.children[0].lines[0].label == "Garderie"
    assert data.children[0].lines[0].periods[0].startswith("achat du ")
