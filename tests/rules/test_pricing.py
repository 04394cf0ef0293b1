"""Prices by QF bracket and how a sale is settled: change, split payments, refusals."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.errors import DomainError, InvalidInput, ValidationFailed
from eticket_desk.rules.pricing import Bracket, Method, PaymentInput, settle, unit_price

BRACKETS = [Bracket(600, 120, 170), Bracket(1000, 160, 210), Bracket(None, 240, 290)]
TODAY = date(2026, 11, 23)


def test_each_family_pays_its_bracket():
    assert unit_price(BRACKETS, 450, date(2026, 1, 10), TODAY, outside=False).unit_cents == 120
    assert unit_price(BRACKETS, 600, date(2026, 1, 10), TODAY, outside=False).unit_cents == 120
    middle = unit_price(BRACKETS, 601, date(2026, 1, 10), TODAY, outside=False)
    assert middle.unit_cents == 160
    assert middle.note == "Quotient familial 601 € — tranche 2 sur 3"
    assert unit_price(BRACKETS, 4000, date(2026, 1, 10), TODAY, outside=True).unit_cents == 290


def test_without_a_valid_qf_the_highest_bracket_applies():
    none = unit_price(BRACKETS, None, None, TODAY, outside=False)
    assert none.unit_cents == 240 and "sans quotient familial valide" in none.note
    stale = unit_price(BRACKETS, 450, date(2025, 9, 1), TODAY, outside=False)
    assert stale.unit_cents == 240 and "périmé" in stale.note


def test_brackets_are_checked():
    with pytest.raises(ValidationFailed):
        unit_price([Bracket(600, 120, 170)], 100, TODAY, TODAY, outside=False)
    with pytest.raises(ValidationFailed):
        unit_price(
            [Bracket(1000, 1, 1), Bracket(600, 1, 1), Bracket(None, 1, 1)],
            1,
            TODAY,
            TODAY,
            outside=False,
        )


def test_cash_gives_change_and_only_cash():
    cash = settle(1250, [PaymentInput(Method.CASH, 2000)])
    assert cash.change_cents == 750 and cash.paid[0][1] == 1250
    split = settle(
        3000,
        [
            PaymentInput(Method.CHEQUE, 2000, "1234567", "Crédit Agricole", "M. DUPONT"),
            PaymentInput(Method.CASH, 1500),
        ],
    )
    assert split.change_cents == 500 and [share for _, share in split.paid] == [2000, 1000]
    with pytest.raises(DomainError, match="la monnaie ne se rend qu'en espèces"):
        settle(1000, [PaymentInput(Method.CARD, 1500, card_reference="4F2A91")])
    with pytest.raises(DomainError, match="Il manque 2,50"):
        settle(1250, [PaymentInput(Method.CASH, 1000)])
    with pytest.raises(InvalidInput, match="numéro et sa banque"):
        settle(1250, [PaymentInput(Method.CHEQUE, 1250, cheque_drawer="M. X")])


@given(
    total=st.integers(1, 100_000),
    given_cash=st.integers(1, 200_000),
    cheque=st.integers(0, 100_000),
)
def test_what_is_kept_always_equals_the_total(total, given_cash, cheque):
    payments = [PaymentInput(Method.CASH, given_cash)]
    if cheque:
        payments.append(PaymentInput(Method.CHEQUE, cheque, "1", "Banque", "Tireur"))
    try:
        result = settle(total, payments)
    except DomainError:
        assert cheque > total or cheque + given_cash < total
        return
    assert sum(share for _, share in result.paid) == total
    assert result.change_cents == given_cash + cheque - total
    assert 0 <= result.change_cents <= given_cash
