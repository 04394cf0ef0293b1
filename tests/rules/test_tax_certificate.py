"""The tax certificate's rule: who is under six on 1 January, the pro rata spread with the
remainder cents on the last line, the care share rounded half up, meals excluded."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.tax_certificate import (
    ChildFacts,
    InvoicePaid,
    LineFacts,
    TicketsPaid,
    care_paid,
    care_part,
    spread,
    under_six_on_first_january,
)


def test_under_six_on_first_january_of_the_year():
    assert under_six_on_first_january(date(2020, 6, 15), 2026)  # turns 6 during 2026
    assert not under_six_on_first_january(date(2020, 1, 1), 2026)  # 6 on 1 January
    assert under_six_on_first_january(date(2020, 1, 2), 2026)
    assert under_six_on_first_january(date(2026, 3, 1), 2026)  # born during the year
    assert not under_six_on_first_january(None, 2026)


def test_the_remainder_cents_go_to_the_last_line():
    assert spread(100, [1, 1, 1]) == [33, 33, 34]
    assert spread(-100, [1, 1, 1]) == [-33, -33, -34]
    assert spread(100, [1, 1, 0]) == [50, 50, 0]
    assert spread(100, [0, 0]) == [0, 0]


@given(st.integers(-(10**7), 10**7), st.lists(st.integers(0, 10**5), min_size=1, max_size=8))
def test_the_spread_never_loses_a_cent(amount, weights):
    parts = spread(amount, weights)
    assert sum(parts) == (amount if sum(weights) else 0)


def test_the_care_part_is_rounded_half_up():
    assert care_part(4600, 2000) == 920
    assert care_part(5, 5000) == 3  # 2,5 cents → 3
    assert care_part(-5, 5000) == -3
    assert care_part(1234, 10000) == 1234 and care_part(1234, 0) == 0


def test_meals_excluded_and_children_over_six_left_out():
    lea = ChildFacts(uuid.uuid4(), "Léa MARTIN", date(2021, 4, 2))
    tom = ChildFacts(uuid.uuid4(), "Tom MARTIN", date(2018, 9, 9))
    lines = (
        LineFacts(lea.id, "Cantine", "mars 2026", 4600, 0),  # all meal
        LineFacts(lea.id, "Garderie soir", "mars 2026", 2000, 10000),
        LineFacts(tom.id, "Garderie soir", "mars 2026", 2000, 10000),
    )
    [care] = care_paid(2026, [lea, tom], [InvoicePaid(lines, 8600)])
    assert care.child == lea and care.amount_cents == 2000
    [half] = care_paid(2026, [lea, tom], [InvoicePaid(lines, 4300)])
    assert half.amount_cents == 1000


def test_tickets_spread_over_the_children_who_used_them():
    lea = ChildFacts(uuid.uuid4(), "Léa MARTIN", date(2021, 4, 2))
    tom = ChildFacts(uuid.uuid4(), "Tom MARTIN", date(2018, 9, 9))
    sale = TicketsPaid("Garderie", "achat du 3 mars 2026", 3000, 10000, ((lea.id, 2), (tom.id, 1)))
    [care] = care_paid(2026, [lea, tom], [], [sale])
    assert care.amount_cents == 2000 and care.activities[0].periods == ("achat du 3 mars 2026",)
    unused = TicketsPaid("Garderie", "achat du 3 mars 2026", 3000, 10000, ())
    [even] = care_paid(2026, [lea, tom], [], [unused])
    assert even.amount_cents == 1500


def test_a_refund_never_makes_a_negative_certificate():
    lea = ChildFacts(uuid.uuid4(), "Léa MARTIN", date(2021, 4, 2))
    line = LineFacts(lea.id, "Garderie soir", "décembre 2025", 2000, 10000)
    assert care_paid(2026, [lea], [InvoicePaid((line,), -2000)]) == ()
