"""The time of the ask: a deadline is judged at the moment the op was made at the desk,
corrected by the desk's clock offset measured at each push, only when that clock is trusted;
otherwise at the server's time, and the refusal says why in French."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from eticket_central.models import Device
from eticket_desk.sync.protocol import OpType
from tests.central.helpers import TUESDAY, a_child

# The canteen's Tuesday deadline is Monday 14 September 10:00; the server's clock says 10:30.
SERVER_NOW = datetime(2026, 9, 14, 10, 30)
IN_TIME = datetime(2026, 9, 14, 9, 45)


def _book(desk, child_id, activity_id, made_at, day=TUESDAY):
    op = desk.op(
        OpType.BOOKING_BOOK,
        child_id=str(child_id),
        activity_id=str(activity_id),
        day=day.isoformat(),
    )
    return op.model_copy(update={"made_at": made_at})


def _push(desk, sent_at, *ops) -> dict:
    body = {
        "device_id": str(desk.device_id),
        "ops": [op.model_dump(mode="json") for op in ops],
    }
    if sent_at is not None:
        body["sent_at"] = sent_at.isoformat()
    answer = desk.http.post("/sync/push", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.fixture
def late_server(central):
    central.clock.current = SERVER_NOW
    return central


def test_a_booking_made_in_time_offline_is_applied_when_it_reaches_the_server_late(
    late_server, desk, planning, db
):
    lea = a_child(desk, "Léa")
    # The desk's clock is 3 s behind the server's; the booking was made at 9:45 (desk time).
    answer = _push(desk, SERVER_NOW - timedelta(seconds=3), _book(desk, lea, planning, IN_TIME))
    assert (answer["clock_offset_s"], answer["clock_trusted"]) == (3, True)
    result = answer["results"][0]
    assert result["status"] == "applied", result
    assert result["result"] == {"state": "booked", "changed": True, "late": False}
    db.expire_all()
    device = db.get(Device, desk.device_id)
    assert (device.clock_offset_s, device.clock_measured_at) == (3, SERVER_NOW)


@pytest.mark.parametrize(
    ("gap", "words"),
    [(timedelta(hours=2, minutes=10), "retarde de 2 h 10"), (-timedelta(days=3), "avance de 3 j")],
)
def test_a_clock_beyond_the_limit_is_not_trusted_and_the_refusal_says_so(
    late_server, desk, planning, gap, words
):
    lea = a_child(desk, "Léa")
    desk_now = SERVER_NOW - gap  # the desk's clock is `gap` behind (ahead when negative)
    answer = _push(desk, desk_now, _book(desk, lea, planning, IN_TIME - gap))
    assert answer["clock_offset_s"] == int(gap.total_seconds())
    assert answer["clock_trusted"] is False
    result = answer["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "DEADLINE_PASSED")
    assert result["message"] == (
        "Cantine du mardi 15 septembre : le délai est dépassé depuis le lundi 14 septembre "
        f"2026 à 10:00. (l'horloge de ce poste {words} : réglez la date et l'heure de cet "
        "ordinateur, puis synchronisez à nouveau ; la demande a été jugée à l'heure du serveur.)"
    )


def test_a_clock_set_back_since_the_last_sync_cannot_book_past_a_deadline(
    late_server, desk, planning
):
    lea, hugo = a_child(desk, "Léa"), a_child(desk, "Hugo")
    late_server.clock.current = datetime(2026, 9, 14, 9, 50)
    desk.pull_all()  # the end of a sync at 9:50
    late_server.clock.current = SERVER_NOW
    # Then the desk's clock was set back to 9:40 for a booking, and set right again.
    answer = _push(desk, SERVER_NOW, _book(desk, lea, planning, datetime(2026, 9, 14, 9, 40)))
    assert answer["clock_trusted"] is True  # the clock is right now: the op's time is not
    result = answer["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "DEADLINE_PASSED")
    assert (
        "l'horloge de ce poste a été reculée : cette opération est datée d'avant sa "
        in (result["message"])
    )
    assert "dernière synchronisation" in result["message"]
    # Within one push, an op dated before the one sent just before it is not trusted either.
    first, second = (
        _book(desk, hugo, planning, datetime(2026, 9, 14, 9, 58)),
        _book(desk, lea, planning, datetime(2026, 9, 14, 9, 55)),
    )
    results = _push(desk, SERVER_NOW, first, second)["results"]
    assert results[0]["status"] == "applied"
    assert results[1]["code"] == "DEADLINE_PASSED"
    assert "datée d'avant une opération précédente de ce poste" in results[1]["message"]


def test_an_op_dated_after_the_servers_time_or_a_push_without_time_is_judged_now(
    late_server, desk, planning
):
    lea = a_child(desk, "Léa")
    future = _push(desk, SERVER_NOW, _book(desk, lea, planning, SERVER_NOW + timedelta(hours=1)))
    assert future["results"][0]["code"] == "DEADLINE_PASSED"
    assert "d'après l'heure du serveur" in future["results"][0]["message"]
    unknown = _push(desk, None, _book(desk, lea, planning, IN_TIME))
    assert (unknown["clock_offset_s"], unknown["clock_trusted"]) == (None, False)
    assert unknown["results"][0]["code"] == "DEADLINE_PASSED"
    assert "l'heure de ce poste n'a pas pu être mesurée" in unknown["results"][0]["message"]
