"""A family's SEPA mandate: its RUM, its lapse after 36 months, the sequence type of its next
debit and the day an invoice is debited."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.errors import InvalidInput
from eticket_desk.rules.sepa import (
    MandateState,
    SequenceType,
    check_rum,
    debit_day,
    lapsed_on,
    make_rum,
    mandate_state,
    sequence_type,
)

ICS = "FR72ZZZ123456"
IBAN_A = "FR7630006000011234567890189"  # bank 30006
IBAN_A2 = "FR7630006000019876543210173"
IBAN_B = "FR7610107001011234567890129"  # bank 10107


def test_the_rum_is_the_ics_national_part_the_family_and_the_number():
    assert make_rum(ICS, "F00042", 7) == "123456-F00042-000007"


def test_no_rum_without_the_communes_ics():
    with pytest.raises(InvalidInput, match="Paramètres › Organisation"):
        make_rum("", "F00042", 1)


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=28),
    st.integers(min_value=1, max_value=999_999),
)
def test_a_rum_always_fits_35_sepa_characters(national, number):
    rum = make_rum(f"FR00ZZZ{national}", "F123456", number)
    assert len(rum) <= 35
    assert check_rum(rum) == rum
    assert rum.endswith(f"-F123456-{number:06d}")


def test_a_rum_with_a_space_or_an_accent_is_refused():
    for bad in ("12 34", "MANDAT-É", "/ABC", "A//B", "X" * 36, ""):
        with pytest.raises(InvalidInput, match="RUM"):
            check_rum(bad)


def test_a_mandate_lapses_36_months_to_the_day_after_its_last_debit():
    assert lapsed_on(date(2023, 1, 10), date(2024, 1, 15)) == date(2027, 1, 15)
    used = dict(signed_on=date(2023, 1, 10), last_debit_on=date(2024, 1, 15), revoked_on=None)
    assert mandate_state(**used, on=date(2027, 1, 14)) is MandateState.ACTIVE
    assert mandate_state(**used, on=date(2027, 1, 15)) is MandateState.LAPSED


def test_a_mandate_never_used_lapses_36_months_after_its_signature():
    assert lapsed_on(date(2024, 2, 29), None) == date(2027, 2, 28)
    assert mandate_state(date(2024, 3, 31), None, None, date(2027, 3, 30)) is MandateState.ACTIVE
    assert mandate_state(date(2024, 3, 31), None, None, date(2027, 3, 31)) is MandateState.LAPSED


def test_a_revoked_mandate_is_revoked_from_its_revocation_day():
    signed = date(2026, 9, 1)
    assert mandate_state(signed, None, date(2026, 12, 1), date(2026, 11, 30)) == "actif"
    assert mandate_state(signed, None, date(2026, 12, 1), date(2026, 12, 1)) == "révoqué"


def test_sequence_types():
    assert sequence_type(False, None) is SequenceType.OOFF
    assert sequence_type(True, None) is SequenceType.FRST
    assert sequence_type(True, date(2026, 10, 5)) is SequenceType.RCUR
    # a new account at the same bank: RCUR (the amendment details announce it)
    assert sequence_type(True, date(2026, 10, 5), True, IBAN_A, IBAN_A2) is SequenceType.RCUR
    # the debtor moved to another bank (SMNDA): FRST again
    assert sequence_type(True, date(2026, 10, 5), True, IBAN_A, IBAN_B) is SequenceType.FRST
    # a new debtor name on the same account: RCUR
    assert sequence_type(True, date(2026, 10, 5), True, "", IBAN_A) is SequenceType.RCUR


def test_the_debit_day_is_the_delay_after_issue_on_a_target2_business_day():
    # issued Tuesday 1 Dec 2026 + 14 days: Tuesday 15 Dec 2026
    assert debit_day(date(2026, 12, 1), 14) == date(2026, 12, 15)
    # + 4 days: Saturday 5 Dec -> Monday 7 Dec
    assert debit_day(date(2026, 12, 1), 4) == date(2026, 12, 7)
    # Friday 25 Dec 2026 (Christmas), 26 Dec Saturday, 27 Sunday -> Monday 28 Dec
    assert debit_day(date(2026, 12, 11), 14) == date(2026, 12, 28)
    # Good Friday 26 Mar 2027 and Easter Monday 29 Mar -> Tuesday 30 Mar
    assert debit_day(date(2027, 3, 12), 14) == date(2027, 3, 30)
    # 1 May 2028 is a Monday -> Tuesday 2 May
    assert debit_day(date(2028, 4, 17), 14) == date(2028, 5, 2)
    # 1 Jan 2027 is a Friday -> Monday 4 Jan
    assert debit_day(date(2026, 12, 18), 14) == date(2027, 1, 4)


def test_a_one_off_mandate_serves_once():
    signed = date(2026, 9, 1)
    assert mandate_state(signed, None, None, date(2026, 10, 1), recurrent=False) == "actif"
    used = mandate_state(signed, date(2026, 10, 15), None, date(2026, 10, 16), recurrent=False)
    assert used is MandateState.USED
