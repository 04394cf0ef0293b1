"""rules.desk_clock: when a desk's clock dates its ops, and the words for its offset."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from eticket_desk.rules.desk_clock import (
    DeskClock,
    Moment,
    ask_moments,
    offset_words,
    spoken_duration,
)

NOW = datetime(2026, 10, 14, 9, 30)
CONTACT = datetime(2026, 9, 14, 9, 30)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (3, "3 s"),
        (420, "7 min"),
        (425, "7 min 05 s"),
        (7800, "2 h 10"),
        (259200, "3 j"),
        (266700, "3 j 2 h 05"),
        (-7800, "2 h 10"),
    ],
)
def test_an_offset_is_said_in_days_hours_and_minutes(seconds, words):
    assert spoken_duration(seconds) == words


def test_a_positive_offset_is_a_clock_behind_the_servers():
    assert offset_words(3 * 86400) == "retarde de 3 j"
    assert offset_words(-130 * 60) == "avance de 2 h 10"


def test_a_trusted_clock_dates_each_op_at_its_corrected_moment():
    clock = DeskClock(offset_s=3, previous_contact=CONTACT)
    made = [datetime(2026, 9, 20, 9, 45), None, datetime(2026, 10, 1, 8, 0)]
    assert ask_moments(clock, made, NOW) == [
        Moment(datetime(2026, 9, 20, 9, 45, 3)),
        Moment(NOW),  # an op without its time (an older desk): the server's, as before
        Moment(datetime(2026, 10, 1, 8, 0, 3)),
    ]


def test_the_servers_time_is_used_when_the_op_or_the_clock_cannot_be_trusted():
    behind = DeskClock(offset_s=400, previous_contact=CONTACT)  # beyond five minutes
    [moment] = ask_moments(behind, [datetime(2026, 9, 20, 9, 45)], NOW)
    assert moment.at == NOW and "retarde de 6 min 40 s" in moment.distrust
    right = DeskClock(offset_s=0, previous_contact=CONTACT)
    before_contact, ok, before_previous, future = ask_moments(
        right,
        [
            CONTACT - timedelta(days=3),
            datetime(2026, 9, 20, 9, 0),
            datetime(2026, 9, 19, 9, 0),
            NOW + timedelta(minutes=1),
        ],
        NOW,
    )
    assert "d'avant sa dernière synchronisation" in before_contact.distrust
    assert ok == Moment(datetime(2026, 9, 20, 9, 0))
    assert "d'avant une opération précédente de ce poste" in before_previous.distrust
    assert "d'après l'heure du serveur" in future.distrust
    assert {before_contact.at, before_previous.at, future.at} == {NOW}
    [unknown] = ask_moments(DeskClock(offset_s=None), [datetime(2026, 9, 20, 9, 0)], NOW)
    assert unknown.at == NOW and "n'a pas pu être mesurée" in unknown.distrust
