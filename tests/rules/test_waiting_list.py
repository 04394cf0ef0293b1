"""The waiting list's order: first come, first served, to the second and within it."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from eticket_desk.rules.waiting_list import Arrival, arrival, in_arrival_order, next_rank

NINE = datetime(2026, 9, 22, 9, 0)


@given(
    # Each child comes some seconds after the previous one; 0 is the same second.
    gaps=st.lists(st.integers(min_value=0, max_value=2), min_size=1, max_size=12),
    ids=st.data(),
)
def test_children_are_served_in_the_order_they_came_whatever_their_ids(gaps, ids):
    highest, moment, queue = None, NINE, []
    for position, gap in enumerate(gaps):
        moment += timedelta(seconds=gap)
        highest = rank = next_rank(highest)
        child = ids.draw(st.uuids(version=4))
        queue.append((position, child, Arrival(moment, rank)))
    shuffled = ids.draw(st.permutations(queue))
    served = in_arrival_order((place, (position, child)) for position, child, place in shuffled)
    assert [position for position, _ in served] == list(range(len(gaps)))


def test_two_children_queued_in_the_same_second_keep_their_order_not_their_ids():
    first, second = uuid.UUID(int=2**120), uuid.UUID(int=1)  # the first has the larger id
    queue = [(Arrival(NINE, 2), second), (Arrival(NINE, 1), first)]
    assert in_arrival_order(queue) == [first, second]


def test_ranks_grow_and_rows_queued_before_ranks_sort_by_their_moment():
    assert next_rank(None) == 1 and next_rank(7) == 8
    assert arrival(None, None) < arrival(NINE, None) < arrival(NINE, 1) < arrival(NINE, 2)
    assert arrival(NINE, 5) < arrival(NINE + timedelta(seconds=1), 1)
