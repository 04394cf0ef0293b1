"""The known town of the portal's planning tests, pushed by a desk like a commune's own: the
school year 2026-2027 with its periods and the Toussaint, a prepaid Cantine, a post-paid
Garderie soir of five seats, the TAP (by subscription only), and the Dupont family (Léa and
Tom) with a portal login and three Cantine tickets.

At START (Monday 14 September 2026, 9:30) Léa's week reads, by the rules: Cantine Monday
booked and locked (its deadline was Friday 11, 10:00), Tuesday booked and still editable
(until Monday 14, 10:00), Wednesday without Cantine, Thursday and Friday free; TAP Tuesday
and Thursday booked by her subscription, read-only."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from argon2 import PasswordHasher

from eticket_desk.sync.protocol import OpType
from tests.central.helpers import SCHOOL, child, family_payload, wallet_payload
from tests.central.portal_pages import ParentPages, browser, open_session

PASSWORD = "Soleil2026"
_HASH = PasswordHasher().hash(PASSWORD)
MONDAY = date(2026, 9, 14)
PERIOD_END = date(2026, 10, 16)  # « Période 1 », until the Toussaint


@dataclass(frozen=True)
class Town:
    cantine: uuid.UUID
    garderie: uuid.UUID
    tap: uuid.UUID


@dataclass(frozen=True)
class Family:
    family_id: uuid.UUID
    lea: uuid.UUID
    tom: uuid.UUID
    login: str


def _applied(answers) -> None:
    assert [a["status"] for a in answers] == ["applied"] * len(answers), answers


def activity(desk, code: str, name: str, weekdays, deadline, billing, **more) -> uuid.UUID:
    activity_id = uuid.uuid4()
    _applied(
        desk.push(
            desk.op(
                OpType.ACTIVITY_UPSERT,
                activity_id=str(activity_id),
                code=code,
                name=name,
                weekdays=weekdays,
                deadline=deadline,
                billing_mode=billing,
                **more,
            )
        )
    )
    return activity_id


def town(desk, garderie_seats: int = 5) -> Town:
    """The year, its periods and the three activities."""
    _applied(
        desk.push(
            desk.op(
                OpType.CALENDAR_UPSERT,
                year_id=str(uuid.uuid4()),
                label="2026-2027",
                start="2026-09-01",
                end="2027-07-03",
                closures=[
                    {
                        "start": "2026-10-17",
                        "end": "2026-11-01",
                        "kind": "school_holiday",
                        "label": "Vacances de la Toussaint",
                    }
                ],
                periods=[
                    {"name": "Période 1", "start": "2026-09-01", "end": PERIOD_END.isoformat()},
                    {"name": "Période 2", "start": "2026-11-02", "end": "2026-12-18"},
                ],
            )
        )
    )
    every_day = {"kind": "previous_open_day", "at": "10:00"}
    return Town(
        cantine=activity(
            desk,
            "CANTINE",
            "Cantine",
            [0, 1, 3, 4],
            every_day,
            "prepaid",
            ticket_type="CANTINE",
            capacity=30,
        ),
        garderie=activity(
            desk,
            "GARDERIE_SOIR",
            "Garderie soir",
            [0, 1, 2, 3, 4],
            every_day,
            "unit",
            capacity=garderie_seats,
        ),
        tap=activity(desk, "TAP", "TAP", [1, 3], {"kind": "subscription_only"}, "fare"),
    )


def _form(desk, child_id, activity_id, days: list[date], weekdays: str):
    """A paper form the desk held before its first sync: recorded as it is."""
    return desk.op(
        OpType.BOOKINGS_APPLY,
        child_id=str(child_id),
        activity_id=str(activity_id),
        book=[d.isoformat() for d in days],
        initial=True,
        subscription_id=str(uuid.uuid4()),
        subscription={"start": "2026-09-01", "end": PERIOD_END.isoformat(), "weekdays": weekdays},
    )


def dupont(
    desk, town: Town, tickets: int = 3, last_name: str = "Dupont", status: str = "validated"
) -> Family:
    """Léa (subscribed to the Cantine and the TAP) and Tom (a Garderie day), validated."""
    family_id, lea, tom = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    login = f"parent.{uuid.uuid4().hex[:8]}"
    payload = family_payload(
        family_id,
        last_name=last_name,
        status=status,
        children=[child(lea, SCHOOL, first_name="Léa"), child(tom, SCHOOL, first_name="Tom")],
        portal={"login": login, "password_hash": _HASH},
    )
    ops = [desk.op(OpType.FAMILY_UPSERT, **payload)]
    if tickets:
        ops.append(desk.op(OpType.WALLET_ENTRY, **wallet_payload(family_id, tickets)))
    _applied(desk.push(*ops))
    _applied(
        desk.push(
            _form(desk, lea, town.cantine, [MONDAY, date(2026, 9, 15)], "0134"),
            _form(desk, lea, town.tap, [date(2026, 9, 15), date(2026, 9, 17)], "13"),
        )
    )
    if status == "validated":  # a dossier not validated books nothing
        _applied(
            desk.push(
                desk.op(
                    OpType.BOOKING_BOOK,
                    child_id=str(tom),
                    activity_id=str(town.garderie),
                    day="2026-09-22",
                    waiting_list=True,
                )
            )
        )
    return Family(family_id, lea, tom, login)


def parent_of(central, commune, family: Family) -> ParentPages:
    """The family's parent logged in on the portal's pages."""
    token = open_session(central, commune.tenant_id, family.family_id)
    kids = {"Léa": family.lea, "Tom": family.tom}
    return ParentPages(family.family_id, kids, browser(central, token), token)


def cell(activity_id: uuid.UUID, day: date) -> str:
    """A grid cell's checkbox value."""
    return f"{activity_id}/{day.isoformat()}"


def grid_form(child_id, shown: dict[str, bool], wanted: set[str], **more) -> dict:
    """The grid's form as a browser sends it: the cells shown (`shown`: booked or not), those
    checked now (`wanted`)."""
    return {
        "enfant": str(child_id),
        "semaine": MONDAY.isoformat(),
        "vu": list(shown),
        "avant": [k for k, held in shown.items() if held],
        "j": sorted(wanted),
        **more,
    }
